import type { Logger } from '@aws-lambda-powertools/logger';
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import {
  type AnswerMode,
  type BatchJobResult,
  CollectResultsPayloadSchema,
  ContractValidationError,
  type DatasetResult,
  RECORD_NOT_RETURNED,
  validate,
} from '@bedrock-batch/schema';
import { InvalidInputError } from './errors.js';
import { defaultLogger } from './handler-deps.js';
import {
  type ErrorAnswer,
  isModelOutput,
  loadJobAnswers,
  resultLineEnd,
} from './job-output-records.js';
import { objectLineBatches } from './object-lines.js';
import { openObjectWriter } from './object-writer.js';

/** Name of the merged results object under the work prefix. */
const RESULTS_FILE_NAME = 'results.jsonl';

/** Longest failure cause copied into a record's `errorMessage`. */
const MAX_CAUSE_LENGTH = 300;

/** One job of a dataset: its manifest and how it ended. */
interface CollectJob {
  /** The manifest the job ran, in the input bucket `bucket`. */
  readonly manifestKey: string;
  /** The job's result, when it ended `Completed` or `PartiallyCompleted`. */
  readonly result?: BatchJobResult;
  /** Why the job produced no result (the `Error` and `Cause` Step Functions gives). */
  readonly failure?: { readonly error: string; readonly cause: string };
  /**
   * For a manifest answered on demand instead of by a job: the folder of the `.jsonl.out` parts
   * the on-demand calls wrote, and the tokens they used.
   */
  readonly onDemand?: {
    readonly outputPrefix: string;
    readonly tokens: { readonly input: number; readonly output: number };
  };
}

/** Input of {@link collectResults}. */
interface CollectResultsInput {
  /** The bucket of the manifests and of `results.jsonl`. */
  readonly bucket: string;
  /** The execution's work prefix; `results.jsonl` is written right under it. */
  readonly workPrefix: string;
  /** Every job of the dataset, in dataset order (the order of the manifests). */
  readonly jobs: readonly CollectJob[];
}

/** Dependencies of {@link collectResults}. */
interface CollectResultsDeps {
  /** The S3 client that reads the manifests and outputs and writes `results.jsonl`. */
  readonly s3: S3Client;
  /**
   * Where warnings go. Record contents are never logged.
   * @default a shared Powertools Logger
   */
  readonly logger?: Logger;
}

function parseInput(input: unknown): CollectResultsInput {
  try {
    return validate(CollectResultsPayloadSchema, input);
  } catch (error) {
    if (error instanceof ContractValidationError) {
      throw new InvalidInputError(error.message, { cause: error });
    }
    throw error;
  }
}

function shorten(text: string): string {
  return text.length <= MAX_CAUSE_LENGTH ? text : `${text.slice(0, MAX_CAUSE_LENGTH - 1)}…`;
}

/** Why the records of this job that have no answer have none. */
function notReturnedMessage(job: CollectJob): string {
  if (job.onDemand !== undefined) {
    return `the on-demand calls for manifest ${job.manifestKey} wrote no answer for this record`;
  }
  if (job.result === undefined) {
    const failure = job.failure ?? { error: 'unknown', cause: '' };
    const cause = failure.cause === '' ? '' : `: ${shorten(failure.cause)}`;
    return `the job of manifest ${job.manifestKey} ended with ${failure.error}${cause}; it returned no record`;
  }
  return `job ${job.result.job_name} (manifest ${job.manifestKey}) ended ${job.result.status} and its output has no line for this record`;
}

/** Counters of one answer mode, all zero. */
function emptyModeCounts() {
  return { records: 0, success: 0, error: 0, input_tokens: 0, output_tokens: 0 };
}

/** The `.jsonl.out` keys under an on-demand run's output folder, in key order. */
async function onDemandOutputKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2(
    { client: s3 },
    { Bucket: bucket, Prefix: prefix },
  )) {
    for (const object of page.Contents ?? []) {
      if (object.Key?.endsWith('.jsonl.out')) keys.push(object.Key);
    }
  }
  return keys.sort();
}

