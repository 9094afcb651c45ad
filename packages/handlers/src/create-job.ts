import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobResponse,
} from '@aws-sdk/client-bedrock';
import {
  buildJobName,
  ContractValidationError,
  type CreateJobPayload,
  CreateJobPayloadSchema,
  createJobPayloadFieldName,
  JobTagKey,
  type JobTicket,
  MANAGED_BY_VALUE,
  validate,
} from '@bedrock-batch/schema';
import { executionNameFromArn, parseS3Uri } from './arns.js';
import { deriveClientRequestToken } from './client-request-token.js';
import { type DeliveryResult, deliverJob } from './deliver-job.js';
import { BedrockValidationError, InvalidInputError, ThrottledError } from './errors.js';
import { defaultLogger, type HandlerDeps } from './handler-deps.js';
import { mergeJobTags } from './job-tags.js';
import { createTicket, readTicket, removeTicket, writeTicket } from './job-tickets.js';
import { quoteValue } from './quote-value.js';
import { mapBedrockError } from './service-errors.js';

/** What {@link createJob} did. The waiting task ignores it: its result comes by callback. */
interface CreateJobResult {
  /** ARN of the job (new, or the existing one on a replay). */
  readonly jobArn: string;
  /** The Bedrock job name used. */
  readonly jobName: string;
  /** The idempotency token sent to Bedrock. */
  readonly clientRequestToken: string;
  /**
   * `true` when Bedrock returned a job submitted before this attempt (an idempotent replay of
   * an earlier attempt of the task); its ticket now names this task.
   */
  readonly replayed: boolean;
  /** On a replay, what delivery did (a finished job's result is delivered right away). */
  readonly delivery?: DeliveryResult;
}

/**
 * Checks the payload before any AWS call; errors name the fields as the user wrote them in the
 * fragment input (`job_name`, `manifest_keys[2]`, ...). Every manifest key of the input is
 * checked, not only this item's, so no item creates a job when another item's key would fail.
 */
function parsePayload(event: unknown): CreateJobPayload {
  try {
    return validate(CreateJobPayloadSchema, event, { fieldName: createJobPayloadFieldName });
  } catch (error) {
    if (error instanceof ContractValidationError) {
      throw new InvalidInputError(error.message, { cause: error });
    }
    throw error;
  }
}

/** A job submitted this long before the ticket was written comes from an earlier attempt. */
const REPLAY_SLACK_MS = 1_000;

/** HTTP status of an AWS error, when it has one. */
function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/**
 * Creates the Bedrock batch job of one Map item and ties it to the waiting Step Functions task
 * (the create-job step of the fragment; the task's result arrives later by callback).
 *
 * - validates the payload (`BedrockBatch.InvalidInput`, naming field and value, token redacted);
 * - names the job `buildJobName(jobName, executionName, itemIndex)`;
 * - writes the job's ticket (task token, execution ARN, owner) to
 *   `bedrock-batch-control/<owner>/pending/<jobName>.json` in the output bucket BEFORE it creates
 *   the job, so job-event and reconcile can always deliver, whatever Bedrock answers for the
 *   tags of a finished job; a retried task overwrites it with its own token;
 * - sends a `clientRequestToken` derived from execution, item and input URI, so a retried task
 *   gets the same job back instead of a second billed one;
 * - tags the job with the owner and the execution ARN (never the token) and the user's tags
 *   (reserved keys and more than 200 tags are rejected);
 * - on an idempotent replay of a job that already finished, delivers its result right away;
 * - maps Bedrock errors to `BedrockBatch.ValidationException`, `BedrockBatch.AccessDenied`,
 *   `BedrockBatch.Throttled` and `BedrockBatch.QuotaExceeded`; others are rethrown. When Bedrock
 *   answered with a client error (no job was created), the ticket is removed.
 *
 * @param event - the `CreateJobPayload` (untrusted)
 * @param deps - clients, owner and logger
 * @returns the job ARN and what was done
 * @throws InvalidInputError, BedrockValidationError, AccessDeniedError, ThrottledError,
 *   QuotaExceededError
 *
 * @example
 * ```ts
 * import { createAwsClients } from '@bedrock-batch/handlers';
 * import { createJob } from '@bedrock-batch/handlers/create-job';
 *
 * const { jobArn } = await createJob(payload, { clients: createAwsClients(), owner: 'my-team' });
 * ```
 */
