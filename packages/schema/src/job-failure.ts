import * as z from 'zod';

/**
 * The error names a fragment failure carries, as Step Functions `Error` (what a `Catch` or
 * `Retry` matches with `errors: [...]`). The Bedrock statuses keep upstream's names.
 *
 * | name | when |
 * | --- | --- |
 * | `Failed`, `Stopped`, `Expired` | the Bedrock job ended in that status |
 * | `BedrockBatch.NoOutput` | the job completed but wrote no `.jsonl.out` file |
 * | `BedrockBatch.InvalidInput` | our validation rejected the fragment input or a payload |
 * | `BedrockBatch.ValidationException` | Bedrock rejected `CreateModelInvocationJob` |
 * | `BedrockBatch.AccessDenied` | Bedrock or S3 denied access to the job's resources |
 * | `BedrockBatch.Throttled` | the API throttled the request (retried by the fragment) |
 * | `BedrockBatch.QuotaExceeded` | too many jobs in flight for the model (retried by the fragment) |
 *
 * @example
 * ```ts
 * bedrockBatch.addCatch(handler, { errors: [BatchErrorName.Failed, BatchErrorName.Expired] });
 * ```
 */
const BatchErrorName = {
  Failed: 'Failed',
  Stopped: 'Stopped',
  Expired: 'Expired',
  NoOutput: 'BedrockBatch.NoOutput',
  InvalidInput: 'BedrockBatch.InvalidInput',
  ValidationException: 'BedrockBatch.ValidationException',
  AccessDenied: 'BedrockBatch.AccessDenied',
  Throttled: 'BedrockBatch.Throttled',
  QuotaExceeded: 'BedrockBatch.QuotaExceeded',
} as const;

/** One of the {@link BatchErrorName} values. */
type BatchErrorNameValue = (typeof BatchErrorName)[keyof typeof BatchErrorName];

const errorNames = Object.values(BatchErrorName) as [BatchErrorNameValue, ...BatchErrorNameValue[]];

/**
 * A job that produced no result. `status` is the job's terminal status, or `Invalid` when
 * the job was never created because its input was rejected; `error` is a {@link BatchErrorName};
 * `cause` says why in words (the service's message when there is one, never empty).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 *
 * @example
 * ```json
 * { "status": "Failed", "error": "Failed", "cause": "Input file s3://bucket/in.jsonl has 12 records; the minimum is 100." }
 * ```
 */
const BatchJobFailureSchema = z
  .strictObject({
    status: z.enum(['Failed', 'Stopped', 'Expired', 'Invalid']),
    error: z.enum(errorNames),
    cause: z.string().min(1, 'must not be empty'),
  })
  .meta({ title: 'BatchJobFailure', description: 'A Bedrock batch job that produced no result.' });

/** A job that produced no result, see {@link BatchJobFailureSchema}. */
type BatchJobFailure = z.infer<typeof BatchJobFailureSchema>;

export type { BatchErrorNameValue, BatchJobFailure };
export { BatchErrorName, BatchJobFailureSchema };
