/**
 * `invokeOnDemand`: answers the records of one manifest through the Bedrock runtime API (for a
 * retry round, or a dataset, below the batch minimum of records per job), within a Lambda time
 * budget, and writes the answers as `.jsonl.out` lines in manifest order.
 *
 * The pool is written here rather than taken from a library: it must read the manifest as a
 * stream (start a record only when a slot is free, so the manifest is never held), stop starting
 * records when the time budget runs low, and bound how far it runs ahead of the oldest unwritten
 * record (so out-of-order answers held for in-order writing stay within a window). `p-limit`
 * and `p-queue` only bound concurrency, and their current versions are ES modules only, which
 * this package's CommonJS build cannot `require`.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ContractValidationError,
  ManifestKeySchema,
  type OnDemandServiceTier,
  OnDemandServiceTierSchema,
  S3BucketNameSchema,
  validate,
} from '@bedrock-batch/schema';
import * as z from 'zod';
import { InvalidInputError } from './errors.js';
import { fullJitterDelay } from './full-jitter-backoff.js';
import { defaultLogger } from './handler-deps.js';
import { objectLines } from './object-lines.js';
import { openObjectWriter } from './object-writer.js';
import { classifyRecordError, RECORD_ERROR_CLASSES } from './record-error-class.js';
import { callRuntime, type OnDemandInvocationType } from './runtime-calls.js';

/**
 * Calls in flight by default. The default on-demand quotas of text models are quoted in requests
 * per minute and tokens per minute, from a few dozen to a few thousand requests a minute
 * depending on the model and Region. With calls of 2 to 10 seconds, 4 in flight make about 25 to
 * 120 requests a minute: under most models' defaults, and the backoff absorbs the rest. 100
 * records (a typical batch minimum) take about 1 to 4 minutes, well within a Lambda's 15.
 *
 * @example
 * ```ts
 * const concurrency = input.concurrency ?? DEFAULT_CONCURRENCY; // 4
 * ```
 */
const DEFAULT_CONCURRENCY = 4;

/** Largest `concurrency` accepted. */
const MAX_CONCURRENCY = 64;

/** How many records may be started past the oldest unwritten one, per slot of concurrency. */
const ORDER_WINDOW_PER_SLOT = 4;

/**
 * Attempts of a throttled record (`ThrottlingException`, `ServiceQuotaExceededException`,
 * `ModelNotReadyException`, any 429) before it becomes an error line. With full jitter under a
 * 1 s base and a 20 s cap, 7 waits add up to at most 1+2+4+8+16+20+20 = 71 s (35 s on average).
 *
 * @example
 * ```ts
 * if (attempt >= THROTTLED_MAX_ATTEMPTS) writeErrorLine(); // 8
 * ```
 */
const THROTTLED_MAX_ATTEMPTS = 8;

/**
 * Attempts of a record that failed with another transient error (5xx, model timeout, ...).
 *
 * @example
 * ```ts
 * if (attempt >= TRANSIENT_MAX_ATTEMPTS) writeErrorLine(); // 3
 * ```
 */
const TRANSIENT_MAX_ATTEMPTS = 3;

/**
 * Least time kept back when deciding to start a record or to wait before a retry: in-flight
 * calls must finish and the output be written before the Lambda's deadline. The margin is
 * `max(MIN_SAFETY_MARGIN_MS, slowest call so far + WRITE_RESERVE_MS)`.
 *
 * @example
 * ```ts
 * const margin = Math.max(MIN_SAFETY_MARGIN_MS, slowestCallMs + WRITE_RESERVE_MS); // >= 15 s
 * ```
 */
const MIN_SAFETY_MARGIN_MS = 15_000;

/**
 * Time kept for writing the output (finishing the upload) after the last call; each call is
 * aborted this long before the deadline.
 *
 * @example
 * ```ts
 * const abortSignal = AbortSignal.timeout(remainingTimeMs() - WRITE_RESERVE_MS); // 5 s
 * ```
 */
const WRITE_RESERVE_MS = 5_000;

