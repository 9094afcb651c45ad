import * as z from 'zod';
import { DatasetPlanSchema } from './dataset-plan.js';
import { CollectedDatasetSchema, DatasetRoundSchema, MAX_RECORD_RETRIES } from './dataset-round.js';
import { BatchFragmentInputSchema } from './fragment-input.js';
import { BatchJobResultSchema, TokenCountsSchema } from './job-result.js';
import {
  ExecutionArnSchema,
  FragmentIdSchema,
  ModelIdSchema,
  ModelInvocationTypeSchema,
  S3BucketNameSchema,
} from './primitives.js';

/**
 * Folder of a dataset's work (its manifests and `results.jsonl`) in the output bucket. The
 * construct keeps the Bedrock output prefix out of it, and gives the Bedrock service role read
 * access to it (the manifests are the jobs' input).
 */
const WORK_PREFIX = 'bedrock-batch-work/';

/** Characters kept as they are in a work prefix; others become `_`. */
const UNSAFE_KEY_CHARACTERS = /[^A-Za-z0-9._-]/g;

/**
 * The work prefix of one execution of one fragment:
 * `bedrock-batch-work/<state machine>/<execution>/<fragment id>/`. Execution names are unique per
 * state machine and fragment ids per state machine, so two executions (or two fragments of one
 * execution) never write to the same keys, and a retried preparation writes the same keys again.
 * Characters outside letters, digits and `._-` become `_`, so the key is one Bedrock accepts.
 *
 * @param executionArn - the execution's ARN (`$$.Execution.Id`)
 * @param fragmentId - the fragment's construct address
 * @returns the prefix, ending with `/`
 * @throws Error when `executionArn` is not an execution ARN
 *
 * @example
 * ```ts
 * datasetWorkPrefix('arn:aws:states:us-east-1:123456789012:execution:Reviews:run-42', 'c8ab12');
 * // 'bedrock-batch-work/Reviews/run-42/c8ab12/'
 * ```
 */
function datasetWorkPrefix(executionArn: string, fragmentId: string): string {
  const parts = executionArn.split(':');
  const [stateMachine, execution] = [parts[6], parts[7]];
  if (parts[5] !== 'execution' || !stateMachine || !execution) {
    throw new Error(`not a Step Functions execution ARN: ${JSON.stringify(executionArn)}`);
  }
  const safe = (text: string) => text.replace(UNSAFE_KEY_CHARACTERS, '_');
  return `${WORK_PREFIX}${safe(stateMachine)}/${safe(execution)}/${safe(fragmentId)}/`;
}

const QuotaSchema = z.number().int().positive();

/**
 * What the fragment's preparation task hands the prepare-dataset handler: the fragment input as
 * the user gave it (the handler checks it with `BatchFragmentInputSchema`, so errors name the
 * user's fields), where the dataset and the work live, and the construct's defaults.
 *
 * - `quotas`: overrides of `DEFAULT_BATCH_QUOTAS` set on the construct (`datasetQuotas`).
 * - `onDemandBelowMinimum`: a dataset with fewer records than a job's minimum is prepared for
 *   on-demand answering (plan `mode: "on_demand"`) instead of rejected. Absent means false.
 * - `retry`: present for a retry round: its number, its dataset (the records to retry, written by
 *   the collection into the output bucket; it replaces the input's `dataset_keys`) and the
 *   collection's result before it (`CollectedDataset`). Absent for the first round.
 *
 * @example
 * ```json
 * {
 *   "executionArn": "arn:aws:states:us-east-1:123456789012:execution:Reviews:run-42",
 *   "fragmentId": "c8a1f0e2b6d4a9e3f1c7b5a2d8e4f6a0b2c4d6e8f0",
 *   "input": { "job_name": "reviews", "dataset_keys": ["reviews.jsonl"], "model_id": "anthropic.claude-3-haiku-20240307-v1:0" },
 *   "inputBucket": "my-input-bucket",
 *   "outputBucket": "my-output-bucket",
 *   "defaultModelInvocationType": "InvokeModel"
 * }
 * ```
 */
