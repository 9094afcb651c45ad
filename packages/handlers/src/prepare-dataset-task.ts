import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  BatchFragmentInputSchema,
  type CollectedDataset,
  ContractValidationError,
  type DatasetResult,
  DEFAULT_MAX_RECORD_RETRIES,
  datasetWorkPrefix,
  type PrepareDatasetPayload,
  PrepareDatasetPayloadSchema,
  type PreparedDataset,
  resolveBatchQuotas,
  roundWorkPrefix,
  validate,
} from '@bedrock-batch/schema';
import { InvalidInputError } from './errors.js';
import { prepareDataset } from './prepare-dataset.js';

/** What {@link prepareDatasetTask} needs. */
interface PrepareDatasetTaskDeps {
  /** Reads the dataset and writes the manifests. */
  readonly s3: S3Client;
  /**
   * Counts and keys only are logged, never record contents.
   * @default a shared Powertools Logger
   */
  readonly logger?: Logger;
}

function checked<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ContractValidationError) {
      throw new InvalidInputError(error.message, { cause: error });
    }
    throw error;
  }
}

/** A collection's result without the round it asked for: the dataset's result so far. */
function withoutRetry(collected: CollectedDataset): DatasetResult {
  const { retry: _next, ...result } = collected;
  return result;
}

/**
 * The preparation step of the fragment for a `dataset_keys` input: checks the fragment input
 * (`BatchFragmentInputSchema`; errors name the user's fields), prepares the dataset into the
 * execution's work prefix (`datasetWorkPrefix`) with {@link prepareDataset}, and returns the job
 * settings with the plan the fragment's Map runs.
 *
 * For a retry round (payload `retry`), the dataset is the round's `retry.jsonl` in the output
 * bucket instead of the input's `dataset_keys`; the manifests go to the round's folder
 * (`roundWorkPrefix`), and the returned `fragment_id` ends with `-r<round>`, so the round's jobs
 * get names and client request tokens of their own. The input's other settings
 * (`records_per_job`, the model) apply to every round.
 *
 * @param event - a `PrepareDatasetPayload`, as the fragment's task builds it
 * @param deps - the S3 client, and a logger
 * @returns the job settings (with `model_invocation_type` filled in) and the plan
 * @throws InvalidInputError (`BedrockBatch.InvalidInput`) for a bad payload, an input without
 *   `dataset_keys`, or a bad dataset (see {@link prepareDataset}); nothing is written then
 *
 * @example
 * ```ts
 * const prepared = await prepareDatasetTask(payload, { s3: new S3Client({}) });
 * console.log(prepared.plan.manifests.length);
 * ```
 */
async function prepareDatasetTask(
  event: unknown,
  deps: PrepareDatasetTaskDeps,
): Promise<PreparedDataset> {
  const payload: PrepareDatasetPayload = checked(() =>
    validate(PrepareDatasetPayloadSchema, event),
  );
  const input = checked(() => validate(BatchFragmentInputSchema, payload.input));
  if (input.dataset_keys === undefined) {
    throw new InvalidInputError(
      'Invalid BatchFragmentInput: dataset_keys: the preparation step runs only for a dataset_keys input',
    );
  }
  const { retry } = payload;
  const round = retry?.round ?? 0;
  const datasetPrefix = datasetWorkPrefix(payload.executionArn, payload.fragmentId);
  const plan = await prepareDataset(
    {
      inputBucket: retry === undefined ? payload.inputBucket : payload.outputBucket,
      datasetKeys: retry === undefined ? input.dataset_keys : [retry.datasetKey],
      outputBucket: payload.outputBucket,
      workPrefix: roundWorkPrefix(datasetPrefix, round),
      ...(input.records_per_job === undefined ? {} : { recordsPerJob: input.records_per_job }),
      ...(payload.quotas === undefined ? {} : { quotas: payload.quotas }),
      ...(payload.onDemandBelowMinimum === undefined
        ? {}
        : { onDemandBelowMinimum: payload.onDemandBelowMinimum }),
    },
    deps,
  );
  // Checked by prepareDataset already (a ConfigurationError when invalid).
  const quotas = resolveBatchQuotas(payload.quotas ?? {});
  return {
    job_name: input.job_name,
    model_id: input.model_id,
    model_invocation_type: input.model_invocation_type ?? payload.defaultModelInvocationType,
    fragment_id: round === 0 ? payload.fragmentId : `${payload.fragmentId}-r${round}`,
    input,
    round: {
      number: round,
      max_record_retries: input.max_record_retries ?? DEFAULT_MAX_RECORD_RETRIES,
      dataset_prefix: datasetPrefix,
      min_records_per_job: quotas.minRecordsPerJob,
      on_demand_below_minimum: payload.onDemandBelowMinimum === true,
      previous: retry === undefined ? null : withoutRetry(retry.previous),
    },
    plan,
  };
}

export type { PrepareDatasetTaskDeps };
export { prepareDatasetTask };
