import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { generatedRecordId } from '@bedrock-batch/schema';
import { InvalidInputError } from './errors.js';
import { scanLineMembers } from './json-members.js';
import { type LineBatch, readLineBatches, readLines } from './read-lines.js';

/**
 * Reading a dataset (`dataset_keys`): the objects it is made of, and its records one at a time,
 * checked, with their ids. Objects are streamed line by line; nothing holds more than one line.
 */

/** Longest `recordId` Bedrock accepts. */
const MAX_RECORD_ID_LENGTH = 256;
/** Characters of a malformed line an error message shows. */
const SHOWN_LINE_CHARACTERS = 60;

/** One checked record of a dataset, where it is, and its manifest line. */
interface DatasetRecordLine {
  /** 0-based position in the whole dataset (blank lines not counted). */
  readonly position: number;
  /** The object it comes from. */
  readonly key: string;
  /** 1-based line number in that object. */
  readonly line: number;
  /** Its `recordId`, or the generated one. */
  readonly recordId: string;
  /** Whether `recordId` was generated (the record had none). */
  readonly generated: boolean;
  /** Whether the record's manifest line is its line in the dataset (and a `\n`), byte for byte. */
  readonly lineIsManifest: boolean;
  /** Bytes of the record's line in a manifest. */
  readonly manifestBytes: number;
  /**
   * `{"recordId":...,"modelInput":...}` and a newline: the record's line in a manifest, when the
   * record was read with `JSON.parse`; else the line is `{"recordId":<id>,"modelInput":`,
   * `modelInputJson` and `}\n`.
   */
  readonly manifestLine?: string;
  /**
   * The record's `modelInput` as the JSON text `JSON.stringify` gives, UTF-8, copied from the
   * dataset without parsing. A view of the object's bytes: valid until the next batch is read.
   */
  readonly modelInputJson?: Buffer;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN_LINE_CHARACTERS
    ? `${text.slice(0, SHOWN_LINE_CHARACTERS)}… (${text.length} characters)`
    : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where a line is, as error messages name it: `s3://bucket/key line 3`.
 *
 * @example
 * ```ts
 * linePlace('data', 'reviews.jsonl', 3); // 's3://data/reviews.jsonl line 3'
 * ```
 */
function linePlace(bucket: string, key: string, line: number): string {
  return `s3://${bucket}/${key} line ${line}`;
}

/**
 * The objects of a dataset, in order: each key as given, and for each prefix (ending in `/`) every
 * `.jsonl` object under it, in key order (ListObjectsV2, every page).
 *
 * @throws InvalidInputError when a prefix holds no `.jsonl` object or an object is listed twice
 *
 * @example
 * ```ts
 * const keys = await listDatasetObjects(s3, 'data', ['reviews/', 'extra.jsonl']);
 * ```
 */
async function listDatasetObjects(
  s3: S3Client,
  bucket: string,
  datasetKeys: readonly string[],
): Promise<string[]> {
  const keys: string[] = [];
  const seen = new Set<string>();
  const addKey = (key: string, given: string) => {
    if (seen.has(key)) {
      throw new InvalidInputError(
        `dataset_keys: s3://${bucket}/${key} is part of the dataset twice (again through ${JSON.stringify(given)})`,
      );
    }
    seen.add(key);
    keys.push(key);
  };
  for (const given of datasetKeys) {
    if (!given.endsWith('/')) {
      addKey(given, given);
      continue;
    }
    const before = keys.length;
    for await (const page of paginateListObjectsV2(
      { client: s3 },
      { Bucket: bucket, Prefix: given },
    )) {
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith('.jsonl')) addKey(object.Key, given);
      }
    }
    if (keys.length === before) {
      throw new InvalidInputError(
        `dataset_keys: the prefix s3://${bucket}/${given} holds no .jsonl object (received: ${JSON.stringify(given)})`,
      );
    }
  }
  return keys;
}

/**
 * The lines of one object, streamed, with their 1-based numbers (`\n` or `\r\n` line ends).
 *
 * @throws InvalidInputError when the object does not exist
 *
 * @example
 * ```ts
 * for await (const { text, line } of readObjectLines(s3, 'data', 'reviews.jsonl')) console.log(line, text.length);
 * ```
 */
async function* readObjectLines(
  s3: S3Client,
  bucket: string,
  key: string,
): AsyncGenerator<{ readonly text: string; readonly line: number }> {
  for await (const { text, number } of readLines(await openObject(s3, bucket, key))) {
    yield { text, line: number };
  }
}

/**
 * The ETag each object of a dataset had when it was first read: later reads ask for the same
 * version (`IfMatch`), so that a dataset replaced between two reads is noticed.
 */
