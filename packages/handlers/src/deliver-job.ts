import {
  GetModelInvocationJobCommand,
  type GetModelInvocationJobResponse,
} from '@aws-sdk/client-bedrock';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  BatchErrorName,
  type BatchJobResult,
  DELIVERY_CLAIM_LEASE_MS,
  isTerminalJobStatus,
  MANAGED_BY_VALUE,
  type RecordCounts,
  SUCCESS_JOB_STATUSES,
} from '@bedrock-batch/schema';
import { parseJobArn, parseS3Uri } from './arns.js';
import { TicketFormatError } from './errors.js';
import { defaultLogger, type HandlerDeps } from './handler-deps.js';
import { type JobOutput, OUTPUT_FILE_SUFFIX, readJobOutput } from './job-output.js';
import {
  claimDelivery,
  completeDelivery,
  readDeliveredTicket,
  readTicket,
  removeTicket,
  type StoredTicket,
  tokenMarker,
  writeTicket,
} from './job-tickets.js';
import { isDeadTaskTokenError, isNotFoundError, redactErrorMessage } from './service-errors.js';

/** The fields of a job description delivery reads (`GetModelInvocationJob` or a list summary). */
type JobDescription = Pick<
  GetModelInvocationJobResponse,
  | 'jobArn'
  | 'jobName'
  | 'status'
  | 'message'
  | 'inputDataConfig'
  | 'outputDataConfig'
  | 'totalRecordCount'
  | 'processedRecordCount'
  | 'successRecordCount'
  | 'errorRecordCount'
>;

/** What delivery did with a job. */
type DeliveryOutcome =
  /** No ticket of this owner names the job: someone else's job, left alone. */
  | 'not-ours'
  /** Bedrock does not know the job (deleted, or another account/Region). */
  | 'not-found'
  /** The job is not terminal yet: nothing to deliver. */
  | 'in-flight'
  /** The waiting task already got this job's result. */
  | 'already-delivered'
  /** The result (success or failure) reached the waiting task. */
  | 'delivered'
  /** Another run claimed the delivery a moment ago and is sending it. */
  | 'in-delivery'
  /** The task no longer waits (execution ended, aborted or timed out): nothing more to do. */
  | 'token-not-waiting'
  /** The job's ticket is not readable as a ticket: nobody can be told. */
  | 'no-token';

/** The result of {@link deliverJob}. */
interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  readonly jobArn: string;
  /** The job's real status, when it was read. */
  readonly jobStatus?: string;
  /** `success` (SendTaskSuccess) or `failure` (SendTaskFailure), when a callback was sent. */
  readonly sent?: 'success' | 'failure';
  /** The Step Functions error name of a failure that was sent. */
  readonly error?: string;
  /** Whether the ticket was moved to `delivered/` (after a callback). */
  readonly marked?: boolean;
}

/** State a caller already holds, so delivery does not read it again. */
interface KnownJobState {
  /**
   * The job's name (an event's `batchJobName`, a list summary's `jobName`).
   * @default - read from the job description
   */
  readonly jobName?: string;
  /**
   * The job's pending ticket, as just read.
   * @default - read from the control buckets
   */
  readonly ticket?: StoredTicket;
  /**
   * The job's description; only use a fresh one (never an event's status).
   * @default read with GetModelInvocationJob
   */
  readonly job?: JobDescription;
}

type Callback =
  | { kind: 'success'; result: BatchJobResult }
  | { kind: 'failure'; error: string; cause: string };

function defaultCause(jobArn: string, status: string): string {
  if (status === 'Expired') {
    return `Bedrock batch job ${jobArn} expired before it finished (it exceeded its timeout) and gave no message.`;
  }
  if (status === 'Stopped') {
    return `Bedrock batch job ${jobArn} was stopped before it finished and gave no message.`;
  }
  return `Bedrock batch job ${jobArn} ended with status ${status} and gave no message.`;
}

function recordCounts(job: JobDescription, output: JobOutput): RecordCounts | undefined {
  const { totalRecordCount, processedRecordCount, successRecordCount, errorRecordCount } = job;
  if (
    totalRecordCount !== undefined &&
    processedRecordCount !== undefined &&
    successRecordCount !== undefined &&
    errorRecordCount !== undefined
  ) {
    return {
      total: totalRecordCount,
      processed: processedRecordCount,
      success: successRecordCount,
      error: errorRecordCount,
    };
  }
  const manifest = output.manifest;
  if (manifest === undefined) return undefined;
  return {
    total: manifest.totalRecordCount,
    processed: manifest.processedRecordCount,
    success: manifest.successRecordCount,
    error: manifest.errorRecordCount,
  };
}

