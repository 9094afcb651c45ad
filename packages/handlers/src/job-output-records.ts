import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AnswerMode, BatchJobResult } from '@bedrock-batch/schema';
import { scanLineMembers } from './json-members.js';
import { objectLineBatches } from './object-lines.js';

/** Output-line problems logged one by one per job; the rest are only counted. */
const LOGGED_PROBLEMS = 10;

/** The results line of a record whose output line has an `error` (see {@link JobAnswers}). */
interface ErrorAnswer {
  readonly errorLine: Buffer;
}

/**
 * A job's answers by `recordId`, each as the record's line in `results.jsonl` (UTF-8 bytes):
 * `{"recordId":...,"modelOutput":...}` and a newline (a `Buffer`), or `{"recordId":...,"error":...}`
 * and a newline (an {@link ErrorAnswer}), the values being the JSON text `JSON.stringify` gives.
 * Bytes, not parsed objects nor strings, keep a job's answers small and off the JavaScript heap,
 * and are written out as they are.
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

/** The end of a results line: its `mode` member, the closing brace and the newline. */
const RESULT_ENDS: Readonly<Record<AnswerMode, Buffer>> = {
  batch: Buffer.from(',"mode":"batch"}\n', 'latin1'),
  on_demand: Buffer.from(',"mode":"on_demand"}\n', 'latin1'),
};

/**
 * The end of an error line of `results.jsonl`: its `mode` and `attempts` members, the closing
 * brace and the newline.
 *
 * @param mode - how the record's last attempt was made
 * @param attempts - how many attempts were made (1, plus one per retry round that sent it)
 * @returns the bytes
 *
 * @example
 * ```ts
 * writer.add(`{"recordId":"r1","error":{...}${errorLineEnd('batch', 1).toString('latin1')}`);
 * ```
 */
function errorLineEnd(mode: AnswerMode, attempts: number): Buffer {
  return Buffer.from(`,"mode":"${mode}","attempts":${attempts}}\n`, 'latin1');
}

/** How the results lines of one job end: after a `modelOutput`, and after an `error`. */
interface LineEnds {
  readonly success: Buffer;
  readonly error: Buffer;
}

/** The answer of one output line, or why the line has none. */
function answerOf(
  text: string,
  ends: LineEnds,
): { recordId: string; answer: Buffer | ErrorAnswer } | string {
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
    const head = `{"recordId":${JSON.stringify(recordId)},"modelOutput":${JSON.stringify(line.modelOutput)}`;
    return { recordId, answer: Buffer.concat([Buffer.from(head, 'utf8'), ends.success]) };
  }
  if (isObject(line.error)) {
    const head = `{"recordId":${JSON.stringify(recordId)},"error":${JSON.stringify(line.error)}`;
    return {
      recordId,
      answer: { errorLine: Buffer.concat([Buffer.from(head, 'utf8'), ends.error]) },
    };
  }
  return 'has neither modelOutput nor error';
}

const MEMBER_NAMES = ['recordId', 'modelOutput', 'error'];
/** `modelOutput` and `error` are copied as text; `recordId` is decoded. */
const COPIED_MEMBERS = [false, true, true];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;

const RESULT_HEAD = Buffer.from('{"recordId":"', 'latin1');
const OUTPUT_MEMBER = Buffer.from('","modelOutput":', 'latin1');
const ERROR_MEMBER = Buffer.from('","error":', 'latin1');

/**
 * A record's results line, `{"recordId":"<id>",<member><value>,"mode":...}` and a newline, from the bytes of
 * an id that needs no escape and of a value; a copy, that keeps no chunk of the object alive.
 */
function resultLine(
  bytes: Buffer,
  idStart: number,
  idEnd: number,
  member: Buffer,
  valueStart: number,
  valueEnd: number,
  resultEnd: Buffer,
): Buffer {
  const idBytes = idEnd - idStart;
  const valueBytes = valueEnd - valueStart;
  const line = Buffer.allocUnsafe(
    RESULT_HEAD.length + idBytes + member.length + valueBytes + resultEnd.length,
  );
  let at = RESULT_HEAD.copy(line, 0);
  at += bytes.copy(line, at, idStart, idEnd);
  at += member.copy(line, at);
  at += bytes.copy(line, at, valueStart, valueEnd);
  resultEnd.copy(line, at);
  return line;
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
  ends: LineEnds,
): { recordId: string; answer: Buffer | ErrorAnswer } | undefined {
  const members = scanLineMembers(bytes, start, end, MEMBER_NAMES, COPIED_MEMBERS);
  if (members === undefined) return undefined;
  const idStart = (members.starts[0] as number) + 1;
  const idEnd = (members.ends[0] as number) - 1;
  if (idStart === 0 || bytes[idStart - 1] !== QUOTE || idEnd <= idStart) return undefined;
  for (let at = idStart; at < idEnd; at++) if (bytes[at] === BACKSLASH) return undefined;
  const recordId = bytes.toString('utf8', idStart, idEnd);
  // Invalid UTF-8 in the id was decoded to U+FFFD: its bytes are not JSON.stringify's.
  if (recordId.includes('\uFFFD')) return undefined;
  const output = members.starts[1] as number;
  if (output !== -1) {
    if (bytes[output] !== OPEN_BRACE) return undefined;
    const line = resultLine(
      bytes,
      idStart,
      idEnd,
      OUTPUT_MEMBER,
      output,
      members.ends[1] as number,
      ends.success,
    );
    return { recordId, answer: line };
  }
  const error = members.starts[2] as number;
  if (error === -1 || bytes[error] !== OPEN_BRACE) return undefined;
  const line = resultLine(
    bytes,
    idStart,
    idEnd,
    ERROR_MEMBER,
    error,
    members.ends[2] as number,
    ends.error,
  );
  return { recordId, answer: { errorLine: line } };
}

/**
 * Reads every `.jsonl.out` object of a finished job into a map from `recordId` to the answer's
 * JSON text. Output lines come in no particular order; a line that is not a valid output record
 * is logged (object, line number, problem; never its content) and skipped. When two lines share
 * a `recordId`, a `modelOutput` wins over an `error`, else the first line wins. Memory: one job's
 * answers, without their `modelInput`.
 *
 * @param s3 - the S3 client
 * @param result - where the answers are: a job's result (its `bucket` and `keys`), or the parts an
 *   on-demand run wrote, with a `job_name` for the logs
 * @param logger - where problems are logged
 * @param mode - how the answers were made, written into each results line
 * @param attempts - written into each error line: the attempts made for its record
 * @returns the answers and the number of skipped lines
 *
 * @example
 * ```ts
 * const { answers } = await loadJobAnswers(s3, jobResult, logger, 'batch', 1);
 * const answer = answers.get('REC0000001'); // Buffer '{"recordId":"REC0000001","modelOutput":{...},"mode":"batch"}\n' or { errorLine }
 * ```
 */
async function loadJobAnswers(
  s3: S3Client,
  result: Pick<BatchJobResult, 'bucket' | 'keys' | 'job_name'>,
  logger: Logger,
  mode: AnswerMode,
  attempts = 1,
): Promise<LoadedAnswers> {
  const lineEnds: LineEnds = {
    success: RESULT_ENDS[mode],
    error: errorLineEnd(mode, attempts),
  };
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
        let parsed = plainAnswerOf(bytes, start, end, lineEnds);
        if (parsed === undefined) {
          const text = bytes.toString('utf8', start, end);
          if (text.trim() === '') continue;
          const slow = answerOf(text, lineEnds);
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
export { errorLineEnd, isModelOutput, loadJobAnswers };
