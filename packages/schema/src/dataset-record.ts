import type * as z from 'zod';
import { DatasetPlanError } from './errors.js';
import { BatchInputRecordSchema } from './records.js';

/**
 * One line of a dataset given as `dataset_keys`: a JSON object with `modelInput` (the model's
 * request body, an object) and an optional `recordId` (1 to 256 characters). It is Bedrock's own
 * input record ({@link BatchInputRecordSchema}), so other fields are allowed here; preparation
 * writes only `recordId` and `modelInput` to the manifests, so they never reach Bedrock.
 * A record without `recordId` gets {@link generatedRecordId} of its position.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html
 *
 * @example
 * ```json
 * {"recordId": "review-17", "modelInput": {"messages": [{"role": "user", "content": [{"text": "Classify: great"}]}]}}
 * ```
 */
const DatasetRecordSchema = BatchInputRecordSchema.meta({
  title: 'DatasetRecord',
  description: 'One line of a dataset given as dataset_keys: modelInput and an optional recordId.',
});

/** One dataset line, see {@link DatasetRecordSchema}. */
type DatasetRecord = z.infer<typeof DatasetRecordSchema>;

/** Digits after the `R` of a generated record id. */
const GENERATED_ID_DIGITS = 11;
const GENERATED_ID_LIMIT = 10 ** GENERATED_ID_DIGITS;

/**
 * The deterministic `recordId` of a dataset record that has none: `R` and its 0-based position in
 * the whole dataset (every file of `dataset_keys`, in order, blank lines not counted), zero-padded
 * to 11 digits. Only letters and digits are used, so Bedrock accepts it, and ids sort in dataset
 * order. A record's own `recordId` must not equal another record's generated id.
 *
 * @param position - 0-based position of the record in the dataset, below 10^11
 * @returns `R` followed by 11 digits
 * @throws DatasetPlanError when `position` is not an integer in [0, 10^11)
 *
 * @example
 * ```ts
 * generatedRecordId(4); // 'R00000000004'
 * ```
 */
function generatedRecordId(position: number): string {
  if (!Number.isInteger(position) || position < 0 || position >= GENERATED_ID_LIMIT) {
    throw new DatasetPlanError(
      `A record position must be an integer from 0 to ${GENERATED_ID_LIMIT - 1} (received: ${position})`,
    );
  }
  return `R${String(position).padStart(GENERATED_ID_DIGITS, '0')}`;
}

export type { DatasetRecord };
export { DatasetRecordSchema, generatedRecordId };
