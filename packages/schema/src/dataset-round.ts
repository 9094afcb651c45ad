import * as z from 'zod';
import { DatasetResultSchema } from './dataset-result.js';
import { S3KeySchema } from './primitives.js';

/** Retry rounds of a dataset when its input does not say (`max_record_retries`). */
const DEFAULT_MAX_RECORD_RETRIES = 2;

/** Most retry rounds an input may ask for (`max_record_retries`). */
const MAX_RECORD_RETRIES = 10;

const WorkFolderSchema = z.string().min(1).regex(/\/$/, 'must end with "/"');

/**
 * The folder of one round of a dataset: the dataset's work prefix for the first round (round 0),
 * `<dataset prefix>round-<n>/` for retry round `n`. A round's manifests, on-demand answers and
 * (for the round after it) retry dataset live there; `results.jsonl` stays at the dataset prefix.
 *
 * @param datasetPrefix - the dataset's work prefix (`datasetWorkPrefix`), ending with `/`
 * @param round - 0 for the first round, 1 and up for retry rounds
 * @returns the folder, ending with `/`
 *
 * @example
 * ```ts
 * roundWorkPrefix('bedrock-batch-work/Reviews/run-42/c8ab12/', 1);
 * // 'bedrock-batch-work/Reviews/run-42/c8ab12/round-1/'
 * ```
 */
function roundWorkPrefix(datasetPrefix: string, round: number): string {
  return round === 0 ? datasetPrefix : `${datasetPrefix}round-${round}/`;
}

/**
 * Where the records a round retries are written, as the dataset of that round: `retry.jsonl` in
 * the round's folder (see {@link roundWorkPrefix}), one `{"recordId", "modelInput"}` line per
 * record, in dataset order.
 *
 * @param datasetPrefix - the dataset's work prefix, ending with `/`
 * @param round - the retry round (1 and up)
 * @returns the object key
 *
 * @example
 * ```ts
 * retryDatasetKey('bedrock-batch-work/Reviews/run-42/c8ab12/', 1);
 * // 'bedrock-batch-work/Reviews/run-42/c8ab12/round-1/retry.jsonl'
 * ```
 */
function retryDatasetKey(datasetPrefix: string, round: number): string {
  return `${roundWorkPrefix(datasetPrefix, round)}retry.jsonl`;
}

/**
 * Which round of a dataset is running and what the collection needs to merge it and to plan the
 * next one. The preparation returns it with the plan (`PreparedDataset.round`); the collection
 * receives it (`CollectResultsPayload.round`).
 *
 * - `number`: 0 for the first round, `n` for the `n`-th retry round.
 * - `max_record_retries`: the input's (or `DEFAULT_MAX_RECORD_RETRIES`); 0 disables retries.
 * - `dataset_prefix`: the dataset's work prefix, where `results.jsonl` is.
 * - `min_records_per_job`: the batch minimum the preparation applied.
 * - `on_demand_below_minimum`: whether a round under that minimum runs on demand; when it cannot,
 *   the records keep their error.
 * - `previous`: the result after the round before (`null` in round 0): its `results.jsonl` is
 *   merged with this round's answers, and its counts are added to.
 *
 * @example
 * ```json
 * {
 *   "number": 0,
 *   "max_record_retries": 2,
 *   "dataset_prefix": "bedrock-batch-work/Reviews/run-42/c8a1/",
 *   "min_records_per_job": 100,
 *   "on_demand_below_minimum": true,
 *   "previous": null
 * }
 * ```
 */
const DatasetRoundSchema = z
  .strictObject({
    number: z.number().int().min(0).max(MAX_RECORD_RETRIES),
    max_record_retries: z.number().int().min(0).max(MAX_RECORD_RETRIES),
    dataset_prefix: WorkFolderSchema,
    min_records_per_job: z.number().int().positive(),
    on_demand_below_minimum: z.boolean(),
    previous: DatasetResultSchema.nullable(),
  })
  .meta({ title: 'DatasetRound' });

/**
 * The retry round the collection asks for: its number, its dataset (`retryDatasetKey`, in the
 * output bucket) and how many records it holds.
 *
 * @example
 * ```json
 * { "round": 1, "dataset_key": "bedrock-batch-work/Reviews/run-42/c8a1/round-1/retry.jsonl", "records": 48 }
 * ```
 */
const DatasetRetrySchema = z
  .strictObject({
    round: z.number().int().min(1).max(MAX_RECORD_RETRIES),
    dataset_key: S3KeySchema,
    records: z.number().int().positive(),
  })
  .meta({ title: 'DatasetRetry' });

/**
 * What the collection of a round returns: the dataset's result so far (`DatasetResult`, with
 * `results.jsonl` complete: a record still to retry has its latest error there) and, when
 * records are to be retried, `retry`, the next round. The fragment's output is the last round's,
 * without `retry`.
 *
 * @example
 * ```json
 * {
 *   "status": "PartiallyCompleted",
 *   "bucket": "my-batch-bucket",
 *   "results_key": "bedrock-batch-work/Reviews/run-42/c8a1/results.jsonl",
 *   "record_counts": { "total": 1000, "success": 952, "error": 48 },
 *   "token_counts": { "input": 150000, "output": 24000 },
 *   "mode_counts": {
 *     "batch": { "records": 1000, "success": 952, "error": 48, "input_tokens": 150000, "output_tokens": 24000 },
 *     "on_demand": { "records": 0, "success": 0, "error": 0, "input_tokens": 0, "output_tokens": 0 }
 *   },
 *   "retries": { "rounds": 0, "records": 0 },
 *   "jobs": [],
 *   "retry": { "round": 1, "dataset_key": "bedrock-batch-work/Reviews/run-42/c8a1/round-1/retry.jsonl", "records": 48 }
 * }
 * ```
 */
const CollectedDatasetSchema = DatasetResultSchema.extend({
  retry: DatasetRetrySchema.optional(),
}).meta({
  title: 'CollectedDataset',
  description: 'What the collect-results handler returns: the result so far and the next round.',
});

/** See {@link DatasetRoundSchema}. */
type DatasetRound = z.infer<typeof DatasetRoundSchema>;
/** See {@link DatasetRetrySchema}. */
type DatasetRetry = z.infer<typeof DatasetRetrySchema>;
/** See {@link CollectedDatasetSchema}. */
type CollectedDataset = z.infer<typeof CollectedDatasetSchema>;

export type { CollectedDataset, DatasetRetry, DatasetRound };
export {
  CollectedDatasetSchema,
  DatasetRetrySchema,
  DatasetRoundSchema,
  DEFAULT_MAX_RECORD_RETRIES,
  MAX_RECORD_RETRIES,
  retryDatasetKey,
  roundWorkPrefix,
};
