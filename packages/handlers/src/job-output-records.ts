import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BatchJobResult } from '@bedrock-batch/schema';
import { scanLineMembers } from './json-members.js';
import { objectLineBatches } from './object-lines.js';

/** Output-line problems logged one by one per job; the rest are only counted. */
const LOGGED_PROBLEMS = 10;

/** The `error` of an output line, as JSON text (UTF-8). */
interface ErrorAnswer {
  readonly errorJson: Buffer;
}

/**
 * A job's answers by `recordId`: the JSON text (UTF-8 bytes) of the line's `modelOutput` (a
 * `Buffer`), or of its `error` (an {@link ErrorAnswer}). Bytes, not parsed objects nor strings,
 * keep a job's answers small and off the JavaScript heap, and are written out as they are.
 */
type JobAnswers = Map<string, Buffer | ErrorAnswer>;

/** What {@link loadJobAnswers} read. */
interface LoadedAnswers {
  /** The answers by `recordId`. */
  readonly answers: JobAnswers;
  /** Output lines skipped (not JSON, no `recordId`, neither `modelOutput` nor `error`). */
  readonly skippedLines: number;
}

/** Whether an answer (see {@link JobAnswers}) is a `modelOutput`. */
function isModelOutput(answer: Buffer | ErrorAnswer): answer is Buffer {
  return Buffer.isBuffer(answer);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The answer of one output line, or why the line has none. */
function answerOf(text: string): { recordId: string; answer: Buffer | ErrorAnswer } | string {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (!isObject(line)) return 'is not a JSON object';
  const recordId = line.recordId;
  if (typeof recordId !== 'string' || recordId === '') return 'has no recordId';
  if (isObject(line.modelOutput)) {
    return { recordId, answer: Buffer.from(JSON.stringify(line.modelOutput), 'utf8') };
  }
  if (isObject(line.error)) {
    return { recordId, answer: { errorJson: Buffer.from(JSON.stringify(line.error), 'utf8') } };
  }
  return 'has neither modelOutput nor error';
}

const MEMBER_NAMES = ['recordId', 'modelOutput', 'error'];
/** `modelOutput` and `error` are copied as text; `recordId` is decoded. */
const COPIED_MEMBERS = [false, true, true];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;

/** A copy of `bytes[start, end)` that does not keep the chunk it comes from alive. */
function copyOf(bytes: Buffer, start: number, end: number): Buffer {
  const copy = Buffer.allocUnsafe(end - start);
  bytes.copy(copy, 0, start, end);
  return copy;
}

/**
 * The answer of a plain output line, read without `JSON.parse` (see `scanLineMembers`): a
 * `recordId` string without escapes, and a `modelOutput` object or (without `modelOutput`) an
 * `error` object. `undefined` sends the line to {@link answerOf}.
 */
function plainAnswerOf(
  bytes: Buffer,
  start: number,
  end: number,
): { recordId: string; answer: Buffer | ErrorAnswer } | undefined {
  const members = scanLineMembers(bytes, start, end, MEMBER_NAMES, COPIED_MEMBERS);
  if (members === undefined) return undefined;
  const idStart = (members.starts[0] as number) + 1;
  const idEnd = (members.ends[0] as number) - 1;
  if (idStart === 0 || bytes[idStart - 1] !== QUOTE || idEnd <= idStart) return undefined;
  for (let at = idStart; at < idEnd; at++) if (bytes[at] === BACKSLASH) return undefined;
  const recordId = bytes.toString('utf8', idStart, idEnd);
  const output = members.starts[1] as number;
  if (output !== -1) {
    if (bytes[output] !== OPEN_BRACE) return undefined;
    return { recordId, answer: copyOf(bytes, output, members.ends[1] as number) };
  }
  const error = members.starts[2] as number;
  if (error === -1 || bytes[error] !== OPEN_BRACE) return undefined;
  return { recordId, answer: { errorJson: copyOf(bytes, error, members.ends[2] as number) } };
}

/**
 * Reads every `.jsonl.out` object of a finished job into a map from `recordId` to the answer's
 * JSON text. Output lines come in no particular order; a line that is not a valid output record
 * is logged (object, line number, problem; never its content) and skipped. When two lines share
 * a `recordId`, a `modelOutput` wins over an `error`, else the first line wins. Memory: one job's
 * answers, without their `modelInput`.
 *
 * @param s3 - the S3 client
 * @param result - the job's result (its `bucket` and `keys`)
 * @param logger - where problems are logged
 * @returns the answers and the number of skipped lines
 *
 * @example
 * ```ts
 * const { answers } = await loadJobAnswers(s3, jobResult, logger);
 * const answer = answers.get('REC0000001'); // Buffer '{...}' (modelOutput) or { errorJson: Buffer }
 * ```
 */
async function loadJobAnswers(
  s3: S3Client,
  result: BatchJobResult,
  logger: Logger,
): Promise<LoadedAnswers> {
  const answers: JobAnswers = new Map();
  let skippedLines = 0;
  for (const key of result.keys) {
    for await (const { bytes, starts, ends, firstNumber } of objectLineBatches(
      s3,
      result.bucket,
      key,
    )) {
      for (let index = 0; index < starts.length; index++) {
        const start = starts[index] as number;
        const end = ends[index] as number;
        let parsed = plainAnswerOf(bytes, start, end);
        if (parsed === undefined) {
          const text = bytes.toString('utf8', start, end);
          if (text.trim() === '') continue;
          const slow = answerOf(text);
          if (typeof slow === 'string') {
            skippedLines += 1;
            if (skippedLines <= LOGGED_PROBLEMS) {
              logger.warn('Skipped an output line that is not a batch output record', {
                jobName: result.job_name,
                object: `s3://${result.bucket}/${key}`,
                line: firstNumber + index,
                problem: slow,
              });
            }
            continue;
          }
          parsed = slow;
        }
        const existing = answers.get(parsed.recordId);
        if (existing === undefined || (!isModelOutput(existing) && isModelOutput(parsed.answer))) {
          answers.set(parsed.recordId, parsed.answer);
        }
      }
    }
  }
  if (skippedLines > LOGGED_PROBLEMS) {
    logger.warn('Skipped more output lines than were logged', {
      jobName: result.job_name,
      skippedLines,
      logged: LOGGED_PROBLEMS,
    });
  }
  return { answers, skippedLines };
}

export type { ErrorAnswer, JobAnswers, LoadedAnswers };
export { isModelOutput, loadJobAnswers };
