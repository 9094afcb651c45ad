import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError } from './errors.js';
import { lineRecordId, plainLineRecordId } from './line-record-id.js';
import { objectLineBatches } from './object-lines.js';
import type { ObjectWriter } from './object-writer.js';
import type { LineBatch } from './read-lines.js';

/**
 * A reader of the `results.jsonl` a retry round is merged into: it walks the previous lines in
 * order, copying those of records the round did not retry to the new `results.jsonl` as they are,
 * and hands back the line of each retried record, which the round's answer replaces. Both files
 * are in dataset order and the round's records are a subsequence of it, so one pass does it and
 * memory holds one chunk of the file.
 *
 * @example
 * ```ts
 * const previous = new PreviousResults(s3, bucket, 'work/results.jsonl');
 * const replaced = await previous.copyUntil('r42', writer); // lines before r42 copied
 * writer.add(newLineOfR42);
 * await previous.copyRest(writer);
 * ```
 */
class PreviousResults {
  private readonly location: string;
  private readonly batches: AsyncGenerator<LineBatch, void, undefined>;
  private batch: LineBatch | undefined;
  private index = 0;

  /**
   * @param s3 - the S3 client
   * @param bucket - the bucket of the previous `results.jsonl`
   * @param key - its key
   */
  public constructor(s3: S3Client, bucket: string, key: string) {
    this.location = `s3://${bucket}/${key}`;
    this.batches = objectLineBatches(s3, bucket, key);
  }

  /**
   * Copies the lines before the line of `recordId` to `writer` and returns that line, not copied.
   *
   * @param recordId - the next retried record
   * @param writer - the new `results.jsonl`
   * @returns the previous line of the record (its text, without the newline)
   * @throws InvalidInputError when the rest of the file has no line for `recordId`
   */
  public async copyUntil(recordId: string, writer: ObjectWriter): Promise<string> {
    for (;;) {
      const line = await this.nextLine();
      if (line === undefined) {
        throw new InvalidInputError(
          `${this.location}: has no line for the retried record ${JSON.stringify(recordId)} (or not in dataset order)`,
        );
      }
      const { bytes, start, end, number } = line;
      const id =
        plainLineRecordId(bytes, start, end) ??
        lineRecordId(bytes.toString('utf8', start, end), this.location, number);
      if (id === recordId) return bytes.toString('utf8', start, end);
      if (writer.addLine(bytes.subarray(start, end))) await writer.flush();
    }
  }

  /**
   * Copies every line left to `writer`.
   *
   * @param writer - the new `results.jsonl`
   */
  public async copyRest(writer: ObjectWriter): Promise<void> {
    for (let line = await this.nextLine(); line !== undefined; line = await this.nextLine()) {
      if (writer.addLine(line.bytes.subarray(line.start, line.end))) await writer.flush();
    }
  }

  /** The next line that is not blank, or `undefined` at the end of the file. */
  private async nextLine(): Promise<
    { bytes: Buffer; start: number; end: number; number: number } | undefined
  > {
    for (;;) {
      const batch = this.batch;
      if (batch !== undefined && this.index < batch.starts.length) {
        const index = this.index++;
        const start = batch.starts[index] as number;
        const end = batch.ends[index] as number;
        if (end > start) {
          return { bytes: batch.bytes, start, end, number: batch.firstNumber + index };
        }
        continue;
      }
      const next = await this.batches.next();
      if (next.done === true) return undefined;
      this.batch = next.value;
      this.index = 0;
    }
  }
}

export { PreviousResults };
