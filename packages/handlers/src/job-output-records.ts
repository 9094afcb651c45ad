import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BatchJobResult } from '@bedrock-batch/schema';
import { objectLines } from './object-lines.js';

/** Output-line problems logged one by one per job; the rest are only counted. */
const LOGGED_PROBLEMS = 10;

/** The `error` of an output line, as JSON text. */
interface ErrorAnswer {
  readonly errorJson: string;
}

/**
 * A job's answers by `recordId`: the JSON text of the line's `modelOutput` (a string), or of its
 * `error` (an {@link ErrorAnswer}). Text, not parsed objects, keeps a job's answers small.
 */
type JobAnswers = Map<string, string | ErrorAnswer>;

/** What {@link loadJobAnswers} read. */
interface LoadedAnswers {
  /** The answers by `recordId`. */
  readonly answers: JobAnswers;
  /** Output lines skipped (not JSON, no `recordId`, neither `modelOutput` nor `error`). */
  readonly skippedLines: number;
}

/** Whether an answer (see {@link JobAnswers}) is a `modelOutput`. */
function isModelOutput(answer: string | ErrorAnswer): answer is string {
  return typeof answer === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The answer of one output line, or why the line has none. */
function answerOf(text: string): { recordId: string; answer: string | ErrorAnswer } | string {
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
    return { recordId, answer: JSON.stringify(line.modelOutput) };
  }
  if (isObject(line.error)) {
    return { recordId, answer: { errorJson: JSON.stringify(line.error) } };
  }
  return 'has neither modelOutput nor error';
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
 * const answer = answers.get('REC0000001'); // '{...}' (modelOutput) or { errorJson: '{...}' }
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
    for await (const line of objectLines(s3, result.bucket, key)) {
      if (line.text.trim() === '') continue;
      const parsed = answerOf(line.text);
      if (typeof parsed === 'string') {
        skippedLines += 1;
        if (skippedLines <= LOGGED_PROBLEMS) {
          logger.warn('Skipped an output line that is not a batch output record', {
            jobName: result.job_name,
            object: `s3://${result.bucket}/${key}`,
            line: line.number,
            problem: parsed,
          });
        }
        continue;
      }
      const existing = answers.get(parsed.recordId);
      if (existing === undefined || (!isModelOutput(existing) && isModelOutput(parsed.answer))) {
        answers.set(parsed.recordId, parsed.answer);
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
