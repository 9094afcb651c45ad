import type { Logger } from '@aws-lambda-powertools/logger';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ContractValidationError,
  type OnDemandPayload,
  OnDemandPayloadSchema,
  type OnDemandProgress,
  validate,
} from '@bedrock-batch/schema';
import { BedrockBatchHandlerError, InvalidInputError } from './errors.js';
import { invokeOnDemand } from './invoke-on-demand.js';

/** What {@link onDemandTask} needs. */
interface OnDemandTaskDeps {
  /** The Bedrock runtime client (give it `maxAttempts: 1`: the task backs off itself). */
  readonly runtime: BedrockRuntimeClient;
  /** Reads the manifest and writes the answers. */
  readonly s3: S3Client;
  /** Milliseconds left to this call (a Lambda context's `getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /**
   * Counts and keys only are logged, never record contents.
   * @default a shared Powertools Logger
   */
  readonly logger?: Logger;
}

/** Digits of the start line in an answers part's name, so parts sort in manifest order. */
const PART_DIGITS = 9;

/**
 * Checks an on-demand event against `OnDemandPayloadSchema`.
 *
 * @param event - the event the fragment's task sends
 * @returns the payload
 * @throws InvalidInputError naming the field and the value received
 *
 * @example
 * ```ts
 * const { modelId } = parseOnDemandPayload(event);
 * ```
 */
function parseOnDemandPayload(event: unknown): OnDemandPayload {
  try {
    return validate(OnDemandPayloadSchema, event);
  } catch (error) {
    if (error instanceof ContractValidationError) {
      throw new InvalidInputError(error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * One call of the fragment's on-demand loop: answers the manifest from `startLine` on with
 * {@link invokeOnDemand}, into `<workPrefix>on-demand/part-<startLine>.jsonl.out`, until the
 * manifest ends or the call's time runs low, and returns where the next call starts with the
 * tokens counted so far. A retried call writes the same part again.
 *
 * @param event - an `OnDemandPayload`, as the fragment's task builds it
 * @param deps - the runtime and S3 clients, the time left, a logger
 * @returns an `OnDemandProgress`
 * @throws InvalidInputError for a bad payload
 * @throws BedrockBatchHandlerError when the call had no time to answer a single record (the loop
 *   would not move on)
 *
 * @example
 * ```ts
 * const progress = await onDemandTask(payload, { runtime, s3, remainingTimeMs: () => 600_000 });
 * if (!progress.done) await onDemandTask({ ...payload, startLine: progress.startLine, tokens: progress.tokens }, deps);
 * ```
 */
async function onDemandTask(event: unknown, deps: OnDemandTaskDeps): Promise<OnDemandProgress> {
  const payload = parseOnDemandPayload(event);
  const outputPrefix = `${payload.workPrefix}on-demand/`;
  const part = String(payload.startLine).padStart(PART_DIGITS, '0');
  const result = await invokeOnDemand(
    {
      bucket: payload.bucket,
      manifestKey: payload.manifestKey,
      outputKey: `${outputPrefix}part-${part}.jsonl.out`,
      startLine: payload.startLine,
      modelId: payload.modelId,
      modelInvocationType: payload.modelInvocationType,
      ...(payload.concurrency === undefined ? {} : { concurrency: payload.concurrency }),
      ...(payload.serviceTier === undefined ? {} : { serviceTier: payload.serviceTier }),
    },
    deps,
  );
  if (!result.done && result.nextLine === payload.startLine) {
    throw new BedrockBatchHandlerError(
      `The on-demand call had no time to answer record ${payload.startLine} of ${payload.manifestKey}; give the function a longer timeout`,
    );
  }
  return {
    done: result.done,
    startLine: result.nextLine,
    outputPrefix,
    tokens: {
      input: payload.tokens.input + result.tokens.input,
      output: payload.tokens.output + result.tokens.output,
    },
  };
}

export type { OnDemandTaskDeps };
export { onDemandTask, parseOnDemandPayload };