const PrepareDatasetPayloadSchema = z
  .strictObject({
    executionArn: ExecutionArnSchema,
    fragmentId: FragmentIdSchema,
    input: z.unknown(),
    inputBucket: S3BucketNameSchema,
    outputBucket: S3BucketNameSchema,
    defaultModelInvocationType: ModelInvocationTypeSchema,
    onDemandBelowMinimum: z.boolean().optional(),
    retry: z
      .strictObject({
        round: z.number().int().min(1).max(MAX_RECORD_RETRIES),
        datasetKey: z.string().min(1),
        previous: CollectedDatasetSchema,
      })
      .optional(),
    quotas: z
      .strictObject({
        minRecordsPerJob: QuotaSchema.optional(),
        maxRecordsPerJob: QuotaSchema.optional(),
        maxRecordsPerFile: QuotaSchema.optional(),
        maxInputFileSizeBytes: QuotaSchema.optional(),
        maxJobSizeBytes: QuotaSchema.optional(),
      })
      .optional(),
  })
  .meta({
    title: 'PrepareDatasetPayload',
    description: 'Payload the BedrockBatchSfn fragment hands the prepare-dataset handler.',
  });

/**
 * What the prepare-dataset handler returns to the fragment: the job settings of the input (with
 * `model_invocation_type` filled in) and the plan, whose manifests the fragment's Map runs.
 *
 * - `fragment_id`: what makes this round's job names and client request tokens unique: the
 *   fragment id, with `-r<n>` added in retry round `n`.
 * - `input`: the fragment input as given (a retry round's preparation reads its settings).
 * - `round`: the round and what its collection needs (`DatasetRound`).
 *
 * @example
 * ```json
 * {
 *   "job_name": "reviews",
 *   "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
 *   "model_invocation_type": "InvokeModel",
 *   "fragment_id": "c8a1",
 *   "input": { "job_name": "reviews", "dataset_keys": ["reviews.jsonl"], "model_id": "anthropic.claude-3-haiku-20240307-v1:0" },
 *   "round": { "number": 0, "max_record_retries": 2, "dataset_prefix": "bedrock-batch-work/Reviews/run-42/c8a1/", "min_records_per_job": 100, "on_demand_below_minimum": true, "previous": null },
 *   "plan": { "bucket": "my-output-bucket", "work_prefix": "bedrock-batch-work/Reviews/run-42/c8a1/", "total_records": 100, "mode": "batch", "manifests": [] }
 * }
 * ```
 */
const PreparedDatasetSchema = z
  .strictObject({
    job_name: z.string().min(1),
    model_id: ModelIdSchema,
    model_invocation_type: ModelInvocationTypeSchema,
    fragment_id: FragmentIdSchema,
    input: BatchFragmentInputSchema,
    round: DatasetRoundSchema,
    plan: DatasetPlanSchema,
  })
  .meta({
    title: 'PreparedDataset',
    description: 'What the prepare-dataset handler returns to the BedrockBatchSfn fragment.',
  });

/** One job of a dataset as the fragment's Map returns it: its manifest and how it ended. */
const CollectJobSchema = z
  .strictObject({
    manifestKey: z.string().min(1),
    result: BatchJobResultSchema.optional(),
    failure: z.strictObject({ error: z.string(), cause: z.string() }).optional(),
    onDemand: z
      .strictObject({ outputPrefix: z.string().min(1), tokens: TokenCountsSchema })
      .optional(),
  })
  .refine(
    (job) =>
      [job.result, job.failure, job.onDemand].filter((part) => part !== undefined).length === 1,
    { message: 'must have exactly one of result, failure and onDemand' },
  )
  .meta({
    title: 'CollectJob',
    // What the refinement above checks, for the JSON Schema (zod cannot derive it).
    oneOf: [
      { properties: { result: true }, required: ['result'] },
      { properties: { failure: true }, required: ['failure'] },
      { properties: { onDemand: true }, required: ['onDemand'] },
    ],
  });

/**
 * What the fragment's collection task hands the collect-results handler: the bucket and work
 * prefix of the plan, and every job in dataset order, each with its result (`Completed`,
 * `PartiallyCompleted`), its failure (the `Error` and `Cause` of a job that ended `Failed`,
 * `Stopped`, `Expired` or without output) or, for a manifest answered on demand, the folder of its
 * `.jsonl.out` parts and the tokens the calls used. `round` (the `PreparedDataset`'s) makes the
 * collection merge a retry round into the previous `results.jsonl` and plan the next round;
 * without it the collection runs one round with no retry.
 *
 * @example
 * ```json
 * {
 *   "bucket": "my-output-bucket",
 *   "workPrefix": "bedrock-batch-work/Reviews/run-42/c8a1/",
 *   "jobs": [
 *     { "manifestKey": "bedrock-batch-work/Reviews/run-42/c8a1/manifests/part-00000.jsonl", "failure": { "error": "Stopped", "cause": "stopped by a user" } }
 *   ]
 * }
 * ```
 */