/** A job's answers: its output (batch), the on-demand parts, or none (a job that failed). */
async function answersOf(
  s3: S3Client,
  bucket: string,
  job: CollectJob,
  logger: Logger,
): Promise<{ answers: Map<string, Buffer | ErrorAnswer> }> {
  if (job.onDemand !== undefined) {
    const keys = await onDemandOutputKeys(s3, bucket, job.onDemand.outputPrefix);
    return loadJobAnswers(s3, { bucket, keys, job_name: 'on-demand' }, logger, 'on_demand');
  }
  if (job.result !== undefined) return loadJobAnswers(s3, job.result, logger, 'batch');
  return { answers: new Map() };
}

/** How preparation starts a manifest line: the id first. */
const ID_FIRST = '{"recordId":"';

const ID_FIRST_BYTES = Buffer.from(ID_FIRST, 'latin1');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** {@link recordIdOf}'s fast path on the line's bytes, without decoding the line. */
function plainRecordIdOf(bytes: Buffer, start: number, end: number): string | undefined {
  const idStart = start + ID_FIRST_BYTES.length;
  if (
    end <= idStart ||
    bytes.compare(ID_FIRST_BYTES, 0, ID_FIRST_BYTES.length, start, idStart) !== 0
  ) {
    return undefined;
  }
  let at = idStart;
  while (at < end && bytes[at] !== QUOTE) {
    if (bytes[at] === BACKSLASH) return undefined;
    at++;
  }
  if (at === idStart || at >= end || bytes[at + 1] !== COMMA || at + 1 >= end) return undefined;
  return bytes.toString('utf8', idStart, at);
}

