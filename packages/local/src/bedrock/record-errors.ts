/**
 * Error lines Bedrock writes into `.jsonl.out` files for records that failed. The AWS user guide
 * documents the shape (`"error": {"errorCode": 400, "errorMessage": "..."}`, a number code) but
 * not the codes and messages per cause; these defaults follow the runtime API's HTTP statuses and
 * messages for the same causes (see the README's assumptions).
 */

/** A kind of record error: the `errorCode` and `errorMessage` of its output line. */
interface BatchRecordError {
  readonly errorCode: number;
  readonly errorMessage: string;
}

/**
 * Realistic record errors by cause, for `faults.recordErrors`. Transient: `throttled` (429),
 * `timeout` (408), `internal` (500), `unavailable` (503). Permanent: `malformed` (400),
 * `contentFiltered` (400).
 *
 * @example
 * ```ts
 * await startBedrockEmulator({
 *   faults: {
 *     recordErrors: [
 *       { rate: 0.05, ...BATCH_RECORD_ERRORS.throttled },
 *       { rate: 0.02, ...BATCH_RECORD_ERRORS.malformed },
 *     ],
 *   },
 * });
 * ```
 */
const BATCH_RECORD_ERRORS = Object.freeze({
  throttled: {
    errorCode: 429,
    errorMessage: 'Too many requests, please wait before trying again.',
  },
  timeout: {
    errorCode: 408,
    errorMessage: 'Model has timed out in processing the request. Try your request again.',
  },
  internal: {
    errorCode: 500,
    errorMessage:
      'The system encountered an unexpected error during processing. Try your request again.',
  },
  unavailable: {
    errorCode: 503,
    errorMessage: 'Bedrock is unable to process your request.',
  },
  malformed: {
    errorCode: 400,
    errorMessage:
      'Malformed input request: #: required key [messages] not found, please reformat your input and try again.',
  },
  contentFiltered: {
    errorCode: 400,
    errorMessage: 'Output blocked by content filtering policy',
  },
} satisfies Record<string, BatchRecordError>);

const BY_CODE: ReadonlyMap<number, string> = new Map([
  [400, BATCH_RECORD_ERRORS.malformed.errorMessage],
  [408, BATCH_RECORD_ERRORS.timeout.errorMessage],
  [429, BATCH_RECORD_ERRORS.throttled.errorMessage],
  [500, BATCH_RECORD_ERRORS.internal.errorMessage],
  [503, BATCH_RECORD_ERRORS.unavailable.errorMessage],
]);

/** The default `errorMessage` of a record error with this code. */
function recordErrorMessageFor(errorCode: number): string {
  return (
    BY_CODE.get(errorCode) ?? `Record failed with status ${errorCode} (injected by the emulator).`
  );
}

export type { BatchRecordError };
export { BATCH_RECORD_ERRORS, recordErrorMessageFor };