async function successCallback(
  jobArn: string,
  status: 'Completed' | 'PartiallyCompleted',
  job: JobDescription,
  deps: HandlerDeps,
  log: Record<string, string | undefined>,
): Promise<Callback> {
  const logger = deps.logger ?? defaultLogger();
  const jobId = parseJobArn(jobArn)?.jobId ?? jobArn.slice(jobArn.lastIndexOf('/') + 1);
  const outputUri = job.outputDataConfig?.s3OutputDataConfig?.s3Uri ?? '';
  const output = await readJobOutput(deps.clients.s3, outputUri, jobId);
  if (output.keys.length === 0) {
    return {
      kind: 'failure',
      error: BatchErrorName.NoOutput,
      cause: `Bedrock batch job ${jobArn} ended ${status} but wrote no ${OUTPUT_FILE_SUFFIX} file under s3://${output.bucket}/${output.folder}.`,
    };
  }
  if (output.manifestProblem !== undefined) {
    logger.warn('Job output has no usable manifest.json.out; token counts are left out', {
      ...log,
      problem: output.manifestProblem,
    });
  }
  let counts = recordCounts(job, output);
  if (counts === undefined) {
    logger.warn(
      'No record counts in the job description or manifest.json.out; reporting zeros',
      log,
    );
    counts = { total: 0, processed: 0, success: 0, error: 0 };
  }
  const { inputTokenCount, outputTokenCount } = output.manifest ?? {};
  const inputUri = job.inputDataConfig?.s3InputDataConfig?.s3Uri ?? '';
  const result: BatchJobResult = {
    status,
    bucket: output.bucket,
    keys: [...output.keys],
    job_arn: jobArn,
    job_name: job.jobName ?? '',
    manifest_key: parseS3Uri(inputUri)?.key ?? inputUri,
    record_counts: counts,
    ...(inputTokenCount !== undefined && outputTokenCount !== undefined
      ? { token_counts: { input: inputTokenCount, output: outputTokenCount } }
      : {}),
  };
  return { kind: 'success', result };
}

/** Where the job's ticket is: pending (with the ticket), delivered, or nowhere. */
type TicketLookup =
  | { readonly state: 'pending'; readonly stored: StoredTicket }
  | { readonly state: 'delivered' | 'none' };

async function findTicket(
  deps: HandlerDeps & { owner: string },
  buckets: readonly string[],
  jobName: string,
  jobArn: string,
): Promise<TicketLookup> {
  const { s3 } = deps.clients;
  for (const bucket of buckets) {
    const stored = await readTicket(s3, bucket, deps.owner, jobName);
    if (stored !== undefined) return { state: 'pending', stored };
  }
  for (const bucket of buckets) {
    const done = await readDeliveredTicket(s3, bucket, deps.owner, jobName);
    if (done?.jobArn === jobArn) return { state: 'delivered' };
  }
  return { state: 'none' };
}

function outputBucketOf(job: JobDescription): string | undefined {
  return parseS3Uri(job.outputDataConfig?.s3OutputDataConfig?.s3Uri ?? '')?.bucket;
}

/**
 * Delivers a job's result to the Step Functions task waiting for it: the one code path behind
 * the job-event handler, reconcile, and create-job's replay of a finished job. It reads the
 * job's ticket (`bedrock-batch-control/<owner>/pending/<jobName>.json` in the output bucket),
 * never the job's tags, which Bedrock does not promise to serve for finished jobs. Safe to call
 * any number of times, in any order, concurrently:
 *
 * 1. a job with no ticket of this owner is left alone (`not-ours`), one whose ticket was moved
 *    to `delivered/` is skipped (`already-delivered`);
 * 2. the job's real status comes from GetModelInvocationJob, never from an event; a job that is
 *    not terminal is left alone (`in-flight`);
 * 3. the delivery is claimed with a conditional write of the ticket: of two runs racing, one
 *    sends and the other stops (`in-delivery`);
 * 4. `Completed` / `PartiallyCompleted`: SendTaskSuccess with a `BatchJobResult` (output keys,
 *    record counts, token counts), or SendTaskFailure `BedrockBatch.NoOutput` when there are no
 *    `.jsonl.out` files; `Failed` / `Stopped` / `Expired`: SendTaskFailure with the status as
 *    error and the service's message (or a clear default) as cause;
 * 5. a token that no longer waits is logged and counts as done (`token-not-waiting`);
 * 6. the ticket moves to `delivered/` (it keeps a hash of the token, not the token).
 *
 * @param jobArn - the job ARN (any partition)
 * @param deps - clients, owner, control buckets and logger
 * @param known - name, ticket and description the caller already read
 * @returns what happened
 *
 * @example
 * ```ts
 * const { outcome } = await deliverJob(jobArn, { clients: createAwsClients(), controlBuckets: ['my-bucket'] });
 * ```
 */
