import * as z from 'zod';
import { CountSchema } from './primitives.js';

/**
 * One line of a batch input file (JSONL). `modelInput` is the request body of the model (its
 * InvokeModel body, or a Converse request when the job's `modelInvocationType` is `Converse`).
 * Bedrock adds a `recordId` when the line has none.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html
 *
 * @example
 * ```json
 * {"recordId": "REC0000001", "modelInput": {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, "messages": [{"role": "user", "content": "Classify: great product"}]}}
 * ```
 */
const BatchInputRecordSchema = z
  .looseObject({
    recordId: z.string().min(1).max(256).optional(),
    modelInput: z.record(z.string(), z.unknown()),
  })
  .meta({ title: 'BatchInputRecord', description: 'One line of a Bedrock batch input file.' });

/** A line of an output file for a record the model answered. */
const BatchOutputSuccessRecordSchema = z
  .looseObject({
    recordId: z.string().min(1),
    modelInput: z.record(z.string(), z.unknown()),
    modelOutput: z.record(z.string(), z.unknown()),
  })
  .meta({ title: 'BatchOutputSuccessRecord' });

/** A line of an output file for a record that failed. */
const BatchOutputErrorRecordSchema = z
  .looseObject({
    recordId: z.string().min(1),
    modelInput: z.record(z.string(), z.unknown()),
    error: z.looseObject({ errorCode: z.number().int(), errorMessage: z.string() }),
  })
  .meta({ title: 'BatchOutputErrorRecord' });

/**
 * One line of a `.jsonl.out` output file: the record's input and either `modelOutput` or
 * `error`. Lines are not in input order: match them by `recordId`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html
 *
 * @example
 * ```json
 * {"recordId": "REC0000002", "modelInput": {"inputText": "hello"}, "error": {"errorCode": 400, "errorMessage": "Malformed input request"}}
 * ```
 */
const BatchOutputRecordSchema = z
  .union([BatchOutputSuccessRecordSchema, BatchOutputErrorRecordSchema])
  .meta({ title: 'BatchOutputRecord', description: 'One line of a Bedrock batch output file.' });

/**
 * `manifest.json.out`, the summary Bedrock writes beside a job's output files. Token counts are
 * optional because not every model family reports both.
 *
 * @example
 * ```json
 * {"totalRecordCount": 1000, "processedRecordCount": 1000, "successRecordCount": 998, "errorRecordCount": 2, "inputTokenCount": 151000, "outputTokenCount": 24000}
 * ```
 */
const ManifestOutSchema = z
  .looseObject({
    totalRecordCount: CountSchema,
    processedRecordCount: CountSchema,
    successRecordCount: CountSchema,
    errorRecordCount: CountSchema,
    inputTokenCount: CountSchema.optional(),
    outputTokenCount: CountSchema.optional(),
  })
  .meta({ title: 'ManifestOut', description: 'manifest.json.out of a Bedrock batch job.' });

/** See {@link BatchInputRecordSchema}. */
type BatchInputRecord = z.infer<typeof BatchInputRecordSchema>;
/** See {@link BatchOutputRecordSchema}. */
type BatchOutputRecord = z.infer<typeof BatchOutputRecordSchema>;
/** See {@link BatchOutputSuccessRecordSchema}. */
type BatchOutputSuccessRecord = z.infer<typeof BatchOutputSuccessRecordSchema>;
/** See {@link BatchOutputErrorRecordSchema}. */
type BatchOutputErrorRecord = z.infer<typeof BatchOutputErrorRecordSchema>;
/** See {@link ManifestOutSchema}. */
type ManifestOut = z.infer<typeof ManifestOutSchema>;

export type {
  BatchInputRecord,
  BatchOutputErrorRecord,
  BatchOutputRecord,
  BatchOutputSuccessRecord,
  ManifestOut,
};
export {
  BatchInputRecordSchema,
  BatchOutputErrorRecordSchema,
  BatchOutputRecordSchema,
  BatchOutputSuccessRecordSchema,
  ManifestOutSchema,
};
