import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { generatedRecordId } from '@bedrock-batch/schema';
import { InvalidInputError } from './errors.js';
import { readLines } from './read-lines.js';

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
  /** `{"recordId":...,"modelInput":...}` and a newline: the record's line in a manifest. */
  readonly manifestLine: string;
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
  let body: unknown;
  try {
    body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body;
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'NoSuchKey' || name === 'NotFound') {
      throw new InvalidInputError(`dataset_keys: s3://${bucket}/${key} does not exist`, {
        cause: error,
      });
    }
    throw error;
  }
  for await (const { text, number } of readLines(body as AsyncIterable<Uint8Array>)) {
    yield { text, line: number };
  }
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
  return {
    recordId: id,
    generated,
    manifestLine: `${JSON.stringify({ recordId: id, modelInput })}\n`,
  };
}

/**
 * Every record of a dataset, in order, checked: each object of `keys` in turn, line by line, blank
 * lines (white space only) skipped and not counted.
 *
 * @throws InvalidInputError at the first line that is not JSON, not an object, has no
 *   `modelInput` object, or a `recordId` that is not a non-empty string of at most 256 characters
 *
 * @example
 * ```ts
 * for await (const record of readDatasetRecords(s3, 'data', keys)) count++;
 * ```
 */
async function* readDatasetRecords(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
): AsyncGenerator<DatasetRecordLine> {
  let position = 0;
  for (const key of keys) {
    for await (const { text, line } of readObjectLines(s3, bucket, key)) {
      if (text.trim() === '') continue;
      const record = checkRecord(text, linePlace(bucket, key, line), position);
      yield { ...record, position, key, line };
      position++;
    }
  }
}

export type { DatasetRecordLine };
export { linePlace, listDatasetObjects, readDatasetRecords, readObjectLines };
