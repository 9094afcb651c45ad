/**
 * `prepareDataset`: the first step of the fragment for a `dataset_keys` input. It turns a dataset
 * (JSONL objects, any number of records) into one manifest per job, in dataset order.
 *
 * How it stays within a Lambda function's memory for millions of records:
 * - The dataset is streamed twice (GetObject bodies read line by line) and never held: pass 1
 *   checks every record and counts them; pass 2 writes the manifests, each as a multipart upload
 *   fed by a stream. Between the passes only numbers are kept.
 * - Duplicate ids are found with `RecordIdIndex`, written here rather than taken from a library:
 *   it keeps a 64-bit hash of each id and the position of its first record in flat typed arrays
 *   (about 25 bytes a record), where a `Set` of the ids would hold every id string (a hundred
 *   bytes and more each, growing with their length), and no library we could depend on offers
 *   both a compact hash set and the position of the first holder. A hash hit is only a candidate:
 *   after pass 1, a third read fetches the ids at the candidates' first positions and compares
 *   the strings, so a duplicate is reported only when the ids are equal (two different ids share
 *   a hash with a probability of about 3 in 100 million for a million records).
 * - Each record's manifest-line size is kept (4 bytes a record, a `Uint32Array`), so that every
 *   job's bytes are known, and checked against the limits, before anything is written.
 *
 * Nothing is written when the input is bad: every check (lines, ids, counts, sizes) ends before
 * pass 2 starts. A manifest over the byte limit is not split further: preparation fails, naming
 * the job, its bytes and the limit, so the caller picks a smaller `records_per_job` (splitting by
 * bytes would break the balanced record counts the user asked for or expects).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  type BatchQuotas,
  ContractValidationError,
  type DatasetPlan,
  DatasetPlanError,
  ManifestKeySchema,
  planJobs,
  resolveBatchQuotas,
  S3BucketNameSchema,
  validate,
} from '@bedrock-batch/schema';
import * as z from 'zod';
import {
  checkDatasetLine,
  type DatasetRecordLine,
  type DatasetVersions,
  linePlace,
  listDatasetObjects,
  readDatasetLines,
  readDatasetRecords,
} from './dataset-records.js';
import { ConfigurationError, InvalidInputError } from './errors.js';
import { defaultLogger } from './handler-deps.js';
import { type ObjectWriter, openObjectWriter } from './object-writer.js';
import { RecordIdIndex } from './record-id-index.js';

/** What {@link prepareDataset} prepares. */
interface PrepareDatasetInput {
  /** Bucket of the dataset. */
  readonly inputBucket: string;
  /** The fragment input's `dataset_keys`: object keys, or prefixes ending in `/`. */
  readonly datasetKeys: readonly string[];
  /** Bucket the manifests are written to. */
  readonly outputBucket: string;
  /** Prefix of this execution's work in `outputBucket`, ending in `/`; manifests go under `manifests/`. */
  readonly workPrefix: string;
  /** The fragment input's `records_per_job`: jobs of this size (see `planJobs`). */
  readonly recordsPerJob?: number;
  /** Quotas that differ from `DEFAULT_BATCH_QUOTAS` for the model. */
  readonly quotas?: Partial<BatchQuotas>;
  /**
   * A dataset with fewer records than `minRecordsPerJob` (but at least one) gets one manifest and
   * the plan `mode: "on_demand"`, to be answered through the runtime API, instead of an error.
   * @default false
   */
  readonly onDemandBelowMinimum?: boolean;
}

/** What {@link prepareDataset} needs. */
interface PrepareDatasetDeps {
  /** Reads the dataset and writes the manifests. */
  readonly s3: S3Client;
  /** Counts and keys only are logged, never record contents. */
  readonly logger?: Logger;
}

const PrepareDatasetInputSchema = z
  .strictObject({
    inputBucket: S3BucketNameSchema,
    datasetKeys: z.array(ManifestKeySchema).min(1, 'must list at least one object or prefix'),
    outputBucket: S3BucketNameSchema,
    workPrefix: ManifestKeySchema.regex(/\/$/, 'must end with "/"'),
    recordsPerJob: z.number().int().positive().optional(),
    quotas: z.record(z.string(), z.unknown()).optional(),
    onDemandBelowMinimum: z.boolean().optional(),
  })
  .meta({ title: 'PrepareDatasetInput' });

const FIELD_NAMES: Record<string, string> = {
  datasetKeys: 'dataset_keys',
  recordsPerJob: 'records_per_job',
};

/** Bytes of each uploaded part (S3's minimum). */
const PART_SIZE = 5 * 1024 * 1024;
const OPEN_BRACE = 0x7b;
/** Parts uploaded at the same time. */
const QUEUE_SIZE = 4;

