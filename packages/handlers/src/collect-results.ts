import type { Logger } from '@aws-lambda-powertools/logger';
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import {
  type AnswerMode,
  type BatchJobResult,
  type CollectedDataset,
  CollectResultsPayloadSchema,
  ContractValidationError,
  type DatasetRetry,
  type DatasetRound,
  RECORD_NOT_RETURNED,
  retryDatasetKey,
  validate,
} from '@bedrock-batch/schema';
import { DatasetTally } from './dataset-tally.js';
import { InvalidInputError } from './errors.js';
import { defaultLogger } from './handler-deps.js';
import {
  type ErrorAnswer,
  errorLineEnd,
  isModelOutput,
  loadJobAnswers,
} from './job-output-records.js';
import { lineRecordId, plainLineRecordId } from './line-record-id.js';
import { objectLineBatches } from './object-lines.js';
import { openObjectWriter } from './object-writer.js';
import { PreviousResults } from './previous-results.js';
import { classifyRecordError, type RecordError } from './record-error-class.js';
import { RetryRecords } from './retry-records.js';

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
  /**
   * The round (`PreparedDataset.round`): a retry round is merged into the previous
   * `results.jsonl`, and records that failed for a transient reason are written out for the
   * next round while rounds are left.
   * @default one round, no retry
   */
  readonly round?: DatasetRound;
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

/** Whether a record's error (its results line) is worth another attempt. */
function isTransient(answer: ErrorAnswer): boolean {
  const line = JSON.parse(answer.errorLine.toString('utf8')) as { error: RecordError };
  return classifyRecordError(line.error) === 'transient';
}

