import * as z from 'zod';
import { BatchJobResultSchema, TokenCountsSchema } from './job-result.js';
import { CountSchema, S3BucketNameSchema, S3KeySchema } from './primitives.js';

/** Record counters of a whole dataset: every record is either a success or an error. */
const DatasetRecordCountsSchema = z
  .strictObject({ total: CountSchema, success: CountSchema, error: CountSchema })
  .meta({ title: 'DatasetRecordCounts' });

/** What one way of answering (batch or on demand) answered, and the tokens it used. */
const ModeCountsSchema = z
  .strictObject({
    records: CountSchema,
    success: CountSchema,
    error: CountSchema,
    input_tokens: CountSchema,
    output_tokens: CountSchema,
  })
  .meta({ title: 'ModeCounts' });

/**
 * What the retry rounds did: how many ran (`rounds`, 0 when every record was answered or failed
 * for good at first) and how many records they sent again in all (`records`; a record retried in
 * two rounds counts twice).
 */
const RetryCountsSchema = z
  .strictObject({ rounds: CountSchema, records: CountSchema })
  .meta({ title: 'RetryCounts' });

/**
 * The fragment's output for a `dataset_keys` input: one object for the whole dataset.
 *
 * - `status`: `Completed` when every record has a `modelOutput`, else `PartiallyCompleted`.
 * - `bucket`, `results_key`: where `results.jsonl` is (one {@link ResultLineSchema} line per
 *   record, in dataset order).
 * - `record_counts`: `total` records, `success` (with `modelOutput`) and `error`.
 * - `token_counts`: summed over the jobs and on-demand calls.
 * - `mode_counts`: per way of answering, `batch` and `on_demand`: the records by how their last
 *   attempt was made, and the tokens of every attempt, so a caller can price
 *   the run (on-demand tokens cost about twice the batch price).
 * - `retries`: the retry rounds that ran and the records they sent again.
 * - `jobs`: each job's result, as the fragment returns them for `manifest_keys`, every round's.
 *
 * @example
 * ```json
 * {
 *   "status": "PartiallyCompleted",
 *   "bucket": "my-batch-bucket",
 *   "results_key": "work/exec-1/results.jsonl",
 *   "record_counts": { "total": 3250, "success": 3249, "error": 1 },
 *   "token_counts": { "input": 490000, "output": 78000 },
 *   "mode_counts": {
 *     "batch": { "records": 3250, "success": 3249, "error": 1, "input_tokens": 490000, "output_tokens": 78000 },
 *     "on_demand": { "records": 0, "success": 0, "error": 0, "input_tokens": 0, "output_tokens": 0 }
 *   },
 *   "retries": { "rounds": 0, "records": 0 },
 *   "jobs": []
 * }
 * ```
 */
const DatasetResultSchema = z
  .strictObject({
    status: z.enum(['Completed', 'PartiallyCompleted']),
    bucket: S3BucketNameSchema,
    results_key: S3KeySchema,
    record_counts: DatasetRecordCountsSchema,
    token_counts: TokenCountsSchema,
    mode_counts: z.strictObject({ batch: ModeCountsSchema, on_demand: ModeCountsSchema }),
    retries: RetryCountsSchema,
    jobs: z.array(BatchJobResultSchema),
  })
  .meta({
    title: 'DatasetResult',
    description: 'Output of the BedrockBatchSfn fragment for a dataset_keys input.',
  });

/** The fragment's output for a dataset, see {@link DatasetResultSchema}. */
type DatasetResult = z.infer<typeof DatasetResultSchema>;

export type { DatasetResult };
export { DatasetResultSchema, RetryCountsSchema };
