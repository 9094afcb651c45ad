import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

/** One line of a text stream: its text (without the line break) and its 1-based number. */
interface NumberedLine {
  /** The line's text, without `\n` or `\r\n`. */
  readonly text: string;
  /** 1-based line number in the stream. */
  readonly number: number;
}

/**
 * Splits a byte stream (e.g. an S3 object's body) into UTF-8 lines with `node:readline`, one at
 * a time, holding no more than a chunk and the line that spans it. A last line without `\n` is
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
  // node:readline decodes UTF-8 across chunk boundaries and treats `\r\n` as one break.
  const lines = createInterface({
    input: Readable.from(body, { objectMode: false }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  try {
    for await (const text of lines) {
      number += 1;
      yield { text, number };
    }
  } finally {
    lines.close();
  }
}

export type { NumberedLine };
export { readLines };