/** What pass 1 learns: counts, sizes and candidate duplicates. */
interface DatasetScan {
  readonly keys: readonly string[];
  /** The ETag of each object when pass 1 read it. */
  readonly versions: DatasetVersions;
  readonly total: number;
  readonly sizes: Uint32Array;
  /** 1 for a record whose manifest line is its dataset line (pass 2 copies it unread). */
  readonly copied: Uint8Array;
  readonly candidates: readonly Candidate[];
}

/** Two records whose ids share a hash. */
interface Candidate {
  readonly first: number;
  readonly second: DatasetRecordLine;
}

function parseInput(input: PrepareDatasetInput): PrepareDatasetInput {
  try {
    return validate(PrepareDatasetInputSchema, input, {
      fieldName: (path) => {
        const [head = '', ...rest] = path.split(/(?=[.[])/);
        const renamed = FIELD_NAMES[head];
        return renamed === undefined ? undefined : `${renamed}${rest.join('')}`;
      },
    }) as PrepareDatasetInput;
  } catch (error) {
    if (error instanceof ContractValidationError) {
      throw new InvalidInputError(error.message, { cause: error });
    }
    throw error;
  }
}

function resolveQuotas(overrides: Partial<BatchQuotas> | undefined): BatchQuotas {
  try {
    return resolveBatchQuotas(overrides);
  } catch (error) {
    if (error instanceof ContractValidationError) {
      throw new ConfigurationError(`quotas: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function describeId(record: DatasetRecordLine, bucket: string): string {
  const place = linePlace(bucket, record.key, record.line);
  return record.generated ? `${place} (its generated id)` : place;
}

/** Pass 1: checks every record, counts them, keeps their sizes and candidate duplicates. */
async function scanDataset(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  maxFileBytes: number,
): Promise<DatasetScan> {
  const ids = new RecordIdIndex();
  const candidates: Candidate[] = [];
  let sizes = new Uint32Array(1024);
  let copied = new Uint8Array(1024);
  let total = 0;
  const versions: DatasetVersions = new Map();
  for await (const records of readDatasetRecords(s3, bucket, keys, versions)) {
    for (const record of records) {
      const bytes = record.manifestBytes;
      if (bytes > maxFileBytes) {
        throw new InvalidInputError(
          `${linePlace(bucket, record.key, record.line)}: the record takes ${bytes} bytes in a manifest, more than the ${maxFileBytes} bytes a batch input file may hold (maxInputFileSizeBytes)`,
        );
      }
      if (total === sizes.length) {
        const larger = new Uint32Array(sizes.length * 2);
        larger.set(sizes);
        sizes = larger;
        const flags = new Uint8Array(copied.length * 2);
        flags.set(copied);
        copied = flags;
      }
      sizes[total] = bytes;
      copied[total] = record.lineIsManifest ? 1 : 0;
      const first = ids.add(record.recordId, record.position);
      if (first !== undefined) candidates.push({ first, second: withoutBytes(record) });
      total++;
    }
  }
  return {
    keys,
    versions,
    total,
    sizes: sizes.subarray(0, total),
    copied: copied.subarray(0, total),
    candidates,
  };
}

/**
 * Confirms candidate duplicates by reading the dataset again up to the last first position:
 * throws for the earliest pair of equal ids, ignores hash collisions of different ids.
 */
async function confirmDuplicates(s3: S3Client, bucket: string, scan: DatasetScan): Promise<void> {
  if (scan.candidates.length === 0) return;
  const byFirst = new Map<number, Candidate[]>();
  for (const candidate of scan.candidates) {
    byFirst.set(candidate.first, [...(byFirst.get(candidate.first) ?? []), candidate]);
  }
  const duplicates: Array<[DatasetRecordLine, DatasetRecordLine]> = [];
  // Seconds that collided with the same first record may still equal each other.
  const seconds = new Map<string, DatasetRecordLine>();
  for (const { second } of scan.candidates) {
    const earlier = seconds.get(second.recordId);
    if (earlier === undefined) seconds.set(second.recordId, second);
    else duplicates.push([earlier, second]);
  }
  const last = Math.max(...byFirst.keys());
  reading: for await (const records of readDatasetRecords(s3, bucket, scan.keys, scan.versions)) {
    for (const record of records) {
      for (const { second } of byFirst.get(record.position) ?? []) {
        if (second.recordId === record.recordId) duplicates.push([withoutBytes(record), second]);
      }
      if (record.position >= last) break reading;
    }
  }
  if (duplicates.length === 0) return;
  duplicates.sort((a, b) => a[1].position - b[1].position || a[0].position - b[0].position);
  const [first, second] = duplicates[0] as [DatasetRecordLine, DatasetRecordLine];
  throw new InvalidInputError(
    `recordId ${JSON.stringify(second.recordId)} is used twice: at ${describeId(first, bucket)} and at ${describeId(second, bucket)}`,
  );
}

function manifestKey(workPrefix: string, index: number): string {
  return `${workPrefix}manifests/part-${String(index).padStart(5, '0')}.jsonl`;
}

/** A record as candidates keep it: without its view of the dataset's bytes. */
function withoutBytes(record: DatasetRecordLine): DatasetRecordLine {
  const { modelInputJson: _bytes, manifestLine: _line, ...rest } = record;
  return rest;
}

/** Streams one manifest to S3 as a multipart upload (one PutObject when it is small). */
class ManifestWriter {
  private readonly writer: ObjectWriter;

  public constructor(s3: S3Client, bucket: string, key: string) {
    this.writer = openObjectWriter(s3, bucket, key, { partSize: PART_SIZE, queueSize: QUEUE_SIZE });
  }

  /** Appends a record's manifest line (copied: the record's bytes may be reused). */
  public add(record: DatasetRecordLine): void {
    const { modelInputJson } = record;
    if (modelInputJson !== undefined) {
      this.writer.add(`{"recordId":${JSON.stringify(record.recordId)},"modelInput":`);
      this.writer.addBytes(modelInputJson);
      this.writer.add('}\n');
    } else {
      this.writer.add(record.manifestLine ?? '');
    }
  }

  /** Appends a line of `bytes` and a `\n` (copied). */
  public addLine(bytes: Buffer, start: number, end: number): void {
    this.writer.addLine(bytes.subarray(start, end));
  }

  /** Waits while the upload holds as many parts as it may (backpressure). */
  public async flushIfFull(): Promise<void> {
    if (this.writer.isFull()) await this.writer.flush();
  }

  public async end(): Promise<void> {
    await this.writer.finish();
  }

  /** Gives up the manifest: no object is created. */
  public async abort(reason: Error): Promise<void> {
    await this.writer.abort(reason);
  }
}

/** Pass 2: writes each job's manifest, checking that the dataset did not change since pass 1. */
async function writeManifests(
  s3: S3Client,
  input: PrepareDatasetInput,
  scan: DatasetScan,
  plan: DatasetPlan['manifests'],
): Promise<void> {
  let job = 0;
  let writer: ManifestWriter | undefined;
  let written = 0;
  let manifestBytes = 0;
  const changed = (what: string) =>
    new Error(`The dataset changed while it was being prepared (${what}); run the execution again`);
  let position = 0;
  const { sizes, copied } = scan;
  try {
    for await (const { key, batch } of readDatasetLines(
      s3,
      input.inputBucket,
      scan.keys,
      scan.versions,
    )) {
      const { bytes, starts, ends, firstNumber } = batch;
      for (let index = 0; index < starts.length; index++) {
        const start = starts[index] as number;
        const end = ends[index] as number;
        const manifest = plan[job];
        let lineBytes: number;
        if (
          copied[position] === 1 &&
          bytes[start] === OPEN_BRACE &&
          sizes[position] === end - start + 1
        ) {
          // Pass 1 read this very line (same object version, same size): its manifest line is it.
          if (manifest === undefined) throw changed(`more than ${scan.total} records`);
          writer ??= new ManifestWriter(s3, input.outputBucket, manifest.key);
          writer.addLine(bytes, start, end);
          lineBytes = end - start + 1;
        } else {
          const place = { bucket: input.inputBucket, key, line: firstNumber + index };
          const record = checkDatasetLine(bytes, start, end, place, position);
          if (record === undefined) continue;
          if (manifest === undefined) throw changed(`more than ${scan.total} records`);
          writer ??= new ManifestWriter(s3, input.outputBucket, manifest.key);
          writer.add(record);
          lineBytes = record.manifestBytes;
        }
        position++;
        written++;
        manifestBytes += lineBytes;
        if (written === manifest.record_count) {
          await writer.end();
          if (manifestBytes !== manifest.bytes)
            throw changed(`${manifest.key} has ${manifestBytes} bytes, not ${manifest.bytes}`);
          writer = undefined;
          written = 0;
          manifestBytes = 0;
          job++;
        }
      }
      // Once per batch: waits while the upload cannot take more.
      await writer?.flushIfFull();
    }
  } catch (error) {
    // A manifest left half written is not created (its multipart upload is removed).
    await writer?.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (job !== plan.length) {
    await writer?.end();
    throw changed(`fewer than ${scan.total} records`);
  }
}

/**
 * Prepares a dataset for batch inference: checks every record, gives ids to records without one
 * (`generatedRecordId` of their position), splits the dataset into jobs (`planJobs`: balanced, or
 * `recordsPerJob` each) and writes one manifest per job, `<workPrefix>manifests/part-00000.jsonl`
 * and on, in dataset order. Each manifest line is `{"recordId", "modelInput"}` (other fields of the
 * record are left out; `modelInput` is unchanged).
 *
 * - Objects: each key of `datasetKeys`, and every `.jsonl` object under each prefix (ending in
 *   `/`), in key order. Blank lines are ignored and not counted.
 * - Limits: a job holds at most `min(maxRecordsPerJob, maxRecordsPerFile)` records (one file per
 *   job) and at most `min(maxInputFileSizeBytes, maxJobSizeBytes)` bytes.
 * - Memory: the dataset is streamed, never held (see the file's opening comment).
 *
 * @param input - the dataset and where to write its manifests
 * @param deps - the S3 client, and a logger
 * @returns the plan: bucket, work prefix, record count and the manifests with their ranges
 * @throws InvalidInputError (`BedrockBatch.InvalidInput`) before anything is written, naming
 *   `s3://bucket/key`, the line and the problem: a line that is not a JSON object with a
 *   `modelInput` object, a bad `recordId`, an id used twice (both places), a record over the file
 *   size limit, fewer records than a job's minimum, `recordsPerJob` outside the bounds, a job over
 *   the byte limit, a missing object or a prefix with no `.jsonl` object
 * @throws ConfigurationError when `quotas` are not positive integers with min <= max
 *
 * @example
 * ```ts
 * const plan = await prepareDataset(
 *   { inputBucket: 'data', datasetKeys: ['reviews/'], outputBucket: 'work', workPrefix: 'runs/exec-1/' },
 *   { s3: new S3Client({}) },
 * );
 * // plan.manifests[0]: { key: 'runs/exec-1/manifests/part-00000.jsonl', first_record: 0, record_count: 1625, bytes: ... }
 * ```
 */
async function prepareDataset(
  input: PrepareDatasetInput,
  deps: PrepareDatasetDeps,
): Promise<DatasetPlan> {
  const logger = deps.logger ?? defaultLogger();
  const checked = parseInput(input);
  const quotas = resolveQuotas(input.quotas);
  const maxRecords = Math.min(quotas.maxRecordsPerJob, quotas.maxRecordsPerFile);
  const maxBytes = Math.min(quotas.maxInputFileSizeBytes, quotas.maxJobSizeBytes);
  const { s3 } = deps;

  const keys = await listDatasetObjects(s3, checked.inputBucket, checked.datasetKeys);
  const scan = await scanDataset(s3, checked.inputBucket, keys, quotas.maxInputFileSizeBytes);
  await confirmDuplicates(s3, checked.inputBucket, scan);

  const onDemand =
    checked.onDemandBelowMinimum === true && scan.total > 0 && scan.total < quotas.minRecordsPerJob;
  let counts: number[];
  try {
    counts = onDemand
      ? [scan.total]
      : planJobs(
          scan.total,
          { minRecordsPerJob: quotas.minRecordsPerJob, maxRecordsPerJob: maxRecords },
          checked.recordsPerJob,
        );
  } catch (error) {
    if (error instanceof DatasetPlanError) {
      throw new InvalidInputError(`dataset_keys: ${error.message}`, { cause: error });
    }
    throw error;
  }

  const manifests: DatasetPlan['manifests'] = [];
  let first = 0;
  for (const [index, count] of counts.entries()) {
    let bytes = 0;
    for (let position = first; position < first + count; position++) {
      bytes += scan.sizes[position] as number;
    }
    if (bytes > maxBytes) {
      throw new InvalidInputError(
        `job ${index} (records ${first} to ${first + count - 1}) would take ${bytes} bytes, more than the ${maxBytes} bytes a batch job's input may hold (maxInputFileSizeBytes, maxJobSizeBytes); choose a smaller records_per_job`,
      );
    }
    manifests.push({
      key: manifestKey(checked.workPrefix, index),
      first_record: first,
      record_count: count,
      bytes,
    });
    first += count;
  }

  await writeManifests(s3, checked, scan, manifests);
  logger.info('Dataset prepared', {
    inputBucket: checked.inputBucket,
    objects: keys.length,
    records: scan.total,
    jobs: manifests.length,
    mode: onDemand ? 'on_demand' : 'batch',
    outputBucket: checked.outputBucket,
    workPrefix: checked.workPrefix,
  });
  return {
    bucket: checked.outputBucket,
    work_prefix: checked.workPrefix,
    total_records: scan.total,
    mode: onDemand ? 'on_demand' : 'batch',
    manifests,
  };
}

export type { PrepareDatasetDeps, PrepareDatasetInput };
export { prepareDataset };
