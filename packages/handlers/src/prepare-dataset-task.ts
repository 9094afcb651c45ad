import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  BatchFragmentInputSchema,
  ContractValidationError,
  datasetWorkPrefix,
  type PrepareDatasetPayload,
  PrepareDatasetPayloadSchema,
  type PreparedDataset,
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

/**
 * The preparation step of the fragment for a `dataset_keys` input: checks the fragment input
 * (`BatchFragmentInputSchema`; errors name the user's fields), prepares the dataset into the
 * execution's work prefix (`datasetWorkPrefix`) with {@link prepareDataset}, and returns the job
 * settings with the plan the fragment's Map runs.
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
  const plan = await prepareDataset(
    {
      inputBucket: payload.inputBucket,
      datasetKeys: input.dataset_keys,
      outputBucket: payload.outputBucket,
      workPrefix: datasetWorkPrefix(payload.executionArn, payload.fragmentId),
      ...(input.records_per_job === undefined ? {} : { recordsPerJob: input.records_per_job }),
      ...(payload.quotas === undefined ? {} : { quotas: payload.quotas }),
      ...(payload.onDemandBelowMinimum === undefined
        ? {}
        : { onDemandBelowMinimum: payload.onDemandBelowMinimum }),
    },
    deps,
  );
  return {
    job_name: input.job_name,
    model_id: input.model_id,
    model_invocation_type: input.model_invocation_type ?? payload.defaultModelInvocationType,
    plan,
  };
}

export type { PrepareDatasetTaskDeps };
export { prepareDatasetTask };
