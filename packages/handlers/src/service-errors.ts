import {
  AccessDeniedError,
  BedrockValidationError,
  QuotaExceededError,
  ThrottledError,
} from './errors.js';

/** Step Functions errors meaning the task token no longer waits for a callback. */
const DEAD_TOKEN_ERROR_NAMES: ReadonlySet<string> = new Set([
  'TaskDoesNotExist',
  'TaskTimedOut',
  'InvalidToken',
]);

const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'TooManyRequests',
]);

interface ServiceErrorLike {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function errorName(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const name = (error as ServiceErrorLike).name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Whether a Step Functions callback failed because the task no longer waits (`TaskDoesNotExist`,
 * `TaskTimedOut`, `InvalidToken`): the execution ended, was aborted, or the task timed out.
 *
 * @example
 * ```ts
 * try { await sfn.send(new SendTaskHeartbeatCommand({ taskToken })); }
 * catch (error) { if (isDeadTaskTokenError(error)) await stopJob(jobArn); else throw error; }
 * ```
 */
function isDeadTaskTokenError(error: unknown): boolean {
  const name = errorName(error);
  return name !== undefined && DEAD_TOKEN_ERROR_NAMES.has(name);
}

/**
 * Whether Bedrock answered that the job does not exist (`ResourceNotFoundException`).
 *
 * @example
 * ```ts
 * if (isNotFoundError(error)) return { outcome: 'not-found' };
 * ```
 */
function isNotFoundError(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

/**
 * Replaces every occurrence of a secret (and of each 256-character tag part of it) in `text`
 * with `[redacted]`, so a service message that echoes a tag value never carries a task token.
 *
 * @example
 * ```ts
 * redactSecrets(error.message, [payload.taskToken]);
 * ```
 */
function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join('[redacted]');
    for (let offset = 0; offset < secret.length; offset += 256) {
      const part = secret.slice(offset, offset + 256);
      if (part.length >= 16) out = out.split(part).join('[redacted]');
    }
  }
  return out;
}

/**
 * Turns an error of a Bedrock call into the error Step Functions should see:
 * `ValidationException` and `ConflictException` (a job name already taken) become
 * `BedrockBatch.ValidationException` (the service's message kept),
 * `AccessDeniedException` becomes `BedrockBatch.AccessDenied`, throttling (`ThrottlingException`,
 * `TooManyRequests`, HTTP 429) becomes `BedrockBatch.Throttled` and
 * `ServiceQuotaExceededException` becomes `BedrockBatch.QuotaExceeded`. Anything else is
 * returned as it is. Secrets are removed from every message.
 *
 * @param error - what the SDK threw
 * @param secrets - values that must not appear in the message (the task token)
 * @returns the error to throw
 *
 * @example
 * ```ts
 * try { await bedrock.send(command); } catch (error) { throw mapBedrockError(error, [taskToken]); }
 * ```
 */
function mapBedrockError(error: unknown, secrets: readonly string[] = []): unknown {
  if (error === null || typeof error !== 'object') return error;
  const like = error as ServiceErrorLike;
  const message = redactSecrets(typeof like.message === 'string' ? like.message : '', secrets);
  const name = errorName(error);
  const options = { cause: error };
  if (name === 'ValidationException' || name === 'ConflictException') {
    return new BedrockValidationError(message, options);
  }
  if (name === 'AccessDeniedException') return new AccessDeniedError(message, options);
  if (name === 'ServiceQuotaExceededException') return new QuotaExceededError(message, options);
  if (
    (name !== undefined && THROTTLING_ERROR_NAMES.has(name)) ||
    like.$metadata?.httpStatusCode === 429
  ) {
    return new ThrottledError(message, options);
  }
  return redactErrorMessage(error, secrets);
}

/**
 * Removes secrets from an error's message in place (see {@link redactSecrets}) and returns the
 * error, so it can be rethrown as it is without carrying a task token.
 *
 * @example
 * ```ts
 * catch (error) { throw redactErrorMessage(error, [taskToken]); }
 * ```
 */
function redactErrorMessage<T>(error: T, secrets: readonly string[]): T {
  if (error instanceof Error) {
    const message = redactSecrets(error.message, secrets);
    if (message !== error.message) error.message = message;
  }
  return error;
}

export {
  isDeadTaskTokenError,
  isNotFoundError,
  mapBedrockError,
  redactErrorMessage,
  redactSecrets,
};
