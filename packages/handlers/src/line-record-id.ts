import { InvalidInputError } from './errors.js';

/** How preparation starts a manifest line, and collection a results line: the id first. */
const ID_FIRST = '{"recordId":"';

const ID_FIRST_BYTES = Buffer.from(ID_FIRST, 'latin1');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * The `recordId` of a line that starts `{"recordId":"<id>",` with no escape in the id, read from
 * the line's bytes without decoding the line; `undefined` for any other line (then use
 * {@link lineRecordId}).
 *
 * @param bytes - the buffer holding the line
 * @param start - where the line starts in `bytes`
 * @param end - where it ends (exclusive, without the newline)
 * @returns the id, or `undefined`
 *
 * @example
 * ```ts
 * const id = plainLineRecordId(batch.bytes, batch.starts[0], batch.ends[0]);
 * ```
 */
function plainLineRecordId(bytes: Buffer, start: number, end: number): string | undefined {
  const idStart = start + ID_FIRST_BYTES.length;
  if (
    end <= idStart ||
    bytes.compare(ID_FIRST_BYTES, 0, ID_FIRST_BYTES.length, start, idStart) !== 0
  ) {
    return undefined;
  }
  let at = idStart;
  while (at < end && bytes[at] !== QUOTE) {
    if (bytes[at] === BACKSLASH) return undefined;
    at++;
  }
  if (at === idStart || at >= end || bytes[at + 1] !== COMMA || at + 1 >= end) return undefined;
  return bytes.toString('utf8', idStart, at);
}

/**
 * The `recordId` of a manifest or results line of any shape (a fast path for the plain lines
 * this product writes, `JSON.parse` for the others).
 *
 * @param text - the line
 * @param location - the object, for the error (`s3://bucket/key`)
 * @param line - the line number, for the error
 * @returns the id
 * @throws InvalidInputError when the line is not JSON or its `recordId` is not a non-empty string
 *
 * @example
 * ```ts
 * lineRecordId('{"recordId":"r1","modelInput":{}}', 's3://b/k', 1); // 'r1'
 * ```
 */
function lineRecordId(text: string, location: string, line: number): string {
  if (text.startsWith(ID_FIRST)) {
    const end = text.indexOf('"', ID_FIRST.length);
    const id = text.slice(ID_FIRST.length, end);
    if (end > ID_FIRST.length && text[end + 1] === ',' && !id.includes('\\')) return id;
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${location} line ${line}: is not JSON`);
  }
  const recordId = (record as { recordId?: unknown } | null)?.recordId;
  if (typeof recordId !== 'string' || recordId === '') {
    throw new InvalidInputError(
      `${location} line ${line}: recordId must be a non-empty string (received: ${JSON.stringify(recordId) ?? 'undefined'})`,
    );
  }
  return recordId;
}

export { lineRecordId, plainLineRecordId };