const THROTTLED_NAMES = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'ModelNotReadyException',
]);

const InvokeOnDemandInputSchema = z
  .strictObject({
    bucket: S3BucketNameSchema,
    manifestKey: ManifestKeySchema,
    outputKey: ManifestKeySchema,
    startLine: z.number().int().nonnegative().optional(),
    modelId: z.string().min(1, 'must not be empty').max(2048),
    modelInvocationType: z.enum(['InvokeModel', 'Converse']),
    concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).optional(),
    serviceTier: OnDemandServiceTierSchema.optional(),
  })
  .meta({ title: 'InvokeOnDemandInput' });

/** What {@link invokeOnDemand} answers. */
interface InvokeOnDemandInput {
  /** Bucket of the manifest and of the output. */
  readonly bucket: string;
  /** The manifest: JSONL, lines `{"recordId","modelInput"}` (as `prepareDataset` writes them). */
  readonly manifestKey: string;
  /** Where this call writes its answers, as `.jsonl.out` lines. Use a new key for each resume. */
  readonly outputKey: string;
  /**
   * 0-based index of the first record to answer (blank lines are not records): the resume
   * cursor, the `nextLine` of the call before.
   * @default 0
   */
  readonly startLine?: number;
  /** The model (id, ARN or inference profile), as the runtime API takes it. */
  readonly modelId: string;
  /** `InvokeModel`: `modelInput` is the model's request body; `Converse`: a Converse request. */
  readonly modelInvocationType: OnDemandInvocationType;
  /**
   * Calls in flight, 1 to 64.
   * @default 4 (`DEFAULT_CONCURRENCY`: within most models' default on-demand quotas)
   */
  readonly concurrency?: number;
  /**
   * The runtime API's service tier: `default`, `flex`, `priority` or `reserved` (InvokeModel's
   * `serviceTier`, Converse's `serviceTier.type`).
   * @default not sent (the service's default tier)
   */
  readonly serviceTier?: OnDemandServiceTier;
}

/** What {@link invokeOnDemand} needs. */
interface InvokeOnDemandDeps {
  /**
   * The runtime client. Give it `maxAttempts: 1`: this function retries throttling and
   * transient errors itself, and the SDK's own retries (3 attempts by default) would multiply
   * them. A client with retries works too, it only waits longer.
   */
  readonly runtime: BedrockRuntimeClient;
  /** Reads the manifest and writes the output. */
  readonly s3: S3Client;
  /** Milliseconds left before the deadline (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /**
   * Waits before a retry.
   * @default a `setTimeout` promise
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Random numbers in `[0, 1)` for the backoff's jitter.
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * Counts and positions only; record contents and model output are never logged.
   * @default a shared Powertools Logger
   */
  readonly logger?: Logger;
}

/** What {@link invokeOnDemand} did. */
interface InvokeOnDemandResult {
  /** Where the answers are (the input's `outputKey`). */
  readonly outputKey: string;
  /** Index of the first record not answered: the next call's `startLine`. */
  readonly nextLine: number;
  /** Whether every record from `startLine` to the end of the manifest is answered. */
  readonly done: boolean;
  /** Records answered by this call (lines written). */
  readonly records: number;
  /** Of them, answered with a `modelOutput`. */
  readonly success: number;
  /** Of them, answered with an `error`. */
  readonly error: number;
  /** Tokens of the successful calls. */
  readonly tokens: { readonly input: number; readonly output: number };
}

interface ManifestRecord {
  readonly recordId: string;
  readonly modelInput: Record<string, unknown>;
}

