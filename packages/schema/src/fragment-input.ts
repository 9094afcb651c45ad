import * as z from 'zod';
import { ManifestKeySchema, ModelIdSchema, ModelInvocationTypeSchema } from './primitives.js';

/**
 * The input of the `BedrockBatchSfn` fragment: one Bedrock batch job per manifest key.
 * Field names are snake_case, as in `@cdklabs/generative-ai-cdk-constructs`, so existing state
 * machines pass the same object. Unknown fields are rejected.
 *
 * - `job_name`: any text; the fragment turns it into a name Bedrock accepts (see `buildJobName`).
 * - `manifest_keys`: JSONL input objects (or prefixes ending in `/`) in the input bucket; at least
 *   one. Each must form an S3 URI Bedrock accepts (`ManifestKeySchema`): letters, digits and
 *   `-!_*'().` between single slashes; no space, `=`, `+`, `~` or non-ASCII character.
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
 */
const BatchFragmentInputSchema = z
  .strictObject({
    job_name: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
    manifest_keys: z.array(ManifestKeySchema).min(1, 'must list at least one manifest'),
    model_id: ModelIdSchema,
    model_invocation_type: ModelInvocationTypeSchema.optional(),
  })
  .meta({
    title: 'BatchFragmentInput',
    description: 'Input of the BedrockBatchSfn Step Functions fragment.',
  });

/** The input of the `BedrockBatchSfn` fragment, see {@link BatchFragmentInputSchema}. */
type BatchFragmentInput = z.infer<typeof BatchFragmentInputSchema>;

export type { BatchFragmentInput };
export { BatchFragmentInputSchema };
