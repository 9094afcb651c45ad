import * as z from 'zod';
import { MAX_RECORD_RETRIES } from './dataset-round.js';
import { ManifestKeySchema, ModelIdSchema, ModelInvocationTypeSchema } from './primitives.js';

const BOTH = 'give either manifest_keys or dataset_keys, not both';
const NEITHER = 'give manifest_keys or dataset_keys (exactly one of the two)';
const RECORDS_PER_JOB_ALONE = 'applies only with dataset_keys';
const RETRIES_ALONE = 'applies only with dataset_keys';

/**
 * The input of the `BedrockBatchSfn` fragment: either one Bedrock batch job per manifest key
 * (`manifest_keys`), or a dataset the fragment splits into jobs itself (`dataset_keys`).
 * Field names are snake_case, as in `@cdklabs/generative-ai-cdk-constructs`, so existing state
 * machines pass the same object. Unknown fields are rejected.
 *
 * - `job_name`: any text; the fragment turns it into a name Bedrock accepts (see `buildJobName`).
 * - `manifest_keys`: JSONL input objects (or prefixes ending in `/`) in the input bucket; at least
 *   one. Each must form an S3 URI Bedrock accepts (`ManifestKeySchema`): letters, digits and
 *   `-!_*'().` between single slashes; no space, `=`, `+`, `~` or non-ASCII character.
 * - `dataset_keys`: the alternative to `manifest_keys` (exactly one of the two is given): JSONL
 *   objects (or prefixes ending in `/`: every `.jsonl` under it, in key order) of a dataset; each
 *   line `{ modelInput, recordId? }` (`DatasetRecordSchema`). At least one; the same key rules as
 *   `manifest_keys`. The fragment writes balanced manifests and returns one `DatasetResult`.
 * - `records_per_job`: only with `dataset_keys`; a positive integer. Whether it lies within the
 *   model's minimum and maximum records per job is checked when the dataset is prepared.
 * - `max_record_retries`: only with `dataset_keys`; how many rounds retry the records that failed
 *   for a transient reason (throttling, model timeout, server error, a record no job returned),
 *   0 to `MAX_RECORD_RETRIES` (10). Default `DEFAULT_MAX_RECORD_RETRIES` (2); 0 disables retries.
 * - `model_id`: model id, inference profile id, or their ARN (Bedrock's `ModelId` pattern).
 * - `model_invocation_type`: `InvokeModel` (default) or `Converse`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-create.html
 *
 * @example
 * ```json
 * {
 *   "job_name": "test_job",
 *   "manifest_keys": ["test_key.jsonl"],
 *   "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
 *   "model_invocation_type": "InvokeModel"
 * }
 * ```
 *
 * @example
 * ```json
 * {
 *   "job_name": "reviews",
 *   "dataset_keys": ["datasets/reviews/"],
 *   "records_per_job": 1000,
 *   "max_record_retries": 2,
 *   "model_id": "anthropic.claude-3-haiku-20240307-v1:0"
 * }
 * ```
 */
const BatchFragmentInputSchema = z
  .strictObject({
    job_name: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
    manifest_keys: z.array(ManifestKeySchema).min(1, 'must list at least one manifest').optional(),
    dataset_keys: z
      .array(ManifestKeySchema)
      .min(1, 'must list at least one dataset object or prefix')
      .optional(),
    records_per_job: z.number().int().positive().optional(),
    max_record_retries: z.number().int().min(0).max(MAX_RECORD_RETRIES).optional(),
    model_id: ModelIdSchema,
    model_invocation_type: ModelInvocationTypeSchema.optional(),
  })
  .superRefine((input, ctx) => {
    const manifests = input.manifest_keys !== undefined;
    const dataset = input.dataset_keys !== undefined;
    if (manifests && dataset)
      ctx.addIssue({ code: 'custom', message: BOTH, path: ['dataset_keys'] });
    if (!manifests && !dataset) {
      ctx.addIssue({ code: 'custom', message: NEITHER, path: ['manifest_keys'] });
    }
    if (input.records_per_job !== undefined && !dataset) {
      ctx.addIssue({ code: 'custom', message: RECORDS_PER_JOB_ALONE, path: ['records_per_job'] });
    }
    if (input.max_record_retries !== undefined && !dataset) {
      ctx.addIssue({ code: 'custom', message: RETRIES_ALONE, path: ['max_record_retries'] });
    }
  })
  .meta({
    title: 'BatchFragmentInput',
    description:
      'Input of the BedrockBatchSfn Step Functions fragment: manifest_keys or dataset_keys, exactly one.',
    // What the refinement above checks, for the JSON Schema (zod cannot derive it).
    oneOf: [
      { properties: { manifest_keys: true }, required: ['manifest_keys'] },
      { properties: { dataset_keys: true }, required: ['dataset_keys'] },
    ],
    dependentRequired: {
      records_per_job: ['dataset_keys'],
      max_record_retries: ['dataset_keys'],
    },
  });

/**
 * The input of the `BedrockBatchSfn` fragment, see {@link BatchFragmentInputSchema}. Both
 * `manifest_keys` and `dataset_keys` are optional in the type; the schema requires exactly one.
 */
type BatchFragmentInput = z.infer<typeof BatchFragmentInputSchema>;

export type { BatchFragmentInput };
export { BatchFragmentInputSchema };
