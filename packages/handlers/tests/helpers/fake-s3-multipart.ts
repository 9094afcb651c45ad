import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { createFakeAws } from './fake-bedrock.js';

type FakeAws = ReturnType<typeof createFakeAws>;

/** The multipart operations a test can fail (see `failNext`). */
type MultipartOperation = 'CreateMultipartUpload' | 'UploadPart' | 'CompleteMultipartUpload';

interface OpenUpload {
  readonly bucket: string;
  readonly key: string;
  readonly parts: Map<number, Buffer>;
}

function bytesOf(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error(`test bug: UploadPart takes string or Uint8Array bodies (got ${typeof body})`);
}

/**
 * Adds to the in-memory S3 of {@link createFakeAws} what streaming code needs, without changing
 * what it already serves:
 *
 * - GetObject bodies that are byte streams (`Readable`, in chunks of `chunkBytes`, so a line can
 *   span chunks) and still have `transformToString`;
 * - multipart uploads (CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 *   AbortMultipartUpload): the object appears only on completion, with its parts in order.
 *
 * Call `install()` again after `fake.reset()`.
 */
function addMultipartS3(fake: FakeAws, options: { chunkBytes?: number } = {}) {
  const uploads = new Map<string, OpenUpload>();
  const completed: string[] = [];
  const aborted: string[] = [];
  let faults: { operation: MultipartOperation; error: Error }[] = [];
  let nextUpload = 0;

  function injectFault(operation: MultipartOperation) {
    const index = faults.findIndex((fault) => fault.operation === operation);
    if (index < 0) return;
    const [fault] = faults.splice(index, 1);
    if (fault !== undefined) throw fault.error;
  }

  function uploadOf(id: string | undefined): OpenUpload {
    const upload = uploads.get(id ?? '');
    if (upload === undefined) {
      throw Object.assign(new Error(`The specified upload does not exist: ${id}`), {
        name: 'NoSuchUpload',
      });
    }
    return upload;
  }

  function install() {
    const chunkBytes = options.chunkBytes ?? 64 * 1024;
    fake.s3Mock.on(GetObjectCommand).callsFake(async (input) => {
      const stored = fake.getObject(input.Bucket ?? '', input.Key ?? '');
      if (stored === undefined) {
        throw new NoSuchKey({
          message: 'The specified key does not exist.',
          $metadata: { httpStatusCode: 404 },
        });
      }
      const bytes = Buffer.from(stored.body, 'utf8');
      const chunks: Buffer[] = [];
      for (let start = 0; start < bytes.length; start += chunkBytes) {
        chunks.push(bytes.subarray(start, start + chunkBytes));
      }
      const body = Object.assign(Readable.from(chunks), {
        transformToString: async () => stored.body,
      });
      return { Body: body, ETag: stored.etag, ContentLength: bytes.length };
    });
    fake.s3Mock.on(CreateMultipartUploadCommand).callsFake(async (input) => {
      injectFault('CreateMultipartUpload');
      nextUpload += 1;
      const UploadId = `upload-${nextUpload}`;
      uploads.set(UploadId, { bucket: input.Bucket ?? '', key: input.Key ?? '', parts: new Map() });
      return { UploadId, Bucket: input.Bucket, Key: input.Key };
    });
    fake.s3Mock.on(UploadPartCommand).callsFake(async (input) => {
      injectFault('UploadPart');
      const upload = uploadOf(input.UploadId);
      upload.parts.set(input.PartNumber ?? 0, Buffer.from(bytesOf(input.Body)));
      return { ETag: `"part-${input.PartNumber}"` };
    });
    fake.s3Mock.on(CompleteMultipartUploadCommand).callsFake(async (input) => {
      injectFault('CompleteMultipartUpload');
      const upload = uploadOf(input.UploadId);
      const numbers = (input.MultipartUpload?.Parts ?? []).map(
        (part: { PartNumber?: number }) => part.PartNumber ?? 0,
      );
      const body = Buffer.concat(
        numbers.map((n: number) => upload.parts.get(n) ?? Buffer.alloc(0)),
      );
      const etag = fake.putObject(upload.bucket, upload.key, body.toString('utf8'));
      uploads.delete(input.UploadId ?? '');
      completed.push(upload.key);
      return { Bucket: upload.bucket, Key: upload.key, ETag: etag };
    });
    fake.s3Mock.on(AbortMultipartUploadCommand).callsFake(async (input) => {
      uploadOf(input.UploadId);
      uploads.delete(input.UploadId ?? '');
      aborted.push(input.UploadId ?? '');
      return {};
    });
  }
  install();

  return {
    install,
    /** Makes the next call of `operation` fail with `error` (the calls after it work again). */
    failNext(operation: MultipartOperation, error: Error) {
      faults.push({ operation, error });
    },
    /** Uploads created and neither completed nor aborted. */
    openUploads: () => [...uploads.keys()],
    /** Keys of the completed multipart uploads, in order. */
    completedKeys: () => [...completed],
    /** Ids of the aborted uploads, in order. */
    abortedUploads: () => [...aborted],
    /** Forgets every upload and fault (the objects are `fake`'s). */
    reset() {
      uploads.clear();
      completed.length = 0;
      aborted.length = 0;
      faults = [];
      nextUpload = 0;
    },
  };
}

export { addMultipartS3 };