function recordIdOf(text: string, location: string, line: number): string {
  // Fast path for the lines preparation writes: `{"recordId":"<id without escapes>",...`.
  if (text.startsWith(ID_FIRST)) {
    const end = text.indexOf('"', ID_FIRST.length);
    const id = text.slice(ID_FIRST.length, end);
    if (end > ID_FIRST.length && text[end + 1] === ',' && !id.includes('\\')) return id;
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${location} line ${line}: is not JSON`);
  }
  const recordId = (record as { recordId?: unknown } | null)?.recordId;
  if (typeof recordId !== 'string' || recordId === '') {
    throw new InvalidInputError(
      `${location} line ${line}: recordId must be a non-empty string (received: ${JSON.stringify(recordId) ?? 'undefined'})`,
    );
  }
  return recordId;
}

/** The record ids of a manifest, in order (blank lines skipped). */
async function manifestRecordIds(
  s3: S3Client,
  bucket: string,
  key: string,
  location: string,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const { bytes, starts, ends, firstNumber } of objectLineBatches(s3, bucket, key)) {
    for (let index = 0; index < starts.length; index++) {
      const start = starts[index] as number;
      const end = ends[index] as number;
      const id = plainRecordIdOf(bytes, start, end);
      if (id !== undefined) {
        ids.push(id);
        continue;
      }
      const text = bytes.toString('utf8', start, end);
      if (text.trim() === '') continue;
      ids.push(recordIdOf(text, location, firstNumber + index));
    }
  }
  return ids;
}

/**
 * Merges the outputs of a dataset's jobs into one `results.jsonl` under the work prefix: one
 * line per dataset record, in dataset order (manifest order, then line order), each
 * `{"recordId", "modelOutput"}` or `{"recordId", "error": {"errorCode", "errorMessage"}}` as
 * Bedrock wrote it. A record no job returned (its job failed, stopped or expired, or the output
 * has no line for it) gets the error code `BedrockBatch.RecordNotReturned` and a message naming
 * the job and why.
 *
 * It works job by job, because each manifest holds a contiguous range of the dataset: it reads
 * one job's manifest (its record ids) and output lines (in any order, by `recordId`) at the same
 * time, then writes the job's records in manifest order through a multipart upload. Memory holds
 * one job's ids and answers, never the dataset. An output line whose `recordId` is not in its job's manifest is logged and
 * ignored.
 *
 * @param input - the bucket, the work prefix and every job in dataset order
 * @param deps - the S3 client and a logger
 * @returns the dataset's result (`DatasetResult` of `@bedrock-batch/schema`): the location of
 *   `results.jsonl`, the record and token counts and the job results
 * @throws InvalidInputError when the input or a manifest line is invalid (naming the field or the
 *   object and line)
 * @throws AccessDeniedError when S3 denies a read
 *
 * @example
 * ```ts
 * const result = await collectResults(
 *   {
 *     bucket: 'my-output-bucket',
 *     workPrefix: 'bedrock-batch-work/exec-1/',
 *     jobs: [
 *       { manifestKey: 'bedrock-batch-work/exec-1/manifests/part-00000.jsonl', result: jobResult },
 *       { manifestKey: 'bedrock-batch-work/exec-1/manifests/part-00001.jsonl', failure: { error: 'Expired', cause: '...' } },
 *     ],
 *   },
 *   { s3: new S3Client({}) },
 * );
 * console.log(result.results_key, result.record_counts); // bedrock-batch-work/exec-1/results.jsonl
 * ```
 */
async function collectResults(
  input: CollectResultsInput,
  deps: CollectResultsDeps,
): Promise<DatasetResult> {
  const { bucket, workPrefix, jobs } = parseInput(input);
  const logger = deps.logger ?? defaultLogger();
  const resultsKey = `${workPrefix}${RESULTS_FILE_NAME}`;
  const counts = { total: 0, success: 0, error: 0 };
  const tokens = { input: 0, output: 0 };
  const modes = { batch: emptyModeCounts(), on_demand: emptyModeCounts() };
  const writer = openObjectWriter(deps.s3, bucket, resultsKey);
  try {
    for (const job of jobs) {
      const location = `s3://${bucket}/${job.manifestKey}`;
      const mode: AnswerMode = job.onDemand === undefined ? 'batch' : 'on_demand';
      const counted = modes[mode];
      // The job's ids (small) and its answers are read at the same time.
      const [recordIds, answers] = await Promise.all([
        manifestRecordIds(deps.s3, bucket, job.manifestKey, location),
        answersOf(deps.s3, bucket, job, logger).then((loaded) => loaded.answers),
      ]);
      const jobTokens = job.onDemand?.tokens ?? job.result?.token_counts;
      tokens.input += jobTokens?.input ?? 0;
      tokens.output += jobTokens?.output ?? 0;
      counted.input_tokens += jobTokens?.input ?? 0;
      counted.output_tokens += jobTokens?.output ?? 0;
      const notReturned = `,"error":${JSON.stringify({
        errorCode: RECORD_NOT_RETURNED,
        errorMessage: notReturnedMessage(job),
      })}${resultLineEnd(mode)}`;
      const before = { ...counts };
      for (const recordId of recordIds) {
        const answer = answers.get(recordId);
        if (answer === undefined) {
          writer.add(`{"recordId":${JSON.stringify(recordId)}${notReturned}`);
          counts.error += 1;
        } else {
          answers.delete(recordId);
          if (isModelOutput(answer)) {
            writer.addBytes(answer);
            counts.success += 1;
          } else {
            writer.addBytes(answer.errorLine);
            counts.error += 1;
          }
        }
        counts.total += 1;
        if (writer.isFull()) await writer.flush();
      }
      counted.records += counts.total - before.total;
      counted.success += counts.success - before.success;
      counted.error += counts.error - before.error;
      if (answers.size > 0) {
        logger.warn('Ignored output lines whose recordId is not in the job manifest', {
          manifestKey: job.manifestKey,
          jobName: job.result?.job_name,
          lines: answers.size,
          firstRecordIds: [...answers.keys()].slice(0, 5),
        });
      }
    }
    await writer.finish();
  } catch (error) {
    await writer.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  return {
    status: counts.error === 0 ? 'Completed' : 'PartiallyCompleted',
    bucket,
    results_key: resultsKey,
    record_counts: counts,
    token_counts: tokens,
    mode_counts: modes,
    jobs: jobs.flatMap((job) => (job.result === undefined ? [] : [job.result])),
  };
}

export type { CollectJob, CollectResultsDeps, CollectResultsInput };
export { collectResults };
