import {
  GetModelInvocationJobCommand,
  type GetModelInvocationJobResponse,
  paginateListModelInvocationJobs,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import { SendTaskHeartbeatCommand } from '@aws-sdk/client-sfn';
import { isTerminalJobStatus, JobStatus, MANAGED_BY_VALUE } from '@bedrock-batch/schema';
import { deliverJob } from './deliver-job.js';
import { describeExecutionState, isLiveExecutionState } from './execution-state.js';
import { defaultLogger, type HandlerDeps } from './handler-deps.js';
import { pendingJobNames, readTicket, removeTicket, type StoredTicket } from './job-tickets.js';
import { isDeadTaskTokenError, isNotFoundError, redactErrorMessage } from './service-errors.js';

/** Tickets handled at once. */
const CONCURRENCY = 4;
/**
 * A ticket without a job is left alone this long after create-job wrote it (the job may be
 * being created right now).
 */
const CREATE_GRACE_MS = 15 * 60_000;

/** Options of {@link reconcile}. */
interface ReconcileOptions extends HandlerDeps {
  /**
   * The current time, against which a ticket without a job is judged (15 minutes of grace).
   * Delivery claims use the function's own clock.
   * @default new Date()
   */
  readonly now?: Date;
}

/** What one reconcile run did; also its one summary log line. */
interface ReconcileSummary {
  /** Pending tickets of this owner looked at (its jobs not yet delivered). */
  readonly tickets: number;
  /** Heartbeats Step Functions accepted for jobs in flight. */
  readonly heartbeats: number;
  /** Results of finished jobs delivered to their waiting tasks. */
  readonly deliveries: number;
  /** Jobs stopped because no task waited for them any more. */
  readonly stops: number;
  /**
   * Jobs whose task token no longer waits while their execution still runs: left alone this
   * run, because a retried create-job task writes its new token into the ticket and claims it.
   */
  readonly waiting: number;
  /** Tickets removed because their job was never created and their execution has ended. */
  readonly abandoned: number;
  /** Tickets whose handling failed (each logged; the others went on). */
  readonly errors: number;
}

type Counter = { -readonly [K in keyof ReconcileSummary]: ReconcileSummary[K] };
type Deps = HandlerDeps & { owner: string; now: Date };

/** The job of a ticket without an ARN (create-job stopped before it wrote it), by exact name. */
async function findJobByName(deps: Deps, jobName: string): Promise<string | undefined> {
  const pages = paginateListModelInvocationJobs(
    { client: deps.clients.bedrock },
    { nameContains: jobName },
  );
  for await (const page of pages) {
    const match = page.invocationJobSummaries?.find((summary) => summary.jobName === jobName);
    if (match?.jobArn !== undefined) return match.jobArn;
  }
  return undefined;
}

async function describeJob(
  deps: Deps,
  jobArn: string,
): Promise<GetModelInvocationJobResponse | undefined> {
  try {
    return await deps.clients.bedrock.send(
      new GetModelInvocationJobCommand({ jobIdentifier: jobArn }),
    );
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}

async function reconcileTicket(
  bucket: string,
  jobName: string,
  deps: Deps,
  counter: Counter,
): Promise<void> {
  const logger = deps.logger ?? defaultLogger();
  const { bedrock, sfn, s3 } = deps.clients;
  const stored: StoredTicket | undefined = await readTicket(s3, bucket, deps.owner, jobName);
  if (stored === undefined) return; // delivered since the listing
  const { ticket } = stored;
  const jobArn = ticket.jobArn ?? (await findJobByName(deps, jobName));
  const job = jobArn === undefined ? undefined : await describeJob(deps, jobArn);
  const log = { jobArn, jobName, executionArn: ticket.executionArn };

  if (jobArn === undefined || job === undefined) {
    if (deps.now.getTime() - Date.parse(ticket.createdAt) < CREATE_GRACE_MS) return;
    const executionStatus = await describeExecutionState(sfn, ticket.executionArn);
    if (isLiveExecutionState(executionStatus)) return;
    await removeTicket(s3, stored);
    counter.abandoned += 1;
    logger.info('Removed the ticket of a job that was never created; its execution ended', {
      ...log,
      executionStatus,
    });
    return;
  }
  const status = job.status ?? 'unknown';
  if (isTerminalJobStatus(status)) {
    const result = await deliverJob(jobArn, deps, { job, ticket: stored });
    if (result.outcome === 'delivered') {
      counter.deliveries += 1;
      logger.info('Delivered the result of a finished job whose event was lost', {
        ...log,
        jobStatus: status,
      });
    }
    return;
  }

  const { taskToken } = ticket;
  try {
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    counter.heartbeats += 1;
    logger.debug('Sent heartbeat', { ...log, jobStatus: status });
  } catch (error) {
    if (!isDeadTaskTokenError(error)) throw redactErrorMessage(error, [taskToken]);
    const reason = (error as Error).name;
    if (status === JobStatus.Stopping) {
      logger.info('No task waits for this job; it is already stopping', { ...log, reason });
      return;
    }
    // A failed create-job attempt is retried with a NEW token, and the retry rewrites the
    // ticket: while the execution runs, the dead token may just be the previous attempt's.
    const executionStatus = await describeExecutionState(sfn, ticket.executionArn);
    if (isLiveExecutionState(executionStatus)) {
      counter.waiting += 1;
      logger.info(
        'No task waits for this job, but its execution still runs (a retried task may claim it); leaving it alone',
        { ...log, jobStatus: status, reason, executionStatus },
      );
      return;
    }
    await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    counter.stops += 1;
    logger.warn(
      'Stopped a job no task waits for (its execution was aborted, failed or timed out)',
      { ...log, jobStatus: status, reason, executionStatus },
    );
  }
}

/**
 * One reconcile run (the fragment's safety net, on a schedule). Its work is proportional to
 * this owner's unfinished jobs, not to the account's: it lists the owner's pending tickets
 * (`bedrock-batch-control/<owner>/pending/` in each control bucket) and, for each, reads the
 * job with GetModelInvocationJob:
 *
 * - in flight: sends a task heartbeat; when Step Functions answers that the task no longer
 *   exists, timed out or has an invalid token, it asks for the ticket's execution
 *   (`DescribeExecution`). An execution that ended (or that Step Functions does not know) waits
 *   for nothing: the job is stopped with StopModelInvocationJob so no orphan keeps billing. An
 *   execution still `RUNNING` (or `PENDING_REDRIVE`) may be retrying the create-job task, which
 *   rewrites the ticket with a new token: the job is left alone and counted as `waiting`;
 * - finished but never delivered (lost event, failed job-event run): delivers its result through
 *   the same code path as the job-event handler;
 * - no job (create-job stopped between the ticket and the job): after a grace period, and once
 *   the execution has ended, the ticket is removed.
 *
 * Idempotent; one ticket's error is logged and counted, and the others go on (a failed
 * `DescribeExecution` is such an error: that job is not stopped this run). Ends with one
 * summary log line and returns the summary.
 *
 * @param options - clients, owner, control buckets, logger, time
 * @returns the counts of the run
 *
 * @example
 * ```ts
 * import { createAwsClients } from '@bedrock-batch/handlers';
 * import { reconcile } from '@bedrock-batch/handlers/reconcile';
 *
 * const summary = await reconcile({ clients: createAwsClients(), controlBuckets: ['my-output-bucket'] });
 * ```
 */
async function reconcile(options: ReconcileOptions): Promise<ReconcileSummary> {
  const logger = options.logger ?? defaultLogger();
  const owner = options.owner ?? MANAGED_BY_VALUE;
  const deps: Deps = { clients: options.clients, owner, logger, now: options.now ?? new Date() };
  const counter: Counter = {
    tickets: 0,
    heartbeats: 0,
    deliveries: 0,
    stops: 0,
    waiting: 0,
    abandoned: 0,
    errors: 0,
  };
  const buckets = options.controlBuckets ?? [];
  if (buckets.length === 0) logger.warn('No control buckets are configured; nothing to reconcile');

  const running = new Set<Promise<void>>();
  const handle = async (bucket: string, jobName: string): Promise<void> => {
    try {
      await reconcileTicket(bucket, jobName, deps, counter);
    } catch (error) {
      counter.errors += 1;
      logger.error('Reconcile failed for one job; going on with the others', {
        jobName,
        error:
          error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
  };
  for (const bucket of buckets) {
    for await (const jobName of pendingJobNames(options.clients.s3, bucket, owner)) {
      counter.tickets += 1;
      const task = handle(bucket, jobName).finally(() => running.delete(task));
      running.add(task);
      if (running.size >= CONCURRENCY) await Promise.race(running);
    }
  }
  await Promise.all(running);
  const summary: ReconcileSummary = { ...counter };
  logger.info('Reconcile finished', { summary });
  return summary;
}

export type { ReconcileOptions, ReconcileSummary };
export { reconcile };
