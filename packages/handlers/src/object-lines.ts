import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AccessDeniedError, BedrockBatchHandlerError } from './errors.js';
import { type LineBatch, type NumberedLine, readLineBatches, readLines } from './read-lines.js';

/** The error's `name: message`, for a message that names what failed. */
function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Streams the lines of an S3 object (see `readLines`): the object is read as it downloads, never
 * held whole. An error names the object (`s3://bucket/key`); S3's `AccessDenied` becomes
 * `BedrockBatch.AccessDenied`.
 *
 * @param s3 - the S3 client
 * @param bucket - the bucket
 * @param key - the object's key
 * @returns the object's lines with their 1-based numbers
 * @throws AccessDeniedError when S3 denies the read
 * @throws BedrockBatchHandlerError when the object cannot be read (missing, connection lost)
 *
 * @example
 * ```ts
 * for await (const line of objectLines(s3, 'my-bucket', 'work/manifests/part-00000.jsonl')) {
 *   if (line.text !== '') console.log(line.number);
 * }
 * ```
 */
function objectLines(
  s3: S3Client,
  bucket: string,
  key: string,
): AsyncGenerator<NumberedLine, void, undefined> {
  return readObject(s3, bucket, key, readLines);
}

/**
 * Streams the lines of an S3 object as batches of byte ranges, one per chunk (see
 * `readLineBatches`), with the errors of {@link objectLines}.
 *
 * @example
 * ```ts
 * for await (const batch of objectLineBatches(s3, 'my-bucket', 'out/part-0.jsonl.out')) count += batch.starts.length;
 * ```
 */
function objectLineBatches(
  s3: S3Client,
  bucket: string,
  key: string,
): AsyncGenerator<LineBatch, void, undefined> {
  return readObject(s3, bucket, key, readLineBatches);
}

async function* readObject<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  split: (body: AsyncIterable<Uint8Array>) => AsyncGenerator<T, void, undefined>,
): AsyncGenerator<T, void, undefined> {
  const location = `s3://${bucket}/${key}`;
  let lines: AsyncGenerator<T, void, undefined>;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = response.Body as AsyncIterable<Uint8Array> | undefined;
    if (body === undefined) return;
    lines = split(body);
  } catch (error) {
    throw readError(location, error);
  }
  try {
    while (true) {
      let next: IteratorResult<T, void>;
      try {
        next = await lines.next();
      } catch (error) {
        throw readError(location, error);
      }
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    // Stopped early (or failed): release the download.
    await lines.return(undefined);
  }
}

function readError(location: string, error: unknown): Error {
  const message = `${location}: could not be read (${describeError(error)})`;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AccessDenied') return new AccessDeniedError(message, { cause: error });
  return new BedrockBatchHandlerError(message, { cause: error });
}

export { objectLineBatches, objectLines };