/** A job's answers: its output (batch), the on-demand parts, or none (a job that failed). */
async function answersOf(
  s3: S3Client,
  bucket: string,
  job: CollectJob,
  logger: Logger,
  attempts: number,
): Promise<{ answers: Map<string, Buffer | ErrorAnswer> }> {
  if (job.onDemand !== undefined) {
    const keys = await onDemandOutputKeys(s3, bucket, job.onDemand.outputPrefix);
    return loadJobAnswers(
      s3,
      { bucket, keys, job_name: 'on-demand' },
      logger,
      'on_demand',
      attempts,
    );
  }
  if (job.result !== undefined) return loadJobAnswers(s3, job.result, logger, 'batch', attempts);
  return { answers: new Map() };
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
      const id = plainLineRecordId(bytes, start, end);
      if (id !== undefined) {
        ids.push(id);
        continue;
      }
      const text = bytes.toString('utf8', start, end);
      if (text.trim() === '') continue;
      ids.push(lineRecordId(text, location, firstNumber + index));
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
 * one job's ids and answers, never the dataset. An output line whose `recordId` is not in its
 * job's manifest is logged and ignored. Every error line carries `attempts`.
 *
 * With `round` (the fragment passes the `PreparedDataset`'s):
 * - a retry round (`round.number` ≥ 1) is merged into the previous `results.jsonl`
 *   (`round.previous`): the lines of the records it did not retry are copied as they are, and
 *   those it retried get their new line, in one pass over both (see {@link PreviousResults});
 *   counts and tokens add to the previous ones;
 * - while rounds are left (`round.number` < `round.max_record_retries`), the manifest lines of the
 *   records whose error is transient (`classifyRecordError`) are written to the next round's
 *   dataset (`retryDatasetKey`), and the result's `retry` asks for that round; a round under the
 *   batch minimum is asked for only when it can run on demand.
 *
 * @param input - the bucket, the work prefix, every job in dataset order, and the round
 * @param deps - the S3 client and a logger
 * @returns the dataset's result (`CollectedDataset` of `@bedrock-batch/schema`): the location of
 *   `results.jsonl`, the record and token counts, the retries made, the job results, and
 *   `retry` when another round is to run
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
): Promise<CollectedDataset> {
  const { bucket, workPrefix, jobs, round } = parseInput(input);
  const logger = deps.logger ?? defaultLogger();
  const number = round?.number ?? 0;
  const attempts = number + 1;
  const previous = round?.previous ?? null;
  const resultsKey = `${workPrefix}${RESULTS_FILE_NAME}`;
  const tally = new DatasetTally(previous);
  const writer = openObjectWriter(deps.s3, bucket, resultsKey);
  const merged =
    previous === null ? undefined : new PreviousResults(deps.s3, bucket, previous.results_key);
  const retry =
    round !== undefined && number < round.max_record_retries
      ? new RetryRecords(
          deps.s3,
          bucket,
          retryDatasetKey(workPrefix, number + 1),
          {
            round: number + 1,
            minRecordsPerJob: round.min_records_per_job,
            onDemandBelowMinimum: round.on_demand_below_minimum,
          },
          logger,
        )
      : undefined;
  let roundRecords = 0;
  let next: DatasetRetry | undefined;
  try {
    for (const job of jobs) {
      const location = `s3://${bucket}/${job.manifestKey}`;
      const mode: AnswerMode = job.onDemand === undefined ? 'batch' : 'on_demand';
      // The job's ids (small) and its answers are read at the same time.
      const [recordIds, answers] = await Promise.all([
        manifestRecordIds(deps.s3, bucket, job.manifestKey, location),
        answersOf(deps.s3, bucket, job, logger, attempts).then((loaded) => loaded.answers),
      ]);
      tally.addTokens(mode, job.onDemand?.tokens ?? job.result?.token_counts);
      const notReturned = `,"error":${JSON.stringify({
        errorCode: RECORD_NOT_RETURNED,
        errorMessage: notReturnedMessage(job),
      })}${errorLineEnd(mode, attempts).toString('latin1')}`;
      const toRetry = new Set<string>();
      for (const recordId of recordIds) {
        if (merged !== undefined) tally.remove(await merged.copyUntil(recordId, writer));
        const answer = answers.get(recordId);
        if (answer === undefined) {
          writer.add(`{"recordId":${JSON.stringify(recordId)}${notReturned}`);
          tally.add(mode, false);
          toRetry.add(recordId);
        } else {
          answers.delete(recordId);
          if (isModelOutput(answer)) {
            writer.addBytes(answer);
            tally.add(mode, true);
          } else {
            writer.addBytes(answer.errorLine);
            tally.add(mode, false);
            if (retry !== undefined && isTransient(answer)) toRetry.add(recordId);
          }
        }
        if (writer.isFull()) await writer.flush();
      }
      roundRecords += recordIds.length;
      if (retry !== undefined) await retry.copyFrom(job.manifestKey, toRetry);
      if (answers.size > 0) {
        logger.warn('Ignored output lines whose recordId is not in the job manifest', {
          manifestKey: job.manifestKey,
          jobName: job.result?.job_name,
          lines: answers.size,
          firstRecordIds: [...answers.keys()].slice(0, 5),
        });
      }
    }
    if (merged !== undefined) await merged.copyRest(writer);
    next = await retry?.finish();
    await writer.finish();
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    await Promise.all([writer.abort(reason), retry?.abort(reason)]);
    throw error;
  }
  const retries = { ...(previous?.retries ?? { rounds: 0, records: 0 }) };
  if (number > 0) {
    retries.rounds += 1;
    retries.records += roundRecords;
  }
  const { counts, tokens, modes } = tally;
  if (next !== undefined) {
    logger.info('Records to retry', { round: next.round, records: next.records });
  }
  return {
    status: counts.error === 0 ? 'Completed' : 'PartiallyCompleted',
    bucket,
    results_key: resultsKey,
    record_counts: counts,
    token_counts: tokens,
    mode_counts: modes,
    retries,
    jobs: [
      ...(previous?.jobs ?? []),
      ...jobs.flatMap((job) => (job.result === undefined ? [] : [job.result])),
    ],
    ...(next === undefined ? {} : { retry: next }),
  };
}

export type { CollectJob, CollectResultsDeps, CollectResultsInput };
export { collectResults };
