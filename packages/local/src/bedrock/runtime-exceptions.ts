import { EmulatedServiceError } from '../errors.js';

/**
 * The errors of the Bedrock runtime API (`InvokeModel`, `Converse`) a fault can inject, with the
 * HTTP status botocore's `bedrock-runtime` service model (2023-09-30) gives each, and a
 * service-like default message.
 */
const RUNTIME_ERRORS = {
  AccessDeniedException: {
    status: 403,
    message: "You don't have access to the model with the specified model ID.",
  },
  InternalServerException: {
    status: 500,
    message:
      'The system encountered an unexpected error during processing. Try your request again.',
  },
  ModelErrorException: {
    status: 424,
    message: 'The request failed due to an error while processing the model.',
  },
  ModelNotReadyException: {
    status: 429,
    message: 'The model is not ready to serve inference requests. Try your request again.',
  },
  ModelTimeoutException: {
    status: 408,
    message: 'Model has timed out in processing the request. Try your request again.',
  },
  ServiceQuotaExceededException: {
    status: 400,
    message: 'Your request exceeds the service quota for your account.',
  },
  ServiceUnavailableException: {
    status: 503,
    message: 'Bedrock is unable to process your request.',
  },
  ValidationException: {
    status: 400,
    message: 'Malformed input request, please reformat your input and try again.',
  },
} as const;

/** An error the runtime API faults can answer with, named as in the service model. */
type RuntimeErrorName = keyof typeof RUNTIME_ERRORS;

/** Every {@link RuntimeErrorName}. */
const RUNTIME_ERROR_NAMES = Object.keys(RUNTIME_ERRORS) as RuntimeErrorName[];

function isRuntimeErrorName(value: unknown): value is RuntimeErrorName {
  return typeof value === 'string' && Object.hasOwn(RUNTIME_ERRORS, value);
}

/**
 * The exception `name` as the emulator sends it: the service model's status, the
 * `x-amzn-errortype` header and a `{ message }` body (`ModelErrorException` also carries
 * `originalStatusCode` and `resourceName`).
 *
 * @example
 * ```ts
 * throw runtimeException('ModelTimeoutException'); // HTTP 408
 * ```
 */
function runtimeException(
  name: RuntimeErrorName,
  message: string = RUNTIME_ERRORS[name].message,
  modelId = '',
): EmulatedServiceError {
  const extra: Record<string, string> =
    name === 'ModelErrorException' ? { resourceName: modelId } : {};
  return new EmulatedServiceError(name, RUNTIME_ERRORS[name].status, message, extra);
}

export type { RuntimeErrorName };
export { isRuntimeErrorName, RUNTIME_ERROR_NAMES, runtimeException };
