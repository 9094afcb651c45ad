import {
  CreateModelInvocationJobCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock';
import {
  buildJobName,
  ContractValidationError,
  type CreateJobPayload,
  CreateJobPayloadSchema,
  createJobPayloadFieldName,
  decodeTaskTokenTags,
  encodeTaskTokenTags,
  type JobTag,
  JobTagKey,
  MANAGED_BY_VALUE,
  type MaybeJobTag,
  TaskTokenTagError,
  validate,
} from '@bedrock-batch/schema';
import { executionNameFromArn } from './arns.js';
import { deriveClientRequestToken } from './client-request-token.js';
import { type DeliveryResult, deliverJob } from './deliver-job.js';
import { InvalidInputError } from './errors.js';
import { defaultLogger, type HandlerDeps } from './handler-deps.js';
import { mergeJobTags } from './job-tags.js';
import { mapBedrockError } from './service-errors.js';

/** What {@link createJob} did. The waiting task ignores it: its result comes by callback. */
interface CreateJobResult {
  /** ARN of the job (new, or the existing one on a replay). */
  readonly jobArn: string;
  /** The Bedrock job name used. */
  readonly jobName: string;
  /** The idempotency token sent to Bedrock. */
  readonly clientRequestToken: string;
  /** `true` when Bedrock returned an existing job and it was re-tagged for this task. */
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

function taskTokenTags(taskToken: string): JobTag[] {
  try {
    return encodeTaskTokenTags(taskToken);
  } catch (error) {
    if (error instanceof TaskTokenTagError) {
      throw new InvalidInputError(
        `taskToken: ${error.message} (received: [redacted, ${taskToken.length} characters])`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

function currentToken(tags: readonly MaybeJobTag[]): string | undefined {
  try {
    return decodeTaskTokenTags(tags);
  } catch {
    return undefined;
  }
}

/**
 * Creates the Bedrock batch job of one Map item and ties it to the waiting Step Functions task
 * (the create-job step of the fragment; the task's result arrives later by callback).
 *
 * - validates the payload (`BedrockBatch.InvalidInput`, naming field and value, token redacted);
 * - names the job `buildJobName(jobName, executionName, itemIndex)`;
 * - sends a `clientRequestToken` derived from execution, item and input URI, so a retried task
 *   gets the same job back instead of a second billed one;
 * - tags the job with the task token (split over up to 9 tags), the execution ARN, the owner,
 *   and the user's tags (reserved keys and more than 200 tags are rejected);
 * - on an idempotent replay (the job carries another task token) re-tags it with this task's
 *   token and, if the job already finished, delivers its result right away;
 * - maps Bedrock errors to `BedrockBatch.ValidationException`, `BedrockBatch.AccessDenied`,
 *   `BedrockBatch.Throttled` and `BedrockBatch.QuotaExceeded`; others are rethrown.
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
  const tokenTags = taskTokenTags(taskToken);
  const tags = mergeJobTags(payload.tags ?? [], [
    { key: JobTagKey.ManagedBy, value: owner },
    { key: JobTagKey.ExecutionArn, value: executionArn },
    ...tokenTags,
  ]);
  const secrets = [taskToken];
  const { bedrock } = deps.clients;

  let jobArn: string;
  let existingTags: MaybeJobTag[];
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
    existingTags =
      (await bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn }))).tags ?? [];
  } catch (error) {
    throw mapBedrockError(error, secrets);
  }
  const log = { jobArn, executionArn, jobName, itemIndex };
  if (currentToken(existingTags) === taskToken) {
    logger.info('Created Bedrock batch job', log);
    return { jobArn, jobName, clientRequestToken, replayed: false };
  }

  // Idempotent replay: Bedrock returned a job created for an earlier attempt of this task.
  // Point its token tags at this task, then drop parts the new token does not use.
  const partKeys = new Set(tokenTags.map((tag) => tag.key));
  const stale = existingTags
    .map((tag) => tag.key)
    .filter(
      (key): key is string =>
        key?.startsWith(JobTagKey.TaskTokenPartPrefix) === true && !partKeys.has(key),
    );
  try {
    await bedrock.send(new TagResourceCommand({ resourceARN: jobArn, tags: tokenTags }));
    if (stale.length > 0) {
      await bedrock.send(new UntagResourceCommand({ resourceARN: jobArn, tagKeys: stale }));
    }
  } catch (error) {
    throw mapBedrockError(error, secrets);
  }
  logger.info(
    'Bedrock returned an existing job (idempotent replay); re-tagged it for this task',
    log,
  );
  const delivery = await deliverJob(jobArn, { ...deps, logger, owner });
  return { jobArn, jobName, clientRequestToken, replayed: true, delivery };
}

export type { CreateJobResult };
export { createJob };
