/**
 * `classifyRecordError`: whether a failed record (an `error` of a `.jsonl.out` line, of
 * `results.jsonl`, or of `invokeOnDemand`'s output) is worth another attempt.
 *
 * Sources:
 * - The runtime API's errors and their HTTP statuses are those of the service model in
 *   `@aws-sdk/client-bedrock-runtime` 3.1164.0 (the `httpError` trait of each error shape).
 * - The batch output's error object (`{"errorCode": 400, "errorMessage": "bad request"}`) is the
 *   one example the Bedrock user guide gives ("View the results of a batch inference job").
 *   Which other codes a batch job writes is not documented: the numeric rows below assume it
 *   writes the runtime's HTTP statuses.
 * - `BedrockBatch.RecordNotReturned` is what `collectResults` writes for a record no job returned.
 */
import { RECORD_NOT_RETURNED } from '@bedrock-batch/schema';

/** Whether a failed record may succeed when run again (`transient`) or not (`permanent`). */
type RecordErrorClass = 'transient' | 'permanent';

/** The `error` object of a failed record, as Bedrock writes it in a `.jsonl.out` line. */
interface RecordError {
  /** An HTTP status (a number, or a string of digits), an exception name, or one of ours. */
  readonly errorCode: string | number;
  /** The message; `invokeOnDemand` writes `"<ExceptionName>: <message>"`. */
  readonly errorMessage: string;
}

/** One row of {@link RECORD_ERROR_CLASSES}. */
interface RecordErrorRule {
  /**
   * What the row matches: an error name (matched against `errorCode`, or the name before the
   * first `:` of `errorMessage`), or an HTTP status (matched against a numeric `errorCode`).
   */
  readonly code: string | number;
  /** The HTTP status the runtime API answers with for this error name, when it is one. */
  readonly httpStatus?: number;
  /** The class of a record that failed with this error. */
  readonly errorClass: RecordErrorClass;
  /** Why. */
  readonly reason: string;
}

/**
 * The classification table, one row per known error name and per HTTP status with a rule of its
 * own. A name found in the message (`"ThrottlingException: ..."`) wins over the numeric code,
 * because some names share a status with errors of the other class (`ServiceQuotaExceededException`
 * is a 400, as is `ValidationException`). Codes in no row: another 5xx is `transient`, any other
 * code (another 4xx, an unknown name) is `permanent`.
 *
 * @example
 * ```ts
 * for (const rule of RECORD_ERROR_CLASSES) console.log(rule.code, rule.errorClass, rule.reason);
 * ```
 */
const RECORD_ERROR_CLASSES: readonly RecordErrorRule[] = [
  {
    code: RECORD_NOT_RETURNED,
    errorClass: 'transient',
    reason:
      'the job returned no line for the record (it failed, stopped or expired first): the record was never answered',
  },
  {
    code: 'ThrottlingException',
    httpStatus: 429,
    errorClass: 'transient',
    reason: 'request rate over the quota; it passes after a pause',
  },
  {
    code: 'ModelNotReadyException',
    httpStatus: 429,
    errorClass: 'transient',
    reason: 'the model is being loaded; the SDK documentation itself says the call is retried',
  },
  {
    code: 'ServiceQuotaExceededException',
    httpStatus: 400,
    errorClass: 'transient',
    reason:
      'a usage quota (tokens per minute or per day) is used up; it resets. Assumption: the runtime uses it for quotas that reset, not for a request too large for any quota',
  },
  {
    code: 'ModelTimeoutException',
    httpStatus: 408,
    errorClass: 'transient',
    reason: 'the model took too long this time; a second run usually finishes',
  },
  {
    code: 'ModelErrorException',
    httpStatus: 424,
    errorClass: 'transient',
    reason:
      'the model failed while processing, not the request check; one more round is cheap. Assumption: a model that fails on this input every time costs one wasted retry',
  },
  {
    code: 'ModelStreamErrorException',
    httpStatus: 424,
    errorClass: 'transient',
    reason: 'the stream broke off; the SDK documentation says to retry the request',
  },
  {
    code: 'InternalServerException',
    httpStatus: 500,
    errorClass: 'transient',
    reason: 'a server error (5xx)',
  },
  {
    code: 'ServiceUnavailableException',
    httpStatus: 503,
    errorClass: 'transient',
    reason: 'the service is unavailable for now (5xx)',
  },
  {
    code: 'ValidationException',
    httpStatus: 400,
    errorClass: 'permanent',
    reason:
      'the input is invalid for the model (missing key, too many tokens, content blocked by the model provider): the same input fails again',
  },
  {
    code: 'AccessDeniedException',
    httpStatus: 403,
    errorClass: 'permanent',
    reason:
      'no permission for the model (IAM, or model access not granted): fix the setup, not retry',
  },
  {
    code: 'ResourceNotFoundException',
    httpStatus: 404,
    errorClass: 'permanent',
    reason: 'the model or inference profile does not exist in this Region',
  },
  {
    code: 'ConflictException',
    httpStatus: 400,
    errorClass: 'permanent',
    reason: 'a 400 of the runtime API: the request conflicts with the resource state',
  },
  {
    code: 400,
    errorClass: 'permanent',
    reason: 'bad request: what the batch output documents for an invalid record input',
  },
  { code: 403, errorClass: 'permanent', reason: 'access denied' },
  { code: 404, errorClass: 'permanent', reason: 'not found' },
  {
    code: 408,
    errorClass: 'transient',
    reason: 'request timeout (ModelTimeoutException)',
  },
  {
    code: 424,
    errorClass: 'transient',
    reason: 'the model failed (ModelErrorException); see that row',
  },
  {
    code: 429,
    errorClass: 'transient',
    reason: 'too many requests (ThrottlingException, ModelNotReadyException)',
  },
  { code: 500, errorClass: 'transient', reason: 'internal server error' },
  { code: 502, errorClass: 'transient', reason: 'bad gateway' },
  { code: 503, errorClass: 'transient', reason: 'service unavailable' },
  { code: 504, errorClass: 'transient', reason: 'gateway timeout' },
];

