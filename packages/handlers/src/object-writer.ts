import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** Text collected before it is handed to the upload (fewer, larger stream writes). */
const BATCH_BYTES = 256 * 1024;

/** Options of {@link openObjectWriter}. */
interface ObjectWriterOptions {
  /**
   * The object's `Content-Type`.
   * @default 'application/x-ndjson'
   */
  readonly contentType?: string;
  /**
   * Bytes per uploaded part (S3's minimum is 5 MiB).
   * @default 5 MiB
   */
  readonly partSize?: number;
  /**
   * Parts uploaded at the same time.
   * @default 4
   */
  readonly queueSize?: number;
}

/** An S3 object being written, see {@link openObjectWriter}. */
interface ObjectWriter {
  /** Appends text; resolves when the upload can take more (backpressure). */
  write(text: string): Promise<void>;
  /**
   * Appends text without waiting; returns `true` when enough text is collected that the caller
   * should `await flush()` before adding more (a tight loop then pays no promise per line).
   */
  add(text: string): boolean;
  /** Appends bytes (copied) without waiting; returns what {@link ObjectWriter.add} returns. */
  addBytes(bytes: Uint8Array): boolean;
  /** Whether enough is collected that the caller should `await flush()` before adding more. */
  isFull(): boolean;
  /** Hands the collected text to the upload; resolves when it can take more. */
  flush(): Promise<void>;
  /** Ends the object and waits until S3 has it. */
  finish(): Promise<void>;
  /** Gives up: no object is created, the parts uploaded so far are removed. Never throws. */
  abort(reason: Error): Promise<void>;
}

/**
 * Opens an S3 object for streamed writing: text goes through a multipart upload
 * (`@aws-sdk/lib-storage`), so memory holds a few parts, never the whole object. An object
 * smaller than one part is written with a single PutObject.
 *
 * @param s3 - the S3 client
 * @param bucket - the bucket
 * @param key - the object's key
 * @param options - content type, part size and parallel parts
 * @returns the writer: `write` as often as needed, then `finish` (or `abort`)
 *
 * @example
 * ```ts
 * const writer = openObjectWriter(s3, 'my-bucket', 'work/results.jsonl');
 * try {
 *   for (const line of lines) if (writer.add(`${line}\n`)) await writer.flush();
 *   await writer.finish();
 * } catch (error) {
 *   await writer.abort(error as Error);
 *   throw error;
 * }
 * ```
 */
function openObjectWriter(
  s3: S3Client,
  bucket: string,
  key: string,
  options: ObjectWriterOptions = {},
): ObjectWriter {
  const stream = new PassThrough({ highWaterMark: BATCH_BYTES });
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: bucket,
      Key: key,
      Body: stream,
      ContentType: options.contentType ?? 'application/x-ndjson',
    },
    ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
    queueSize: options.queueSize ?? 4,
  });
  let failure: unknown;
  const done = upload.done().then(
    () => undefined,
    (error: unknown) => {
      failure ??= error;
      stream.destroy();
      throw error;
    },
  );
  // The rejection is read by `finish` or `abort`; this keeps it from being reported as unhandled.
  done.catch(() => undefined);
  // Text and bytes are gathered in one buffer (no string joined per batch), handed over whole.
  let buffer = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;

  /** Hands the gathered bytes to the stream; the next buffer holds at least `room` bytes. */
  function hand(room: number): boolean {
    let writable = true;
    if (used > 0) writable = stream.write(buffer.subarray(0, used));
    buffer = Buffer.allocUnsafe(Math.max(BATCH_BYTES, room));
    used = 0;
    return writable;
  }

  async function flush(): Promise<void> {
    if (failure !== undefined) throw failure;
    if (used === 0) return;
    if (!hand(0)) await Promise.race([once(stream, 'drain'), done]);
    if (failure !== undefined) throw failure;
  }

  function add(text: string): boolean {
    // A UTF-8 character takes at most 3 bytes per UTF-16 code unit.
    if (buffer.length - used < text.length * 3) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (buffer.length - used < bytes) hand(bytes);
    }
    used += buffer.write(text, used, 'utf8');
    return used >= BATCH_BYTES;
  }

  function addBytes(bytes: Uint8Array): boolean {
    if (buffer.length - used < bytes.length) hand(bytes.length);
    if (Buffer.isBuffer(bytes)) used += bytes.copy(buffer, used);
    else {
      buffer.set(bytes, used);
      used += bytes.length;
    }
    return used >= BATCH_BYTES;
  }

  return {
    async write(text: string): Promise<void> {
      if (add(text)) await flush();
    },
    add,
    addBytes,
    isFull: () => used >= BATCH_BYTES,
    flush,
    async finish(): Promise<void> {
      await flush();
      stream.end();
      await done;
    },
    async abort(reason: Error): Promise<void> {
      failure ??= reason;
      // The upload reads the stream: destroying it with an error makes the upload fail, which
      // aborts the multipart upload (AbortMultipartUpload) before `done` settles.
      stream.destroy(reason);
      await done.catch(() => undefined);
    },
  };
}

export type { ObjectWriter, ObjectWriterOptions };
export { openObjectWriter };
