/**
 * Streamed writing of a large S3 object through a multipart upload, written here instead of
 * `@aws-sdk/lib-storage`'s `Upload`: fed by a stream, `Upload` gathers the stream's chunks and
 * joins them (`Buffer.concat`) into each part, keeps the rest as a view of the joined buffer, and
 * drops every chunk and part once sent, so writing an object copies each byte twice and leaves
 * about two parts of garbage per part for the garbage collector to find (external memory, freed
 * late: a large share of the dataset steps' peak memory). Here text and bytes are written
 * straight into part-sized buffers, which are reused once their `UploadPart` ends: the memory is
 * `queueSize + 1` parts, fixed, and nothing is copied twice.
 */
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/** S3's smallest part (but the last). */
const MIN_PART_SIZE = 5 * 1024 * 1024;

/** Options of {@link openObjectWriter}. */
const NEWLINE = Buffer.from('\n', 'latin1');

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
   * Appends text without waiting; returns `true` when the upload has as many parts in flight as
   * it may, so that the caller should `await flush()` before adding more (a tight loop then pays
   * no promise per line).
   */
  add(text: string): boolean;
  /** Appends bytes (copied) without waiting; returns what {@link ObjectWriter.add} returns. */
  addBytes(bytes: Uint8Array): boolean;
  /** Appends a line: its bytes (copied, without a newline) and `\n`; as {@link ObjectWriter.addBytes}. */
  addLine(bytes: Uint8Array): boolean;
  /** Whether the caller should `await flush()` before adding more. */
  isFull(): boolean;
  /** Resolves when the upload can take more (fewer than `queueSize` parts in flight). */
  flush(): Promise<void>;
  /** Ends the object and waits until S3 has it. */
  finish(): Promise<void>;
  /** Gives up: no object is created, the parts uploaded so far are removed. Never throws. */
  abort(reason: Error): Promise<void>;
}

/**
 * Opens an S3 object for streamed writing: bytes go into part-sized buffers uploaded as the parts
 * of a multipart upload (at most `queueSize` at a time), so memory holds `queueSize + 1` parts,
 * never the whole object. An object smaller than one part is written with a single PutObject.
 * When a part fails, the upload is aborted (AbortMultipartUpload) and the error is thrown by the
 * next `flush`, `finish` or `write`.
 *
 * @param s3 - the S3 client
 * @param bucket - the bucket
 * @param key - the object's key
 * @param options - content type, part size and parallel parts
 * @returns the writer: `add` or `write` as often as needed, then `finish` (or `abort`)
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
  const partSize = Math.max(options.partSize ?? MIN_PART_SIZE, MIN_PART_SIZE);
  const queueSize = Math.max(options.queueSize ?? 4, 1);
  const contentType = options.contentType ?? 'application/x-ndjson';
  let buffer: Buffer = Buffer.allocUnsafe(partSize);
  let used = 0;
  /** Part buffers whose upload ended, to be filled again. */
  const spare: Buffer[] = [];
  const inFlight = new Set<Promise<void>>();
  const parts: CompletedPart[] = [];
  let uploadId: Promise<string> | undefined;
  let failure: unknown;
  let ended = false;

  function startUpload(): Promise<string> {
    uploadId ??= s3
      .send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
      )
      .then((created) => {
        if (created.UploadId === undefined) throw new Error(`s3://${bucket}/${key}: no UploadId`);
        return created.UploadId;
      });
    return uploadId;
  }

  /** Uploads the bytes gathered as the next part; the next bytes go into a spare buffer. */
  function sendPart(): void {
    const body = buffer;
    const size = used;
    const PartNumber = parts.length + 1;
    const part: CompletedPart = { PartNumber };
    parts.push(part);
    buffer = spare.pop() ?? Buffer.allocUnsafe(partSize);
    used = 0;
    const sending = startUpload()
      .then((UploadId) =>
        s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber,
            Body: body.subarray(0, size),
            ContentLength: size,
          }),
        ),
      )
      .then(
        (sent) => {
          part.ETag = sent.ETag;
          spare.push(body);
        },
        (error: unknown) => {
          failure ??= error;
        },
      )
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }

  function addBytes(bytes: Uint8Array): boolean {
    if (ended) throw new Error(`s3://${bucket}/${key}: written after finish or abort`);
    const source = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    let from = 0;
    while (from < source.length) {
      if (used === partSize) sendPart();
      const copied = source.copy(
        buffer,
        used,
        from,
        Math.min(source.length, from + partSize - used),
      );
      used += copied;
      from += copied;
    }
    return isFull();
  }

  function addLine(bytes: Uint8Array): boolean {
    addBytes(bytes);
    return addBytes(NEWLINE);
  }

  function add(text: string): boolean {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (partSize - used >= text.length * 3) {
      if (ended) throw new Error(`s3://${bucket}/${key}: written after finish or abort`);
      used += buffer.write(text, used, 'utf8');
      return isFull();
    }
    return addBytes(Buffer.from(text, 'utf8'));
  }

  function isFull(): boolean {
    return inFlight.size >= queueSize || failure !== undefined;
  }

  async function flush(): Promise<void> {
    while (inFlight.size >= queueSize && failure === undefined) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
  }

  let removed: Promise<void> | undefined;
  /** Waits for the parts in flight, then removes the multipart upload, if any (once). */
  function removeUpload(): Promise<void> {
    removed ??= (async () => {
      await Promise.allSettled(inFlight);
      if (uploadId === undefined) return;
      const UploadId = await uploadId.catch(() => undefined);
      if (UploadId === undefined) return;
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
        .catch(() => undefined);
    })();
    return removed;
  }

  async function finish(): Promise<void> {
    await flush();
    ended = true;
    try {
      if (uploadId === undefined) {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: buffer.subarray(0, used),
            ContentLength: used,
            ContentType: contentType,
          }),
        );
        return;
      }
      if (used > 0) sendPart();
      await Promise.allSettled(inFlight);
      if (failure !== undefined) throw failure;
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: await uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      failure ??= error;
      await removeUpload();
      throw error;
    }
  }

  return {
    async write(text: string): Promise<void> {
      if (add(text)) await flush();
    },
    add,
    addBytes,
    addLine,
    isFull,
    flush,
    finish,
    async abort(reason: Error): Promise<void> {
      failure ??= reason;
      ended = true;
      await removeUpload();
    },
  };
}

export type { ObjectWriter, ObjectWriterOptions };
export { openObjectWriter };
