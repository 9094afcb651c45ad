import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

function bytesOf(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new Error(
    `test bug: the dataset S3 takes string or Uint8Array bodies (got ${typeof body})`,
  );
}

/**
 * An in-memory S3 for the dataset steps: ListObjectsV2 (paged, `pageSize` keys a page), GetObject
 * (the body as a stream in chunks of `chunkSize` bytes, so lines cross chunk boundaries),
 * PutObject and the multipart upload calls (CreateMultipartUpload, UploadPart,
 * CompleteMultipartUpload, AbortMultipartUpload). Every call is recorded in `calls`.
 */
function createDatasetS3(options: { pageSize?: number; chunkSize?: number } = {}) {
  let pageSize = options.pageSize ?? 1000;
  let chunkSize = options.chunkSize ?? 7;
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { bucket: string; key: string; parts: Map<number, Buffer> }>();
  const calls: string[] = [];
  const mock = mockClient(S3Client);
  const path = (bucket: string | undefined, key: string | undefined) => `${bucket}/${key}`;

  /** Resets the mock (keeps the objects); `options` change the page and chunk sizes. */
  function install(next: { pageSize?: number; chunkSize?: number } = {}) {
    pageSize = next.pageSize ?? options.pageSize ?? 1000;
    chunkSize = next.chunkSize ?? options.chunkSize ?? 7;
    mock.reset();
    calls.length = 0;
    mock.on(ListObjectsV2Command).callsFake(async (input) => {
      calls.push('ListObjectsV2');
      const prefix = `${input.Bucket}/${input.Prefix ?? ''}`;
      const keys = [...objects.keys()]
        .filter((name) => name.startsWith(prefix))
        .map((name) => name.slice(`${input.Bucket}/`.length))
        .sort();
      const start = Number(input.ContinuationToken ?? 0);
      const page = keys.slice(start, start + pageSize);
      const next = start + pageSize < keys.length ? String(start + pageSize) : undefined;
      return {
        Contents: page.map((Key) => ({ Key })),
        KeyCount: page.length,
        IsTruncated: next !== undefined,
        ...(next === undefined ? {} : { NextContinuationToken: next }),
      };
    });
    mock.on(GetObjectCommand).callsFake(async (input) => {
      calls.push(`GetObject ${input.Key}`);
      const body = objects.get(path(input.Bucket, input.Key));
      if (body === undefined) throw new NoSuchKey({ message: 'NoSuchKey', $metadata: {} });
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; at += chunkSize)
        chunks.push(body.subarray(at, at + chunkSize));
      return { Body: Readable.from(chunks) as never, ContentLength: body.length };
    });
    mock.on(PutObjectCommand).callsFake(async (input) => {
      calls.push(`PutObject ${input.Key}`);
      objects.set(path(input.Bucket, input.Key), bytesOf(input.Body));
      return { ETag: '"etag"' };
    });
    mock.on(CreateMultipartUploadCommand).callsFake(async (input) => {
      calls.push(`CreateMultipartUpload ${input.Key}`);
      const id = `upload-${uploads.size + 1}`;
      uploads.set(id, { bucket: input.Bucket ?? '', key: input.Key ?? '', parts: new Map() });
      return { UploadId: id, Bucket: input.Bucket, Key: input.Key };
    });
    mock.on(UploadPartCommand).callsFake(async (input) => {
      calls.push(`UploadPart ${input.Key} ${input.PartNumber}`);
      uploads.get(input.UploadId ?? '')?.parts.set(input.PartNumber ?? 0, bytesOf(input.Body));
      return { ETag: `"part-${input.PartNumber}"` };
    });
    mock.on(CompleteMultipartUploadCommand).callsFake(async (input) => {
      calls.push(`CompleteMultipartUpload ${input.Key}`);
      const upload = uploads.get(input.UploadId ?? '');
      if (upload === undefined) throw new Error('test bug: no such upload');
      const parts: CompletedPart[] = input.MultipartUpload?.Parts ?? [];
      const body = Buffer.concat(
        parts.map((part) => upload.parts.get(part.PartNumber ?? 0) ?? Buffer.alloc(0)),
      );
      objects.set(path(upload.bucket, upload.key), body);
      uploads.delete(input.UploadId ?? '');
      return { ETag: '"multipart"', Bucket: input.Bucket, Key: input.Key };
    });
    mock.on(AbortMultipartUploadCommand).callsFake(async (input) => {
      calls.push(`AbortMultipartUpload ${input.Key}`);
      uploads.delete(input.UploadId ?? '');
      return {};
    });
  }

  return {
    s3: new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    }),
    calls,
    install,
    /** Stores an object (no call recorded). */
    put: (bucket: string, key: string, body: string | Buffer) =>
      objects.set(path(bucket, key), Buffer.from(body)),
    /** An object's body as text, or undefined. */
    text: (bucket: string, key: string) => objects.get(path(bucket, key))?.toString('utf8'),
    /** Keys of `bucket` under `prefix`, sorted. */
    keys: (bucket: string, prefix = '') =>
      [...objects.keys()]
        .filter((name) => name.startsWith(`${bucket}/${prefix}`))
        .map((name) => name.slice(bucket.length + 1))
        .sort(),
    clear: () => objects.clear(),
  };
}

export { createDatasetS3 };