const CollectResultsPayloadSchema = z
  .strictObject({
    bucket: S3BucketNameSchema,
    workPrefix: z.string(),
    jobs: z.array(CollectJobSchema),
    round: DatasetRoundSchema.optional(),
  })
  .meta({
    title: 'CollectResultsPayload',
    description: 'Payload the BedrockBatchSfn fragment hands the collect-results handler.',
  });

/**
 * The Bedrock runtime API's service tier of an on-demand call (`serviceTier` of `InvokeModel`,
 * `serviceTier.type` of `Converse`).
 */
const OnDemandServiceTierSchema = z
  .enum(['default', 'flex', 'priority', 'reserved'])
  .meta({ title: 'OnDemandServiceTier' });

/**
 * What the fragment hands the on-demand handler, once per call of its loop: the manifest to
 * answer through the Bedrock runtime API from `startLine` on, the work prefix (answers go to
 * `<workPrefix>on-demand/part-<startLine>.jsonl.out`), the model, and the tokens counted by the
 * earlier calls of the loop (the handler returns them with its own added).
 *
 * @example
 * ```json
 * {
 *   "bucket": "my-output-bucket",
 *   "workPrefix": "bedrock-batch-work/Reviews/run-42/c8a1/",
 *   "manifestKey": "bedrock-batch-work/Reviews/run-42/c8a1/manifests/part-00000.jsonl",
 *   "startLine": 0,
 *   "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
 *   "modelInvocationType": "InvokeModel",
 *   "concurrency": 4,
 *   "tokens": { "input": 0, "output": 0 }
 * }
 * ```
 */
const OnDemandPayloadSchema = z
  .strictObject({
    bucket: S3BucketNameSchema,
    workPrefix: z.string().regex(/\/$/, 'must end with "/"'),
    manifestKey: z.string().min(1),
    startLine: z.number().int().nonnegative(),
    modelId: ModelIdSchema,
    modelInvocationType: ModelInvocationTypeSchema,
    concurrency: z.number().int().min(1).max(64).optional(),
    serviceTier: OnDemandServiceTierSchema.optional(),
    tokens: TokenCountsSchema,
  })
  .meta({
    title: 'OnDemandPayload',
    description: 'Payload the BedrockBatchSfn fragment hands the on-demand handler.',
  });

/**
 * What the on-demand handler returns: whether the manifest is answered, where the next call
 * starts, the folder of the answers and the tokens counted so far.
 *
 * @example
 * ```json
 * { "done": false, "startLine": 812, "outputPrefix": "bedrock-batch-work/Reviews/run-42/c8a1/on-demand/", "tokens": { "input": 40210, "output": 1624 } }
 * ```
 */
const OnDemandProgressSchema = z
  .strictObject({
    done: z.boolean(),
    startLine: z.number().int().nonnegative(),
    outputPrefix: z.string().min(1),
    tokens: TokenCountsSchema,
  })
  .meta({ title: 'OnDemandProgress', description: 'What the on-demand handler returns.' });

/** See {@link OnDemandPayloadSchema}. */
type OnDemandPayload = z.infer<typeof OnDemandPayloadSchema>;
/** See {@link OnDemandProgressSchema}. */
type OnDemandProgress = z.infer<typeof OnDemandProgressSchema>;
/** See {@link OnDemandServiceTierSchema}. */
type OnDemandServiceTier = z.infer<typeof OnDemandServiceTierSchema>;
/** See {@link PrepareDatasetPayloadSchema}. */
type PrepareDatasetPayload = z.infer<typeof PrepareDatasetPayloadSchema>;
/** See {@link PreparedDatasetSchema}. */
type PreparedDataset = z.infer<typeof PreparedDatasetSchema>;
/** See {@link CollectResultsPayloadSchema}. */
type CollectResultsPayload = z.infer<typeof CollectResultsPayloadSchema>;

export type {
  CollectResultsPayload,
  OnDemandPayload,
  OnDemandProgress,
  OnDemandServiceTier,
  PrepareDatasetPayload,
  PreparedDataset,
};
export {
  CollectResultsPayloadSchema,
  datasetWorkPrefix,
  OnDemandPayloadSchema,
  OnDemandProgressSchema,
  OnDemandServiceTierSchema,
  PrepareDatasetPayloadSchema,
  PreparedDatasetSchema,
  WORK_PREFIX,
};
