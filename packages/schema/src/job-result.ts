import * as z from 'zod';
import { CountSchema, JobArnSchema, S3BucketNameSchema, S3KeySchema } from './primitives.js';

/** Record counters of a finished job (from the job description or `manifest.json.out`). */
const RecordCountsSchema = z
  .strictObject({
    total: CountSchema,
    processed: CountSchema,
    success: CountSchema,
    error: CountSchema,
  })
  .meta({ title: 'RecordCounts' });

/** Token counters of a finished job, from `manifest.json.out`. */
const TokenCountsSchema = z
  .strictObject({ input: CountSchema, output: CountSchema })
  .meta({ title: 'TokenCounts' });

/**
 * One job's result: the fragment returns one per manifest key, in the order of `manifest_keys`.
 * A superset of the upstream `{ status, bucket, keys }`: a `PartiallyCompleted` job is a result,
 * and `record_counts.error` says how many records failed.
 *
 * - `keys`: the `.jsonl.out` output objects in `bucket` (one per input file).
 * - `token_counts`: absent only when Bedrock wrote no `manifest.json.out`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html
 *
 * @example
 * ```json
 * {
 *   "status": "Completed",
 *   "bucket": "my-batch-bucket",
 *   "keys": ["output/abcdefghijkl/reviews-1.jsonl.out"],
 *   "job_arn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl",
 *   "job_name": "reviews-0--k3j9x0a1b2c3",
 *   "manifest_key": "input/reviews-1.jsonl",
 *   "record_counts": { "total": 1000, "processed": 1000, "success": 998, "error": 2 },
 *   "token_counts": { "input": 151000, "output": 24000 }
 * }
 * ```
 */
const BatchJobResultSchema = z
  .strictObject({
    status: z.enum(['Completed', 'PartiallyCompleted']),
    bucket: S3BucketNameSchema,
    keys: z.array(S3KeySchema).min(1, 'must list at least one output object'),
    job_arn: JobArnSchema,
    job_name: z.string().min(1).max(63),
    manifest_key: S3KeySchema,
    record_counts: RecordCountsSchema,
    token_counts: TokenCountsSchema.optional(),
  })
  .meta({ title: 'BatchJobResult', description: 'Result of one Bedrock batch inference job.' });

/** One job's result, see {@link BatchJobResultSchema}. */
type BatchJobResult = z.infer<typeof BatchJobResultSchema>;
/** Record counters, see {@link RecordCountsSchema}. */
type RecordCounts = z.infer<typeof RecordCountsSchema>;
/** Token counters, see {@link TokenCountsSchema}. */
type TokenCounts = z.infer<typeof TokenCountsSchema>;

export type { BatchJobResult, RecordCounts, TokenCounts };
export { BatchJobResultSchema, RecordCountsSchema, TokenCountsSchema };
