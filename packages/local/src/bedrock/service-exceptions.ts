import { EmulatedServiceError } from '../errors.js';

/**
 * Factories of the service's exceptions, with the HTTP status the Bedrock service model gives
 * each one.
 */
const ServiceException = {
  validation: (message: string) => new EmulatedServiceError('ValidationException', 400, message),
  notFound: (message: string) =>
    new EmulatedServiceError('ResourceNotFoundException', 404, message),
  conflict: (message: string) => new EmulatedServiceError('ConflictException', 400, message),
  quota: (message: string) =>
    new EmulatedServiceError('ServiceQuotaExceededException', 400, message),
  throttling: (message = 'Too many requests, please wait before trying again.') =>
    new EmulatedServiceError('ThrottlingException', 429, message),
  tooManyTags: (message: string, resourceName: string) =>
    new EmulatedServiceError('TooManyTagsException', 400, message, { resourceName }),
  internal: (message = 'Internal server error') =>
    new EmulatedServiceError('InternalServerException', 500, message),
  serialization: (message: string) =>
    new EmulatedServiceError('SerializationException', 400, message),
  unknownOperation: (message: string) =>
    new EmulatedServiceError('UnknownOperationException', 404, message),
} as const;

/**
 * Collects the constraint violations of one request and turns them into one ValidationException
 * worded like the AWS service ("2 validation errors detected: Value 'x' at 'jobName' failed to
 * satisfy constraint: ...").
 */
class ConstraintCollector {
  private readonly problems: string[] = [];

  /** Records that `value` at `field` violates `constraint`. */
  public add(field: string, value: unknown, constraint: string): void {
    this.problems.push(
      `Value ${showValue(value)} at '${field}' failed to satisfy constraint: ${constraint}`,
    );
  }

  /** Throws the ValidationException when any violation was recorded. */
  public throwIfAny(): void {
    const count = this.problems.length;
    if (count === 0) return;
    throw ServiceException.validation(
      `${count} validation error${count === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`,
    );
  }
}

const MAX_SHOWN = 200;

function showValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) text = `[array of ${value.length}]`;
  else if (typeof value === 'object') text = '{object}';
  else text = String(value);
  if (text.length > MAX_SHOWN) text = `${text.slice(0, MAX_SHOWN - 1)}…`;
  return `'${text}'`;
}

export { ConstraintCollector, ServiceException };
