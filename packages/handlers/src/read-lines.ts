/**
 * Line splitting for S3 object bodies, written here instead of using `node:readline`: readline
 * decodes every chunk to a string, emits one event and one promise per line, and the dataset
 * steps only need the bytes of most lines (they copy JSON text from one object to another). This
 * splitter finds `\n` with `Buffer.indexOf` (native) and hands out a chunk's lines as byte ranges,
 * a batch per chunk, so a caller pays no promise, no event and no decoding per line. Line breaks
 * are readline's: `\n`, `\r\n`, and a lone `\r`.
 */

/** One line of a text stream: its text (without the line break) and its 1-based number. */
interface NumberedLine {
  /** The line's text, without `\n` or `\r\n`. */
  readonly text: string;
  /** 1-based line number in the stream. */
  readonly number: number;
}

/**
 * The lines of a chunk of a byte stream, as ranges of `bytes` (line breaks excluded). Valid until
 * the next batch is asked for: `bytes` may be a view of a buffer the stream reuses.
 */
interface LineBatch {
  /** The bytes the ranges point into. */
  readonly bytes: Buffer;
  /** Start of each line in `bytes`. */
  readonly starts: readonly number[];
  /** End of each line in `bytes` (exclusive, before `\r\n`, `\n` or `\r`). */
  readonly ends: readonly number[];
  /** 1-based number of the first line of the batch in the stream. */
  readonly firstNumber: number;
}

const LF = 10;
const CR = 13;

/** Adds the lines of `bytes[start, end)` (no `\n` inside) to the batch, splitting at a lone `\r`. */
function pushLine(bytes: Buffer, start: number, end: number, starts: number[], ends: number[]) {
  let stop = end;
  if (stop > start && bytes[stop - 1] === CR) stop -= 1;
  let from = start;
  let cr = bytes.indexOf(CR, from);
  while (cr !== -1 && cr < stop) {
    starts.push(from);
    ends.push(cr);
    from = cr + 1;
    cr = bytes.indexOf(CR, from);
  }
  starts.push(from);
  ends.push(stop);
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}

/**
 * Splits a byte stream (e.g. an S3 object's body) into lines, a batch of byte ranges per chunk
 * (see {@link LineBatch}), holding no more than a chunk and the line that spans it. A last line
 * without `\n` is included; an empty stream yields nothing. Blank lines are included.
 *
 * @param body - the bytes, as chunks (a Node `Readable`, an S3 `GetObject` body)
 * @returns the batches of lines, in order
 *
 * @example
 * ```ts
 * for await (const batch of readLineBatches(response.Body as AsyncIterable<Uint8Array>)) {
 *   for (let i = 0; i < batch.starts.length; i++) count += batch.ends[i] - batch.starts[i];
 * }
 * ```
 */
async function* readLineBatches(
  body: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<LineBatch, void, undefined> {
  let pending: Buffer[] = [];
  let number = 1;
  for await (const chunk of body) {
    const bytes = toBuffer(chunk);
    let newline = bytes.indexOf(LF);
    if (newline === -1) {
      if (bytes.length > 0) pending.push(bytes);
      continue;
    }
    let start = 0;
    if (pending.length > 0) {
      // Only the line that spans chunks is copied; the chunk's other lines are read in place.
      const joined = Buffer.concat([...pending, bytes.subarray(0, newline)]);
      pending = [];
      const starts: number[] = [];
      const ends: number[] = [];
      pushLine(joined, 0, joined.length, starts, ends);
      yield { bytes: joined, starts, ends, firstNumber: number };
      number += starts.length;
      start = newline + 1;
      newline = bytes.indexOf(LF, start);
    }
    const starts: number[] = [];
    const ends: number[] = [];
    while (newline !== -1) {
      pushLine(bytes, start, newline, starts, ends);
      start = newline + 1;
      newline = bytes.indexOf(LF, start);
    }
    if (start < bytes.length) pending.push(bytes.subarray(start));
    if (starts.length > 0) {
      yield { bytes, starts, ends, firstNumber: number };
      number += starts.length;
    }
  }
  if (pending.length > 0) {
    const bytes = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
    const starts: number[] = [];
    const ends: number[] = [];
    pushLine(bytes, 0, bytes.length, starts, ends);
    yield { bytes, starts, ends, firstNumber: number };
  }
}

/**
 * Splits a byte stream (e.g. an S3 object's body) into UTF-8 lines, one at a time (see
 * {@link readLineBatches}, which this decodes). A last line without `\n` is yielded; an empty
 * stream yields nothing.
 *
 * @param body - the bytes, as chunks (a Node `Readable`, an S3 `GetObject` body)
 * @returns the lines with their numbers, blank lines included
 *
 * @example
 * ```ts
 * const response = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'data.jsonl' }));
 * for await (const line of readLines(response.Body as AsyncIterable<Uint8Array>)) {
 *   if (line.text.trim() !== '') console.log(line.number, JSON.parse(line.text).recordId);
 * }
 * ```
 */
async function* readLines(
  body: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<NumberedLine, void, undefined> {
  for await (const { bytes, starts, ends, firstNumber } of readLineBatches(body)) {
    for (let index = 0; index < starts.length; index++) {
      const text = bytes.toString('utf8', starts[index], ends[index]);
      yield { text, number: firstNumber + index };
    }
  }
}

export type { LineBatch, NumberedLine };
export { readLineBatches, readLines };