type DatasetVersions = Map<string, string>;

/** The body of an object of the dataset (the version in `versions`, when it holds the key). */
async function openObject(
  s3: S3Client,
  bucket: string,
  key: string,
  versions?: DatasetVersions,
): Promise<AsyncIterable<Uint8Array>> {
  let body: unknown;
  const expected = versions?.get(key);
  try {
    const response = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(expected === undefined ? {} : { IfMatch: expected }),
      }),
    );
    body = response.Body;
    if (expected === undefined && response.ETag !== undefined) versions?.set(key, response.ETag);
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'NoSuchKey' || name === 'NotFound') {
      throw new InvalidInputError(`dataset_keys: s3://${bucket}/${key} does not exist`, {
        cause: error,
      });
    }
    if (expected !== undefined && name === 'PreconditionFailed') {
      throw new Error(
        `The dataset changed while it was being prepared (s3://${bucket}/${key} was replaced); run the execution again`,
        { cause: error },
      );
    }
    throw error;
  }
  return body as AsyncIterable<Uint8Array>;
}

/**
 * Checks one non-blank dataset line and gives its id and manifest line.
 *
 * @throws InvalidInputError naming the place, the problem and the value received
 */
function checkRecord(
  text: string,
  place: string,
  position: number,
): Omit<DatasetRecordLine, 'key' | 'line' | 'position'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${place}: is not JSON (received: ${showValue(text)})`);
  }
  if (!isPlainObject(parsed)) {
    throw new InvalidInputError(
      `${place}: must be a JSON object (received: ${describeType(parsed)})`,
    );
  }
  const { modelInput, recordId } = parsed;
  if (!isPlainObject(modelInput)) {
    throw new InvalidInputError(
      `${place}: modelInput must be an object (received: ${modelInput === undefined ? 'no modelInput' : describeType(modelInput)})`,
    );
  }
  if (
    recordId !== undefined &&
    (typeof recordId !== 'string' || recordId === '' || recordId.length > MAX_RECORD_ID_LENGTH)
  ) {
    throw new InvalidInputError(
      `${place}: recordId must be a non-empty string of at most ${MAX_RECORD_ID_LENGTH} characters (received: ${showValue(recordId)})`,
    );
  }
  const generated = recordId === undefined;
  const id = generated ? generatedRecordId(position) : recordId;
  const manifestLine = `${JSON.stringify({ recordId: id, modelInput })}\n`;
  return {
    recordId: id,
    generated,
    lineIsManifest: false,
    manifestBytes: Buffer.byteLength(manifestLine),
    manifestLine,
  };
}

const MEMBER_NAMES = ['recordId', 'modelInput'];
/** `modelInput` is copied as text; `recordId` is decoded. */
const COPIED_MEMBERS = [false, true];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** How a manifest line starts when its id needs no escape, up to the id. */
const MANIFEST_HEAD = Buffer.from('{"recordId":"', 'latin1');
/** What comes between such an id and the modelInput. */
const MANIFEST_MIDDLE = Buffer.from('","modelInput":', 'latin1');
/** Bytes of `{"recordId":`, `,"modelInput":` and `}\n`, around the id's JSON and the modelInput. */
const MANIFEST_FRAME_BYTES = 28;

/**
 * Reads a record without `JSON.parse` when its line is plain (see `scanLineMembers`): a string
 * `recordId` without escapes and within the limits, and a `modelInput` object. `undefined` sends
 * the line to {@link checkRecord}, which reads it, or names its problem, as it always did.
 */
function readPlainRecord(
  bytes: Buffer,
  start: number,
  end: number,
  position: number,
): Omit<DatasetRecordLine, 'key' | 'line' | 'position'> | undefined {
  const members = scanLineMembers(bytes, start, end, MEMBER_NAMES, COPIED_MEMBERS);
  if (members === undefined) return undefined;
  const inputStart = members.starts[1] as number;
  const inputEnd = members.ends[1] as number;
  if (inputStart === -1 || bytes[inputStart] !== OPEN_BRACE) return undefined;
  let id: string;
  const generated = members.starts[0] === -1;
  if (generated) {
    id = generatedRecordId(position);
  } else {
    const idStart = (members.starts[0] as number) + 1;
    const idEnd = (members.ends[0] as number) - 1;
    if (bytes[idStart - 1] !== QUOTE) return undefined;
    for (let at = idStart; at < idEnd; at++) if (bytes[at] === BACKSLASH) return undefined;
    id = bytes.toString('utf8', idStart, idEnd);
    if (id === '' || id.length > MAX_RECORD_ID_LENGTH) return undefined;
  }
  const inputBytes = inputEnd - inputStart;
  if (generated) {
    return {
      recordId: id,
      generated,
      lineIsManifest: false,
      manifestBytes: MANIFEST_FRAME_BYTES + Buffer.byteLength(JSON.stringify(id)) + inputBytes,
      modelInputJson: bytes.subarray(inputStart, inputEnd),
    };
  }
  // The id has no escape nor control character: JSON.stringify only adds its quotes.
  const idStart = (members.starts[0] as number) + 1;
  const idEnd = (members.ends[0] as number) - 1;
  return {
    recordId: id,
    generated,
    lineIsManifest:
      idStart === start + MANIFEST_HEAD.length &&
      bytes.compare(MANIFEST_HEAD, 0, MANIFEST_HEAD.length, start, idStart) === 0 &&
      inputStart === idEnd + MANIFEST_MIDDLE.length &&
      bytes.compare(MANIFEST_MIDDLE, 0, MANIFEST_MIDDLE.length, idEnd, inputStart) === 0 &&
      inputEnd === end - 1 &&
      bytes[inputEnd] === CLOSE_BRACE &&
      // Invalid UTF-8 in the id was decoded to U+FFFD: its bytes are not the id's.
      !id.includes('\uFFFD'),
    manifestBytes: MANIFEST_FRAME_BYTES + 2 + Buffer.byteLength(id) + inputBytes,
    modelInputJson: bytes.subarray(inputStart, inputEnd),
  };
}

/**
 * Checks one line of a dataset: its record, or `undefined` for a blank line (white space only).
 *
 * @throws InvalidInputError for a line that is not JSON, not an object, has no `modelInput`
 *   object, or a `recordId` that is not a non-empty string of at most 256 characters
 *
 * @example
 * ```ts
 * const record = checkDatasetLine(batch.bytes, batch.starts[0], batch.ends[0], place, 0);
 * ```
 */
function checkDatasetLine(
  bytes: Buffer,
  start: number,
  end: number,
  place: { readonly bucket: string; readonly key: string; readonly line: number },
  position: number,
): DatasetRecordLine | undefined {
  const { bucket, key, line } = place;
  let record = readPlainRecord(bytes, start, end, position);
  if (record === undefined) {
    const text = bytes.toString('utf8', start, end);
    if (text.trim() === '') return undefined;
    record = checkRecord(text, linePlace(bucket, key, line), position);
  }
  return { ...record, position, key, line };
}

/**
 * The lines of every object of a dataset, in order, a batch (see `readLineBatches`) at a time
 * with the object's key. With `versions`, each object's first read records its ETag and later
 * reads ask for that version.
 *
 * @throws InvalidInputError when an object does not exist
 * @throws Error "The dataset changed while it was being prepared" when an object was replaced
 *
 * @example
 * ```ts
 * for await (const { key, batch } of readDatasetLines(s3, 'data', keys)) count += batch.starts.length;
 * ```
 */
async function* readDatasetLines(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  versions?: DatasetVersions,
): AsyncGenerator<{ readonly key: string; readonly batch: LineBatch }> {
  for (const key of keys) {
    for await (const batch of readLineBatches(await openObject(s3, bucket, key, versions))) {
      yield { key, batch };
    }
  }
}

/**
 * Every record of a dataset, in order, checked, a batch at a time (the records of one chunk of an
 * object): each object of `keys` in turn, line by line, blank lines (white space only) skipped
 * and not counted. A batch is valid until the next is asked for (`modelInputJson` is a view).
 *
 * @throws InvalidInputError at the first line that is not JSON, not an object, has no
 *   `modelInput` object, or a `recordId` that is not a non-empty string of at most 256 characters
 *
 * @example
 * ```ts
 * for await (const records of readDatasetRecords(s3, 'data', keys)) count += records.length;
 * ```
 */
async function* readDatasetRecords(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  versions?: DatasetVersions,
): AsyncGenerator<DatasetRecordLine[]> {
  let position = 0;
  for await (const { key, batch } of readDatasetLines(s3, bucket, keys, versions)) {
    const records: DatasetRecordLine[] = [];
    const { bytes, starts, ends, firstNumber } = batch;
    for (let index = 0; index < starts.length; index++) {
      const place = { bucket, key, line: firstNumber + index };
      const record = checkDatasetLine(
        bytes,
        starts[index] as number,
        ends[index] as number,
        place,
        position,
      );
      if (record === undefined) continue;
      records.push(record);
      position++;
    }
    if (records.length > 0) yield records;
  }
}

export type { DatasetRecordLine, DatasetVersions };
export {
  checkDatasetLine,
  linePlace,
  listDatasetObjects,
  readDatasetLines,
  readDatasetRecords,
  readObjectLines,
};
