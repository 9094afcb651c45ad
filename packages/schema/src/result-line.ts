import * as z from 'zod';
import { MAX_RECORD_RETRIES } from './dataset-round.js';

/**
 * The `errorCode` of a results line for a record that no job returned: its job was stopped,
 * expired or completed partially without writing it. It is this product's code (a string), not
 * Bedrock's (Bedrock writes numeric codes such as `400`).
 *
 * @example
 * ```ts
 * if (line.error?.errorCode === RECORD_NOT_RETURNED) retry.push(line.recordId);
 * ```
 */
const RECORD_NOT_RETURNED = 'BedrockBatch.RecordNotReturned';

const RecordIdSchema = z.string().min(1, 'must not be empty').max(256);

/**
 * How a record was answered: by a Bedrock batch job, or on demand through the Bedrock runtime API
 * (`InvokeModel` or `Converse`; a dataset under the batch minimum of records per job).
 */
const AnswerModeSchema = z.enum(['batch', 'on_demand']).meta({ title: 'AnswerMode' });

const ResultSuccessLineSchema = z
  .strictObject({
    recordId: RecordIdSchema,
    modelOutput: z.record(z.string(), z.unknown()),
    mode: AnswerModeSchema,
  })
  .meta({ title: 'ResultSuccessLine' });

const ResultErrorLineSchema = z
  .strictObject({
    recordId: RecordIdSchema,
    error: z.strictObject({
      errorCode: z.union([z.number().int(), z.string().min(1)]),
      errorMessage: z.string(),
    }),
    mode: AnswerModeSchema,
    attempts: z
      .number()
      .int()
      .min(1)
      .max(MAX_RECORD_RETRIES + 1),
  })
  .meta({ title: 'ResultErrorLine' });

/**
 * One line of the `results.jsonl` the fragment writes for a dataset: one per dataset record, in
 * dataset order, with the record's `recordId` and either `modelOutput` (the model's answer) or
 * `error`. `error.errorCode` and `error.errorMessage` are Bedrock's (a number, as in the job's
 * `.jsonl.out`) or, for a record no job returned, {@link RECORD_NOT_RETURNED}. `modelInput` is
 * not repeated: the dataset holds it, at the same position. `mode` says how the record was
 * answered (or, for an error, last tried): `batch` or `on_demand`. An error line also says how
 * many `attempts` were made: 1, plus one per retry round that sent the record again (an error
 * that is not worth a retry, see `classifyRecordError` in `@bedrock-batch/handlers`, stays at the
 * attempt it happened in).
 *
 * @example
 * ```json
 * {"recordId": "R00000000000", "modelOutput": {"stopReason": "end_turn", "output": {"message": {"role": "assistant", "content": [{"text": "positive"}]}}}, "mode": "batch"}
 * {"recordId": "R00000000001", "error": {"errorCode": 400, "errorMessage": "Malformed input request"}, "mode": "batch", "attempts": 1}
 * {"recordId": "R00000000002", "error": {"errorCode": 429, "errorMessage": "ThrottlingException: Too many requests"}, "mode": "on_demand", "attempts": 3}
 * ```
 */
const ResultLineSchema = z
  .union([ResultSuccessLineSchema, ResultErrorLineSchema])
  .meta({ title: 'ResultLine', description: 'One line of results.jsonl, in dataset order.' });

/** One line of `results.jsonl`, see {@link ResultLineSchema}. */
type ResultLine = z.infer<typeof ResultLineSchema>;
/** How a record was answered, see {@link AnswerModeSchema}. */
type AnswerMode = z.infer<typeof AnswerModeSchema>;

export type { AnswerMode, ResultLine };
export { AnswerModeSchema, RECORD_NOT_RETURNED, ResultLineSchema };