const BY_NAME = new Map<string, RecordErrorRule>();
const BY_STATUS = new Map<number, RecordErrorRule>();
for (const rule of RECORD_ERROR_CLASSES) {
  if (typeof rule.code === 'number') BY_STATUS.set(rule.code, rule);
  else BY_NAME.set(rule.code, rule);
}

/** The error name a message starts with (`"ThrottlingException: Too many requests"`). */
function nameInMessage(message: string): string | undefined {
  const match = /^\s*([A-Za-z][\w.]*)\s*:/.exec(message);
  return match?.[1];
}

function statusOf(code: string | number): number | undefined {
  if (typeof code === 'number') return Number.isInteger(code) ? code : undefined;
  return /^\s*\d{3}\s*$/.test(code) ? Number(code) : undefined;
}

/**
 * The row of {@link RECORD_ERROR_CLASSES} that decides a record error, or `undefined` when the
 * default applies (see {@link classifyRecordError}).
 *
 * @example
 * ```ts
 * recordErrorRule({ errorCode: 429, errorMessage: 'ThrottlingException: slow down' })?.reason;
 * ```
 */
function recordErrorRule(error: RecordError): RecordErrorRule | undefined {
  if (typeof error.errorCode === 'string') {
    const named = BY_NAME.get(error.errorCode.trim());
    if (named !== undefined) return named;
  }
  const name =
    typeof error.errorMessage === 'string' ? nameInMessage(error.errorMessage) : undefined;
  const fromMessage = name === undefined ? undefined : BY_NAME.get(name);
  if (fromMessage !== undefined) return fromMessage;
  const status = statusOf(error.errorCode);
  return status === undefined ? undefined : BY_STATUS.get(status);
}

/**
 * Whether a failed record is worth another attempt. The rules are the rows of
 * {@link RECORD_ERROR_CLASSES}: an error name in `errorCode`, then an error name that starts
 * `errorMessage` (`"ThrottlingException: ..."`, as `invokeOnDemand` writes), then the HTTP status
 * in `errorCode` (a number or a string of digits). An unknown 5xx is `transient`; an unknown 4xx,
 * any other code and an unknown name are `permanent` (a retry would fail the same way, and the
 * error should be looked at).
 *
 * @param error - the record's `error` object (`errorCode`, `errorMessage`)
 * @returns `'transient'` (run it again) or `'permanent'`
 *
 * @example
 * ```ts
 * classifyRecordError({ errorCode: 400, errorMessage: 'Malformed input request: ...' }); // 'permanent'
 * classifyRecordError({ errorCode: 429, errorMessage: 'ThrottlingException: Too many requests' }); // 'transient'
 * classifyRecordError({ errorCode: RECORD_NOT_RETURNED, errorMessage: 'job ... ended Stopped' }); // 'transient'
 * ```
 */
function classifyRecordError(error: RecordError): RecordErrorClass {
  const rule = recordErrorRule(error);
  if (rule !== undefined) return rule.errorClass;
  const status = statusOf(error.errorCode);
  return status !== undefined && status >= 500 && status <= 599 ? 'transient' : 'permanent';
}

export type { RecordError, RecordErrorClass, RecordErrorRule };
export { classifyRecordError, RECORD_ERROR_CLASSES, recordErrorRule };
