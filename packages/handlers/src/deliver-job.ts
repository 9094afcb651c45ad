import {
  GetModelInvocationJobCommand,
  type GetModelInvocationJobResponse,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-bedrock';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  BatchErrorName,
  type BatchJobResult,
  decodeTaskTokenTags,
  isTerminalJobStatus,
  JobTagKey,
  MANAGED_BY_VALUE,
  type MaybeJobTag,
  type RecordCounts,
  SUCCESS_JOB_STATUSES,
} from '@bedrock-batch/schema';
import { parseJobArn, parseS3Uri } from './arns.js';
import { defaultLogger, type HandlerDeps } from './handler-deps.js';
import { type JobOutput, OUTPUT_FILE_SUFFIX, readJobOutput } from './job-output.js';
import { deliveredMarker, isOwnedBy, tagValue } from './job-tags.js';
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
  /** The job has no `managed-by` tag of this owner: someone else's job, left alone. */
  | 'not-ours'
  /** Bedrock does not know the job (deleted, or another account/Region). */
  | 'not-found'
  /** The job is not terminal yet: nothing to deliver. */
  | 'in-flight'
  /** The waiting task already got this job's result. */
  | 'already-delivered'
  /** The result (success or failure) reached the waiting task. */
  | 'delivered'
  /** The task no longer waits (execution ended, aborted or timed out): nothing more to do. */
  | 'token-not-waiting'
  /** The job is ours but its task-token tags are missing or broken: nobody can be told. */
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
  /** Whether the `delivered` tag was written (after a callback). */
  readonly marked?: boolean;
}

/** State a caller already holds, so delivery does not read it again. */
interface KnownJobState {
  /**
   * The job's tags.
   * @default read with ListTagsForResource
   */
  readonly tags?: readonly MaybeJobTag[];
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

/**
 * Delivers a job's result to the Step Functions task waiting for it: the one code path behind
 * the job-event handler, reconcile, and create-job's replay of a finished job. Safe to call any
 * number of times, in any order:
 *
 * 1. jobs without this owner's `managed-by` tag are left alone (`not-ours`);
 * 2. a job already delivered to its current task token is skipped (`already-delivered`);
 * 3. the job's real status comes from GetModelInvocationJob, never from an event; a job that is
 *    not terminal is left alone (`in-flight`);
 * 4. `Completed` / `PartiallyCompleted`: SendTaskSuccess with a `BatchJobResult` (output keys,
 *    record counts, token counts), or SendTaskFailure `BedrockBatch.NoOutput` when there are no
 *    `.jsonl.out` files; `Failed` / `Stopped` / `Expired`: SendTaskFailure with the status as
 *    error and the service's message (or a clear default) as cause;
 * 5. a token that no longer waits is logged and counts as done (`token-not-waiting`);
 * 6. the job is tagged `bedrock-batch:delivered` so nothing delivers twice.
 *
 * @param jobArn - the job ARN (any partition)
 * @param deps - clients, owner and logger
 * @param known - tags and description the caller already read
 * @returns what happened
 *
 * @example
 * ```ts
 * const { outcome } = await deliverJob(jobArn, { clients: createAwsClients() });
 * ```
 */
async function deliverJob(
  jobArn: string,
  deps: HandlerDeps,
  known: KnownJobState = {},
): Promise<DeliveryResult> {
  const logger = deps.logger ?? defaultLogger();
  const owner = deps.owner ?? MANAGED_BY_VALUE;
  const { bedrock, sfn } = deps.clients;
  let tags = known.tags;
  if (tags === undefined) {
    try {
      tags =
        (await bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn }))).tags ?? [];
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      logger.warn('Job not found; nothing to deliver', { jobArn });
      return { outcome: 'not-found', jobArn };
    }
  }
  if (!isOwnedBy(tags, owner)) {
    logger.debug('Job is not managed by this owner; ignored', { jobArn, owner });
    return { outcome: 'not-ours', jobArn };
  }
  const log = { jobArn, executionArn: tagValue(tags, JobTagKey.ExecutionArn) };
  let taskToken: string;
  try {
    taskToken = decodeTaskTokenTags(tags);
  } catch (error) {
    logger.error('Job has no usable task token tags; its result cannot be delivered', {
      ...log,
      reason: error instanceof Error ? error.message : String(error),
    });
    return { outcome: 'no-token', jobArn };
  }
  const marker = deliveredMarker(taskToken);
  if (tagValue(tags, JobTagKey.Delivered) === marker) {
    logger.debug('Result already delivered to the current task', log);
    return { outcome: 'already-delivered', jobArn };
  }
  let job = known.job;
  if (job === undefined) {
    try {
      job = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      logger.warn('Job not found; nothing to deliver', log);
      return { outcome: 'not-found', jobArn };
    }
  }
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
    if (!isDeadTaskTokenError(error)) throw redactErrorMessage(error, [taskToken]);
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
    await bedrock.send(
      new TagResourceCommand({
        resourceARN: jobArn,
        tags: [{ key: JobTagKey.Delivered, value: marker }],
      }),
    );
  } catch (tagError) {
    marked = false;
    logger.error('Could not tag the job as delivered; a later run may send the result again', {
      ...log,
      reason: tagError instanceof Error ? tagError.name : String(tagError),
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