async function deliverJob(
  jobArn: string,
  deps: HandlerDeps,
  known: KnownJobState = {},
): Promise<DeliveryResult> {
  const logger = deps.logger ?? defaultLogger();
  const owner = deps.owner ?? MANAGED_BY_VALUE;
  const { bedrock, sfn, s3 } = deps.clients;
  let job = known.job;
  const describe = async (): Promise<JobDescription | undefined> => {
    try {
      return await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      logger.warn('Job not found; nothing to deliver', { jobArn });
      return undefined;
    }
  };

  let stored = known.ticket;
  if (stored === undefined) {
    let jobName = known.jobName ?? job?.jobName;
    let buckets = deps.controlBuckets?.length ? deps.controlBuckets : undefined;
    if (jobName === undefined || buckets === undefined) {
      job ??= await describe();
      if (job === undefined) return { outcome: 'not-found', jobArn };
      jobName = job.jobName ?? '';
      const bucket = outputBucketOf(job);
      buckets ??= bucket === undefined ? [] : [bucket];
    }
    let lookup: TicketLookup;
    try {
      lookup = await findTicket({ ...deps, owner }, buckets, jobName, jobArn);
    } catch (error) {
      if (error instanceof TicketFormatError) {
        logger.error('The job ticket is unreadable; its result cannot be delivered', {
          jobArn,
          reason: error.message,
        });
        return { outcome: 'no-token', jobArn };
      }
      throw error;
    }
    if (lookup.state !== 'pending') {
      const delivered = lookup.state === 'delivered';
      logger.debug(
        delivered ? 'Result already delivered' : 'No ticket of this owner names the job; ignored',
        { jobArn, owner },
      );
      return { outcome: delivered ? 'already-delivered' : 'not-ours', jobArn };
    }
    stored = lookup.stored;
  }
  const claimable: StoredTicket = stored;
  const { ticket } = claimable;
  const log = { jobArn, executionArn: ticket.executionArn };
  if (ticket.jobArn !== undefined && ticket.jobArn !== jobArn) {
    logger.warn('The ticket of this job name belongs to another job; ignored', log);
    return { outcome: 'not-ours', jobArn };
  }
  const marker = tokenMarker(ticket.taskToken);
  const now = new Date();
  if (
    ticket.claim?.marker === marker &&
    now.getTime() - Date.parse(ticket.claim.at) < DELIVERY_CLAIM_LEASE_MS
  ) {
    logger.debug('Another run is delivering this result', log);
    return { outcome: 'in-delivery', jobArn };
  }
  if (ticket.claim?.marker === marker) {
    // An earlier delivery claimed it and stopped: it may have sent and recorded the result,
    // then failed to remove the ticket. Finish that instead of sending again.
    const done = await readDeliveredTicket(s3, claimable.bucket, ticket.owner, ticket.jobName);
    if (done?.marker === marker) {
      await removeTicket(s3, claimable);
      logger.debug('Result already delivered; removed the ticket left behind', log);
      return { outcome: 'already-delivered', jobArn };
    }
  }
  job ??= await describe();
  if (job === undefined) return { outcome: 'not-found', jobArn };
  const status = job.status ?? 'unknown';
  if (!isTerminalJobStatus(status)) {
    logger.debug('Job is not finished yet', { ...log, jobStatus: status });
    return { outcome: 'in-flight', jobArn, jobStatus: status };
  }
  const callback: Callback = SUCCESS_JOB_STATUSES.has(status)
    ? await successCallback(jobArn, status as 'Completed' | 'PartiallyCompleted', job, deps, log)
    : {
        kind: 'failure',
        error: status,
        cause: job.message?.trim() || defaultCause(jobArn, status),
      };

  const claimed = await claimDelivery(s3, claimable, now);
  if (claimed === undefined) {
    logger.debug('Another run claimed this delivery first', log);
    return { outcome: 'in-delivery', jobArn };
  }
  const { taskToken } = ticket;
  let outcome: DeliveryOutcome = 'delivered';
  try {
    if (callback.kind === 'success') {
      await sfn.send(
        new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(callback.result) }),
      );
    } else {
      await sfn.send(
        new SendTaskFailureCommand({ taskToken, error: callback.error, cause: callback.cause }),
      );
    }
  } catch (error) {
    if (!isDeadTaskTokenError(error)) {
      // Give the claim back, so the next run (a retried event, reconcile) need not wait out the lease.
      await writeTicket(s3, claimed.bucket, ticket, claimed.etag).catch(() => undefined);
      throw redactErrorMessage(error, [taskToken]);
    }
    outcome = 'token-not-waiting';
    logger.warn('The task no longer waits for this job; treated as done', {
      ...log,
      jobStatus: status,
      reason: (error as Error).name,
    });
  }
  const sent = callback.kind;
  const error = callback.kind === 'failure' ? callback.error : undefined;
  if (outcome === 'delivered') {
    logger.info('Delivered job result', {
      ...log,
      jobStatus: status,
      sent,
      ...(error === undefined ? {} : { error }),
    });
  }
  let marked = true;
  try {
    await completeDelivery(s3, claimed, { outcome, jobArn, jobStatus: status }, new Date());
  } catch (markError) {
    marked = false;
    logger.error('Could not record the delivery; a later run may send the result again', {
      ...log,
      reason: markError instanceof Error ? markError.name : String(markError),
    });
  }
  return {
    outcome,
    jobArn,
    jobStatus: status,
    marked,
    ...(outcome === 'delivered' ? { sent } : {}),
    ...(outcome === 'delivered' && error !== undefined ? { error } : {}),
  };
}

export type { DeliveryOutcome, DeliveryResult, JobDescription, KnownJobState };
export { deliverJob };
