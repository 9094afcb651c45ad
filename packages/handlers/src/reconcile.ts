import {
  ListTagsForResourceCommand,
  type ModelInvocationJobSummary,
  paginateListModelInvocationJobs,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import { SendTaskHeartbeatCommand } from '@aws-sdk/client-sfn';
import {
  decodeTaskTokenTags,
  isTerminalJobStatus,
  JobStatus,
  JobTagKey,
  MANAGED_BY_VALUE,
} from '@bedrock-batch/schema';
import { DEFAULT_RECONCILE_LOOKBACK_HOURS, DEFAULT_RECONCILE_MAX_JOBS } from './config.js';
import { deliverJob } from './deliver-job.js';
import { describeExecutionState, isLiveExecutionState } from './execution-state.js';
import { defaultLogger, type HandlerDeps } from './handler-deps.js';
import { isOwnedBy, tagValue } from './job-tags.js';
import { isDeadTaskTokenError, redactErrorMessage } from './service-errors.js';

/** Options of {@link reconcile}. */
interface ReconcileOptions extends HandlerDeps {
  /**
   * Only jobs submitted within this many hours are listed.
   * @default 192
   */
  readonly lookbackHours?: number;
  /**
   * Most jobs one run looks at (ours or not).
   * @default 500
   */
  readonly maxJobs?: number;
  /**
   * The current time.
   * @default new Date()
   */
  readonly now?: Date;
}

/** What one reconcile run did; also its one summary log line. */
interface ReconcileSummary {
  /** Jobs listed (submitted within the lookback window, at most `maxJobs`). */
  readonly jobsSeen: number;
  /** Of those, jobs managed by this owner. */
  readonly ours: number;
  /** Heartbeats Step Functions accepted for jobs in flight. */
  readonly heartbeats: number;
  /** Results of finished jobs delivered to their waiting tasks. */
  readonly deliveries: number;
  /** Jobs stopped because no task waited for them any more. */
  readonly stops: number;
  /**
   * Jobs whose task token no longer waits while their execution still runs: left alone this
   * run, because a retried create-job task re-tags the job with its new token and claims it.
   */
  readonly waiting: number;
  /** Jobs whose handling failed (each logged; the others went on). */
  readonly errors: number;
}

type Counter = { -readonly [K in keyof ReconcileSummary]: ReconcileSummary[K] };

async function reconcileJob(
  summary: ModelInvocationJobSummary,
  deps: HandlerDeps & { owner: string },
  counter: Counter,
): Promise<void> {
  const logger = deps.logger ?? defaultLogger();
  const jobArn = summary.jobArn ?? '';
  const { bedrock, sfn } = deps.clients;
  const tags =
    (await bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn }))).tags ?? [];
  if (!isOwnedBy(tags, deps.owner)) return;
  counter.ours += 1;
  const log = { jobArn, executionArn: tagValue(tags, JobTagKey.ExecutionArn) };
  const status = summary.status ?? 'unknown';

  if (isTerminalJobStatus(status)) {
    const result = await deliverJob(jobArn, deps, { tags, job: summary });
    if (result.outcome === 'delivered') {
      counter.deliveries += 1;
      logger.info('Delivered the result of a finished job whose event was lost', {
        ...log,
        jobStatus: status,
      });
    } else if (result.outcome === 'no-token') {
      counter.errors += 1;
    }
    return;
  }

  const taskToken = decodeTaskTokenTags(tags);
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
    // A failed create-job attempt is retried with a NEW token, and the retry re-tags this job:
    // while the execution runs, the dead token may just be the previous attempt's.
    let executionStatus: string | undefined;
    if (log.executionArn !== undefined && log.executionArn !== '') {
      executionStatus = await describeExecutionState(sfn, log.executionArn);
      if (isLiveExecutionState(executionStatus)) {
        counter.waiting += 1;
        logger.info(
          'No task waits for this job, but its execution still runs (a retried task may claim it); leaving it alone',
          { ...log, jobStatus: status, reason, executionStatus },
        );
        return;
      }
    }
    await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    counter.stops += 1;
    logger.warn(
      'Stopped a job no task waits for (its execution was aborted, failed or timed out)',
      {
        ...log,
        jobStatus: status,
        reason,
        ...(executionStatus === undefined ? {} : { executionStatus }),
      },
    );
  }
}

/**
 * One reconcile run (the fragment's safety net, on a schedule). For each job of this owner
 * submitted within the lookback window (at most `maxJobs` jobs, newest pages first as Bedrock
 * lists them):
 *
 * - in flight: sends a task heartbeat; when Step Functions answers that the task no longer
 *   exists, timed out or has an invalid token, it asks for the job's execution
 *   (`DescribeExecution` on the execution-ARN tag). An execution that ended (or that Step
 *   Functions does not know) waits for nothing: the job is stopped with StopModelInvocationJob
 *   so no orphan keeps billing. An execution still `RUNNING` (or `PENDING_REDRIVE`) may be
 *   retrying the create-job task, which re-tags the job with a new token: the job is left alone
 *   and counted as `waiting`. A job without the tag is stopped as before;
 * - finished but never delivered (lost event, failed job-event run): delivers its result through
 *   the same code path as the job-event handler.
 *
 * Idempotent; one job's error is logged and counted, and the others go on (a failed
 * `DescribeExecution` is such an error: that job is not stopped this run). Ends with one
 * summary log line and returns the summary.
 *
 * @param options - clients, owner, logger, window and bound
 * @returns the counts of the run
 *
 * @example
 * ```ts
 * import { createAwsClients } from '@bedrock-batch/handlers';
 * import { reconcile } from '@bedrock-batch/handlers/reconcile';
 *
 * const summary = await reconcile({ clients: createAwsClients(), lookbackHours: 48, maxJobs: 200 });
 * ```
 */
async function reconcile(options: ReconcileOptions): Promise<ReconcileSummary> {
  const logger = options.logger ?? defaultLogger();
  const owner = options.owner ?? MANAGED_BY_VALUE;
  const lookbackHours = options.lookbackHours ?? DEFAULT_RECONCILE_LOOKBACK_HOURS;
  const maxJobs = options.maxJobs ?? DEFAULT_RECONCILE_MAX_JOBS;
  const now = options.now ?? new Date();
  const deps = { clients: options.clients, owner, logger };
  const counter: Counter = {
    jobsSeen: 0,
    ours: 0,
    heartbeats: 0,
    deliveries: 0,
    stops: 0,
    waiting: 0,
    errors: 0,
  };
  const submitTimeAfter = new Date(now.getTime() - lookbackHours * 3_600_000);

  const pages = paginateListModelInvocationJobs(
    { client: options.clients.bedrock, pageSize: Math.min(maxJobs, 100) },
    { submitTimeAfter },
  );
  listing: for await (const page of pages) {
    for (const summary of page.invocationJobSummaries ?? []) {
      if (counter.jobsSeen >= maxJobs) break listing;
      counter.jobsSeen += 1;
      try {
        await reconcileJob(summary, deps, counter);
      } catch (error) {
        counter.errors += 1;
        logger.error('Reconcile failed for one job; going on with the others', {
          jobArn: summary.jobArn,
          error:
            error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
      }
    }
    if (counter.jobsSeen >= maxJobs) break;
  }
  const summary: ReconcileSummary = { ...counter };
  logger.info('Reconcile finished', { summary, lookbackHours, maxJobs });
  return summary;
}

export type { ReconcileOptions, ReconcileSummary };
export { reconcile };
