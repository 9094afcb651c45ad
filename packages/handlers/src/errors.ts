import { BatchErrorName } from '@bedrock-batch/schema';

/**
 * Errors thrown by `@bedrock-batch/handlers`. A Lambda function reports a thrown error's `name`
 * as the Step Functions `Error`, so every error a state machine may match carries one of the
 * schema's {@link BatchErrorName} values as its `name`.
 */

/**
 * Base class of every error this package throws. `instanceof BedrockBatchHandlerError` catches
 * them all; `name` tells them apart.
 *
 * @example
 * ```ts
 * try {
 *   await createJob(event, { clients });
 * } catch (error) {
 *   if (error instanceof BedrockBatchHandlerError) console.error(error.name, error.message);
 * }
 * ```
 */
class BedrockBatchHandlerError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BedrockBatchHandlerError';
  }
}

/**
 * An input was rejected before any AWS call: the payload does not satisfy its contract, a user
 * tag uses a reserved key, or there are too many tags. The message names the field and the value
 * received (task tokens are redacted). Step Functions sees `BedrockBatch.InvalidInput`.
 *
 * @example
 * ```ts
 * throw new InvalidInputError('tags[0].key: uses the reserved prefix "bedrock-batch:" (received: "bedrock-batch:x")');
 * ```
 */
class InvalidInputError extends BedrockBatchHandlerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = BatchErrorName.InvalidInput;
  }
}

/**
 * Bedrock rejected `CreateModelInvocationJob` (`ValidationException`); the message is the
 * service's. Step Functions sees `BedrockBatch.ValidationException`.
 *
 * @example
 * ```ts
 * throw new BedrockValidationError('Role arn:aws:iam::123456789012:role/x cannot be assumed', { cause });
 * ```
 */
class BedrockValidationError extends BedrockBatchHandlerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = BatchErrorName.ValidationException;
  }
}

/**
 * Bedrock denied access (`AccessDeniedException`). Step Functions sees `BedrockBatch.AccessDenied`.
 *
 * @example
 * ```ts
 * throw new AccessDeniedError('User is not authorized to perform bedrock:CreateModelInvocationJob', { cause });
 * ```
 */
class AccessDeniedError extends BedrockBatchHandlerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = BatchErrorName.AccessDenied;
  }
}

/**
 * Bedrock throttled the request (`ThrottlingException`, `TooManyRequests`, HTTP 429). The
 * fragment retries `BedrockBatch.Throttled` with backoff.
 *
 * @example
 * ```ts
 * throw new ThrottledError('Rate exceeded', { cause });
 * ```
 */
class ThrottledError extends BedrockBatchHandlerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = BatchErrorName.Throttled;
  }
}

/**
 * Too many jobs in flight for the model (`ServiceQuotaExceededException`). The fragment retries
 * `BedrockBatch.QuotaExceeded` with backoff.
 *
 * @example
 * ```ts
 * throw new QuotaExceededError('Too many jobs in progress for model ...', { cause });
 * ```
 */
class QuotaExceededError extends BedrockBatchHandlerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = BatchErrorName.QuotaExceeded;
  }
}

/**
 * An environment variable of the handler holds a value it cannot use, e.g.
 * `RECONCILE_MAX_JOBS=lots`. The message names the variable and the value received. This is a
 * deployment error, not a job error: its name is `BedrockBatch.ConfigurationError`.
 *
 * @example
 * ```ts
 * throw new ConfigurationError('RECONCILE_MAX_JOBS: must be a positive whole number (received: "lots")');
 * ```
 */
class ConfigurationError extends BedrockBatchHandlerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BedrockBatch.ConfigurationError';
  }
}

/**
 * A job's ticket object (`bedrock-batch-control/<owner>/pending/<jobName>.json`) is not JSON or
 * not a ticket. The message names the object and the fields at fault, never its content (it
 * holds a task token).
 *
 * @example
 * ```ts
 * throw new TicketFormatError('s3://bucket/bedrock-batch-control/me/pending/job.json is not JSON');
 * ```
 */
class TicketFormatError extends BedrockBatchHandlerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BedrockBatch.TicketFormatError';
  }
}

export {
  AccessDeniedError,
  BedrockBatchHandlerError,
  BedrockValidationError,
  ConfigurationError,
  InvalidInputError,
  QuotaExceededError,
  ThrottledError,
  TicketFormatError,
};