interface Answered {
  readonly line: string;
  readonly ok: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** A record given up because the time budget ran out (it is answered by the next call). */
const ABANDONED = Symbol('abandoned');
type Outcome = Answered | typeof ABANDONED;

type ParsedInput = Required<Omit<InvokeOnDemandInput, 'serviceTier'>> &
  Pick<InvokeOnDemandInput, 'serviceTier'>;

function parseInput(input: InvokeOnDemandInput): ParsedInput {
  let parsed: z.output<typeof InvokeOnDemandInputSchema>;
  try {
    parsed = validate(InvokeOnDemandInputSchema, input);
  } catch (error) {
    if (error instanceof ContractValidationError) {
      throw new InvalidInputError(error.message, { cause: error });
    }
    throw error;
  }
  return {
    ...parsed,
    startLine: parsed.startLine ?? 0,
    concurrency: parsed.concurrency ?? DEFAULT_CONCURRENCY,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRecord(text: string, location: string, line: number): ManifestRecord {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${location} line ${line}: is not JSON`);
  }
  if (!isObject(record)) throw new InvalidInputError(`${location} line ${line}: is not an object`);
  const { recordId, modelInput } = record;
  if (typeof recordId !== 'string' || recordId === '') {
    throw new InvalidInputError(
      `${location} line ${line}: recordId must be a non-empty string (received: ${JSON.stringify(recordId) ?? 'undefined'})`,
    );
  }
  if (!isObject(modelInput)) {
    throw new InvalidInputError(`${location} line ${line}: modelInput must be a JSON object`);
  }
  return { recordId, modelInput };
}

const HTTP_STATUS_BY_NAME = new Map(
  RECORD_ERROR_CLASSES.flatMap((rule) =>
    typeof rule.code === 'string' && rule.httpStatus !== undefined
      ? [[rule.code, rule.httpStatus] as const]
      : [],
  ),
);

/** The `error` object of a failed call: the HTTP status and `"<ExceptionName>: <message>"`. */
function errorObjectOf(error: unknown): { errorCode: number; errorMessage: string } {
  const failure = (isObject(error) ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof failure.name === 'string' && failure.name !== '' ? failure.name : 'Error';
  const message = typeof failure.message === 'string' ? failure.message : String(error);
  const status = failure.$metadata?.httpStatusCode;
  const errorCode =
    typeof status === 'number' && status >= 400
      ? status
      : (HTTP_STATUS_BY_NAME.get(name) ?? (failure.$fault === 'client' ? 400 : 500));
  return { errorCode, errorMessage: `${name}: ${message}` };
}

function isThrottled(error: { errorCode: number; errorMessage: string }): boolean {
  const name = error.errorMessage.slice(0, error.errorMessage.indexOf(':'));
  return error.errorCode === 429 || THROTTLED_NAMES.has(name);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Answers the records of one manifest through the Bedrock runtime API and writes one `.jsonl.out`
 * line per record, in manifest order, to `outputKey`: `{"recordId","modelInput","modelOutput"}`,
 * or `{"recordId","modelInput","error":{"errorCode","errorMessage"}}` where `errorCode` is the
 * HTTP status and `errorMessage` is `"<ExceptionName>: <message>"` (which `classifyRecordError`
 * reads).
 *
 * - `InvokeModel`: the body is `modelInput`; `modelOutput` is the parsed response body; tokens
 *   come from the `X-Amzn-Bedrock-Input-Token-Count` / `-Output-Token-Count` headers.
 *   `Converse`: the request is `modelInput` plus `modelId`; `modelOutput` is
 *   `{ output, stopReason, usage, metrics }` (plus `additionalModelResponseFields` when given);
 *   tokens come from `usage`.
 * - At most `concurrency` calls are in flight, and at most `4 × concurrency` records are started
 *   past the oldest unwritten one. The manifest is streamed, never held.
 * - Throttling is retried up to 8 attempts, other transient errors up to 3, with exponential
 *   backoff and full jitter (1 s base, 20 s cap). A permanent error, or a transient one that
 *   used up its attempts, becomes the record's error line.
 * - Time budget: no record is started, and no retry waited for, when less than
 *   `max(15 s, slowest call so far + 5 s)` would remain; each call is aborted 5 s before the
 *   deadline. It then writes what is answered in order and returns `done: false` with `nextLine`
 *   (answers after a record given up are dropped, so the output is exactly records
 *   `startLine .. nextLine - 1`). Call again with `startLine: nextLine` and another `outputKey`.
 *
 * @param input - bucket, manifest, output key, resume cursor, model, invocation type,
 *   concurrency, service tier
 * @param deps - runtime and S3 clients, the remaining-time function, sleep, random, logger
 * @returns `{ outputKey, nextLine, done, records, success, error, tokens }`
 * @throws InvalidInputError when the input or a manifest line is invalid (naming the field and
 *   value, or the object and line), or `startLine` is past the manifest's end
 * @throws AccessDeniedError or BedrockBatchHandlerError when the manifest cannot be read; S3's
 *   errors when the output cannot be written (nothing is written then)
 *
 * @example
 * ```ts
 * const runtime = new BedrockRuntimeClient({ maxAttempts: 1 });
 * const result = await invokeOnDemand(
 *   {
 *     bucket: 'my-work',
 *     manifestKey: 'runs/42/retry-1/part-00000.jsonl',
 *     outputKey: 'runs/42/retry-1/part-00000.jsonl.out',
 *     modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
 *     modelInvocationType: 'InvokeModel',
 *   },
 *   { runtime, s3: new S3Client({}), remainingTimeMs: () => context.getRemainingTimeInMillis() },
 * );
 * if (!result.done) {
 *   // run again with { ..., startLine: result.nextLine, outputKey: '...part-00000.1.jsonl.out' }
 * }
 * ```
 */
async function invokeOnDemand(
  input: InvokeOnDemandInput,
  deps: InvokeOnDemandDeps,
): Promise<InvokeOnDemandResult> {
  const options = parseInput(input);
  const { bucket, manifestKey, outputKey, startLine, concurrency } = options;
  const logger = deps.logger ?? defaultLogger();
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  const location = `s3://${bucket}/${manifestKey}`;
  const window = concurrency * ORDER_WINDOW_PER_SLOT;
  logger.info('On-demand invocation started', {
    bucket,
    manifestKey,
    outputKey,
    startLine,
    concurrency,
    modelId: options.modelId,
    modelInvocationType: options.modelInvocationType,
  });

  let slowestCallMs = 0;
  const margin = () => Math.max(MIN_SAFETY_MARGIN_MS, slowestCallMs + WRITE_RESERVE_MS);

  async function answer(record: ManifestRecord, position: number): Promise<Outcome> {
    const head = `{"recordId":${JSON.stringify(record.recordId)},"modelInput":${JSON.stringify(record.modelInput)}`;
    for (let attempt = 1; ; attempt++) {
      const abortSignal = AbortSignal.timeout(
        Math.max(1, deps.remainingTimeMs() - WRITE_RESERVE_MS),
      );
      const started = performance.now();
      try {
        const result = await callRuntime(deps.runtime, {
          modelId: options.modelId,
          modelInvocationType: options.modelInvocationType,
          modelInput: record.modelInput,
          ...(options.serviceTier === undefined ? {} : { serviceTier: options.serviceTier }),
          abortSignal,
        });
        slowestCallMs = Math.max(slowestCallMs, performance.now() - started);
        return {
          line: `${head},"modelOutput":${JSON.stringify(result.modelOutput)}}\n`,
          ok: true,
          inputTokens: result.inputTokens,
          outputTokens: result.outputTokens,
        };
      } catch (error) {
        slowestCallMs = Math.max(slowestCallMs, performance.now() - started);
        if (abortSignal.aborted) return ABANDONED;
        const failure = errorObjectOf(error);
        const errorName = failure.errorMessage.slice(0, failure.errorMessage.indexOf(':'));
        const maxAttempts = isThrottled(failure) ? THROTTLED_MAX_ATTEMPTS : TRANSIENT_MAX_ATTEMPTS;
        if (classifyRecordError(failure) === 'permanent' || attempt >= maxAttempts) {
          logger.debug('Record failed', {
            position,
            attempt,
            errorName,
            errorCode: failure.errorCode,
          });
          return {
            line: `${head},"error":${JSON.stringify(failure)}}\n`,
            ok: false,
            inputTokens: 0,
            outputTokens: 0,
          };
        }
        const delay = fullJitterDelay(attempt, random);
        if (deps.remainingTimeMs() - delay < margin()) {
          logger.debug('No time left to retry the record', { position, attempt, errorName });
          return ABANDONED;
        }
        logger.debug('Retrying the record', { position, attempt, errorName, delayMs: delay });
        await sleep(delay);
      }
    }
  }

  const writer = openObjectWriter(deps.s3, bucket, outputKey);
  const outcomes = new Map<number, Outcome>();
  const inFlight = new Set<Promise<void>>();
  const counts = { success: 0, error: 0, inputTokens: 0, outputTokens: 0 };
  let nextToWrite = startLine;
  let stopped = false;
  let blocked = false;
  let reachedEnd = false;
  let fatal: { error: unknown } | undefined;
  /** Records (non-blank lines) of the manifest read so far. */
  let total = 0;

  /** Writes the answers that are next in manifest order. */
  function drain(): void {
    while (!blocked && outcomes.has(nextToWrite)) {
      const outcome = outcomes.get(nextToWrite) as Outcome;
      outcomes.delete(nextToWrite);
      if (outcome === ABANDONED) {
        blocked = true;
        stopped = true;
        break;
      }
      writer.add(outcome.line);
      if (outcome.ok) counts.success += 1;
      else counts.error += 1;
      counts.inputTokens += outcome.inputTokens;
      counts.outputTokens += outcome.outputTokens;
      nextToWrite += 1;
    }
  }

  try {
    for await (const { text, number } of objectLines(deps.s3, bucket, manifestKey)) {
      if (text.trim() === '') continue;
      const position = total++;
      if (position < startLine) continue;
      while (
        !stopped &&
        inFlight.size > 0 &&
        (inFlight.size >= concurrency || position >= nextToWrite + window)
      ) {
        await Promise.race(inFlight);
        if (writer.isFull()) await writer.flush();
      }
      if (stopped || deps.remainingTimeMs() < margin()) {
        stopped = true;
        break;
      }
      const record = parseRecord(text, location, number);
      const task: Promise<void> = answer(record, position).then(
        (outcome) => {
          inFlight.delete(task);
          outcomes.set(position, outcome);
          if (outcome === ABANDONED) stopped = true;
          drain();
        },
        (error: unknown) => {
          inFlight.delete(task);
          fatal ??= { error };
          stopped = true;
        },
      );
      inFlight.add(task);
    }
    reachedEnd = !stopped;
    await Promise.all(inFlight);
    if (fatal !== undefined) throw fatal.error;
    if (reachedEnd && startLine > total) {
      throw new InvalidInputError(
        `startLine: is past the end of ${location}, which has ${total} records (received: ${startLine})`,
      );
    }
    await writer.finish();
  } catch (error) {
    stopped = true;
    await Promise.allSettled(inFlight);
    await writer.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }

  const done = reachedEnd && !blocked && nextToWrite === total;
  const result: InvokeOnDemandResult = {
    outputKey,
    nextLine: nextToWrite,
    done,
    records: nextToWrite - startLine,
    success: counts.success,
    error: counts.error,
    tokens: { input: counts.inputTokens, output: counts.outputTokens },
  };
  logger.info(done ? 'On-demand invocation done' : 'On-demand invocation stopped for time', {
    manifestKey,
    outputKey,
    startLine,
    nextLine: result.nextLine,
    done,
    records: result.records,
    success: result.success,
    error: result.error,
    inputTokens: result.tokens.input,
    outputTokens: result.tokens.output,
  });
  return result;
}

export type { InvokeOnDemandDeps, InvokeOnDemandInput, InvokeOnDemandResult };
export {
  DEFAULT_CONCURRENCY,
  invokeOnDemand,
  MIN_SAFETY_MARGIN_MS,
  THROTTLED_MAX_ATTEMPTS,
  TRANSIENT_MAX_ATTEMPTS,
  WRITE_RESERVE_MS,
};
