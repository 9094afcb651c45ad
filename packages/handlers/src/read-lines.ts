/** One line of a text stream: its text (without the line break) and its 1-based number. */
interface NumberedLine {
  /** The line's text, without `\n` or `\r\n`. */
  readonly text: string;
  /** 1-based line number in the stream. */
  readonly number: number;
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The chunk as a Buffer, without copying its bytes. */
function asBuffer(piece: Uint8Array | string): Buffer {
  if (typeof piece === 'string') return Buffer.from(piece, 'utf8');
  if (Buffer.isBuffer(piece)) return piece;
  return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}

function decode(bytes: Buffer, start: number, end: number): string {
  const last = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
  return bytes.toString('utf8', start, last);
}

/**
 * Splits a byte stream (e.g. an S3 object's body) into UTF-8 lines, one at a time, holding no
 * more than a chunk and the line that spans it. A `\n` byte never occurs inside a multi-byte
 * UTF-8 character, so splitting bytes before decoding is safe. A last line without `\n` is
 * yielded; an empty stream yields nothing.
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
  // The start of a line that spans chunks, copied (a chunk is not kept past its turn).
  let carry: Buffer[] = [];
  let number = 0;
  for await (const piece of body) {
    const chunk = asBuffer(piece);
    let start = 0;
    let end = chunk.indexOf(LINE_FEED, start);
    if (carry.length > 0 && end >= 0) {
      const joined = Buffer.concat([...carry, chunk.subarray(0, end)]);
      carry = [];
      number += 1;
      yield { text: decode(joined, 0, joined.length), number };
      start = end + 1;
      end = chunk.indexOf(LINE_FEED, start);
    }
    while (end >= 0) {
      number += 1;
      yield { text: decode(chunk, start, end), number };
      start = end + 1;
      end = chunk.indexOf(LINE_FEED, start);
    }
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
  }
  if (carry.length > 0) {
    const last = Buffer.concat(carry);
    number += 1;
    yield { text: decode(last, 0, last.length), number };
  }
}

export type { NumberedLine };
export { readLines };