async function createJob(event: unknown, deps: HandlerDeps): Promise<CreateJobResult> {
  const logger = deps.logger ?? defaultLogger();
  const owner = deps.owner ?? MANAGED_BY_VALUE;
  const payload = parsePayload(event);
  const { taskToken, executionArn, itemIndex } = payload;
  const executionName = executionNameFromArn(executionArn) ?? executionArn;
  // The fragment id keeps the names of two fragments' jobs apart, as it does their tokens.
  const jobName =
    payload.fragmentId === undefined
      ? buildJobName(payload.jobName, executionName, itemIndex)
      : buildJobName(payload.jobName, executionName, itemIndex, payload.fragmentId);
  const inputUri = payload.inputDataConfig.s3InputDataConfig.s3Uri;
  const clientRequestToken = deriveClientRequestToken(
    executionArn,
    itemIndex,
    inputUri,
    payload.fragmentId,
  );
  if (executionArn.length > 256) {
    throw new InvalidInputError(
      `executionArn: must be at most 256 characters to fit a tag (received: ${executionArn.length} characters)`,
    );
  }
  const outputUri = payload.outputDataConfig.s3OutputDataConfig.s3Uri;
  const bucket = parseS3Uri(outputUri)?.bucket;
  if (bucket === undefined) {
    throw new InvalidInputError(
      `outputDataConfig.s3OutputDataConfig.s3Uri: must be an s3://bucket/prefix URI (received: ${JSON.stringify(outputUri)})`,
    );
  }
  const tags = mergeJobTags(payload.tags ?? [], [
    { key: JobTagKey.ManagedBy, value: owner },
    { key: JobTagKey.ExecutionArn, value: executionArn },
  ]);
  const secrets = [taskToken];
  const { bedrock, s3 } = deps.clients;

  const createdAt = new Date();
  // A retried task finds the ticket of its earlier attempt (same clientRequestToken) and points
  // it at its own token; a ticket of another job with this name is left alone.
  const previous = await readTicket(s3, bucket, owner, jobName);
  if (previous !== undefined && previous.ticket.clientRequestToken !== clientRequestToken) {
    throw new BedrockValidationError(
      `jobName: the job name ${quoteValue(jobName)} is already used by another job of owner ${quoteValue(owner)} (execution ${previous.ticket.executionArn}); use another job_name`,
    );
  }
  const ticket: JobTicket = {
    version: 1,
    owner,
    jobName,
    executionArn,
    taskToken,
    clientRequestToken,
    createdAt: createdAt.toISOString(),
    ...(previous?.ticket.jobArn === undefined ? {} : { jobArn: previous.ticket.jobArn }),
  };
  const etag =
    previous === undefined
      ? await createTicket(s3, bucket, ticket)
      : await writeTicket(s3, bucket, ticket, previous.etag);
  if (etag === undefined) {
    throw new ThrottledError(
      `The ticket of job ${jobName} changed while it was written; the task is retried.`,
    );
  }
  let jobArn: string;
  try {
    const created = await bedrock.send(
      new CreateModelInvocationJobCommand({
        jobName,
        clientRequestToken,
        roleArn: payload.roleArn,
        modelId: payload.modelId,
        inputDataConfig: payload.inputDataConfig,
        outputDataConfig: payload.outputDataConfig,
        timeoutDurationInHours: payload.timeoutDurationInHours,
        modelInvocationType: payload.modelInvocationType,
        vpcConfig: payload.vpcConfig,
        tags,
      }),
    );
    jobArn = created.jobArn ?? '';
  } catch (error) {
    const status = httpStatusOf(error);
    if (previous === undefined && status !== undefined && status >= 400 && status < 500) {
      // The first attempt was refused: no job exists, so no ticket should wait for one. A
      // retried attempt keeps its ticket: the earlier attempt may have created the job.
      await removeTicket(s3, { bucket, etag, ticket }).catch(() => undefined);
    }
    throw mapBedrockError(error, secrets);
  }
  const stored = { bucket, ticket: { ...ticket, jobArn }, etag };
  const withArn = await writeTicket(s3, bucket, stored.ticket, etag);
  const log = { jobArn, executionArn, jobName, itemIndex };
  if (withArn === undefined) {
    logger.warn('The job ticket changed while the job was created; left as it is', log);
  }
  const current = { ...stored, etag: withArn ?? stored.etag };

  // A replay returns a job submitted by an earlier attempt, which may have finished already:
  // its terminal event is gone, so deliver now (a job still running is left to its event).
  let job: GetModelInvocationJobResponse;
  try {
    job = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
  } catch (error) {
    throw mapBedrockError(error, secrets);
  }
  const submitTime = job.submitTime?.getTime();
  const replayed = submitTime !== undefined && submitTime < createdAt.getTime() - REPLAY_SLACK_MS;
  if (!replayed) {
    logger.info('Created Bedrock batch job', log);
    return { jobArn, jobName, clientRequestToken, replayed: false };
  }
  const delivery = await deliverJob(jobArn, { ...deps, logger, owner }, { ticket: current, job });
  logger.info('Bedrock returned an existing job (idempotent replay); its ticket names this task', {
    ...log,
    outcome: delivery.outcome,
  });
  return { jobArn, jobName, clientRequestToken, replayed: true, delivery };
}

export type { CreateJobResult };
export { createJob };
