import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { BatchQuotas } from '@bedrock-batch/schema';
import { parseS3Uri } from './s3-location.js';

/** One record read from an input file. */
interface InputRecord {
  readonly recordId: string;
  readonly modelInput: Record<string, unknown>;
  /** Index of its file in {@link JobInput.files}. */
  readonly fileIndex: number;
}

/** One input file of a job. */
interface InputFile {
  /** Object key. */
  readonly key: string;
  /** Name of its output object, relative to the job's output prefix: `records.jsonl.out`. */
  readonly outputName: string;
}

/** The validated input of a job. */
interface JobInput {
  readonly files: readonly InputFile[];
  readonly records: readonly InputRecord[];
}

/** Result of {@link readJobInput}: the input, or why the service would fail the job. */
type ReadResult =
  | { readonly ok: true; readonly input: JobInput }
  | { readonly ok: false; readonly message: string };

class InputProblem extends Error {}

function errorName(error: unknown): string {
  const e = error as { name?: string; Code?: string };
  return e?.Code ?? e?.name ?? 'Error';
}

function isMissing(error: unknown): boolean {
  const name = errorName(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound' || status === 404;
}

async function listInputKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ key: string; size: number }[]> {
  const keys: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key?.endsWith('.jsonl')) keys.push({ key: object.Key, size: object.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function parseLines(
  text: string,
  uri: string,
  fileIndex: number,
  seen: Set<string>,
  out: InputRecord[],
  missingIds: number[],
): number {
  let count = 0;
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputProblem(
        `Invalid JSONL format in ${uri} at line ${lineNumber}: the line is not valid JSON.`,
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputProblem(
        `Invalid JSONL format in ${uri} at line ${lineNumber}: every line must be a JSON object.`,
      );
    }
    const record = value as Record<string, unknown>;
    const modelInput = record.modelInput;
    if (modelInput === null || typeof modelInput !== 'object' || Array.isArray(modelInput)) {
      throw new InputProblem(
        `Invalid record in ${uri} at line ${lineNumber}: the record must have a "modelInput" JSON object.`,
      );
    }
    const recordId = record.recordId;
    if (recordId === undefined) {
      missingIds.push(out.length);
      out.push({ recordId: '', modelInput: modelInput as Record<string, unknown>, fileIndex });
    } else {
      if (typeof recordId !== 'string' || recordId.length === 0 || recordId.length > 256) {
        throw new InputProblem(
          `Invalid record in ${uri} at line ${lineNumber}: "recordId" must be a string of 1 to 256 characters.`,
        );
      }
      if (seen.has(recordId)) {
        throw new InputProblem(
          `Duplicate recordId "${recordId}" in ${uri} at line ${lineNumber}: recordIds must be unique within a job.`,
        );
      }
      seen.add(recordId);
      out.push({ recordId, modelInput: modelInput as Record<string, unknown>, fileIndex });
    }
    count++;
  }
  return count;
}

function outputNameOf(key: string, prefix: string | undefined): string {
  const relative =
    prefix !== undefined ? key.slice(prefix.length) : key.slice(key.lastIndexOf('/') + 1);
  return `${relative}.out`;
}

/**
 * Reads and checks the input of a job through the S3 API, as the service does while the job is
 * `Validating`: one object, or every `.jsonl` object under a prefix ending in `/`; every line a
 * JSON object with an object `modelInput`; unique `recordId`s (missing ones are assigned); the
 * record and size quotas.
 */
async function readJobInput(
  s3: S3Client,
  inputUri: string,
  quotas: BatchQuotas,
): Promise<ReadResult> {
  const { bucket, key } = parseS3Uri(inputUri);
  const isPrefix = key === '' || key.endsWith('/');
  try {
    let objects: { key: string; size: number }[];
    if (isPrefix) {
      try {
        objects = await listInputKeys(s3, bucket, key);
      } catch (error) {
        if (isMissing(error)) {
          throw new InputProblem(
            `The input S3 location ${inputUri} does not exist or cannot be read (${errorName(error)}).`,
          );
        }
        throw error;
      }
      if (objects.length === 0)
        throw new InputProblem(`No .jsonl files were found at the input S3 location ${inputUri}.`);
    } else {
      objects = [{ key, size: -1 }];
    }

    const files: InputFile[] = [];
    const records: InputRecord[] = [];
    const seen = new Set<string>();
    const missingIds: number[] = [];
    let totalBytes = 0;
    for (const [fileIndex, object] of objects.entries()) {
      const uri = `s3://${bucket}/${object.key}`;
      let text: string;
      try {
        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.key }));
        const size = response.ContentLength ?? object.size;
        if (size > quotas.maxInputFileSizeBytes) {
          throw new InputProblem(
            `The input file ${uri} is ${size} bytes, more than the quota of ${quotas.maxInputFileSizeBytes} bytes per file.`,
          );
        }
        totalBytes += Math.max(size, 0);
        if (totalBytes > quotas.maxJobSizeBytes) {
          throw new InputProblem(
            `The input of the job is more than the quota of ${quotas.maxJobSizeBytes} bytes per job.`,
          );
        }
        text = (await response.Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        if (error instanceof InputProblem) throw error;
        if (isMissing(error)) {
          throw new InputProblem(
            `The input S3 object ${uri} does not exist or cannot be read (${errorName(error)}).`,
          );
        }
        throw error;
      }
      const count = parseLines(text, uri, fileIndex, seen, records, missingIds);
      if (count > quotas.maxRecordsPerFile) {
        throw new InputProblem(
          `The input file ${uri} has ${count} records, more than the quota of ${quotas.maxRecordsPerFile} records per file.`,
        );
      }
      files.push({
        key: object.key,
        outputName: outputNameOf(object.key, isPrefix ? key : undefined),
      });
    }
    if (records.length < quotas.minRecordsPerJob) {
      throw new InputProblem(
        `The job has ${records.length} records, fewer than the minimum of ${quotas.minRecordsPerJob} records per batch inference job.`,
      );
    }
    if (records.length > quotas.maxRecordsPerJob) {
      throw new InputProblem(
        `The job has ${records.length} records, more than the quota of ${quotas.maxRecordsPerJob} records per batch inference job.`,
      );
    }
    let next = 0;
    for (const index of missingIds) {
      let id: string;
      do {
        next++;
        id = `RECORD${String(next).padStart(7, '0')}`;
      } while (seen.has(id));
      seen.add(id);
      const record = records[index] as InputRecord;
      records[index] = { ...record, recordId: id };
    }
    return { ok: true, input: { files, records } };
  } catch (error) {
    if (error instanceof InputProblem) return { ok: false, message: error.message };
    return {
      ok: false,
      message: `Unable to read the input at ${inputUri}: ${errorName(error)}: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}

export type { InputFile, InputRecord, JobInput, ReadResult };
export { readJobInput };
