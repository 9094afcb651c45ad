/**
 * One runtime API call for one record, in each invocation type, returning what a batch job
 * writes for it (`modelOutput`) and the tokens it used.
 *
 * InvokeModel's token counts come only as the response headers
 * `X-Amzn-Bedrock-Input-Token-Count` and `X-Amzn-Bedrock-Output-Token-Count`, which the SDK does
 * not copy into the command output (aws/aws-sdk-js-v3#5917, #8172). A middleware added to the
 * command (not to the client, so concurrent calls never mix their headers) keeps the raw
 * response's headers.
 */
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  InvokeModelCommand,
  type ServiceTierType,
} from '@aws-sdk/client-bedrock-runtime';

/** Which runtime API answers a record (the batch job's `modelInvocationType`). */
type OnDemandInvocationType = 'InvokeModel' | 'Converse';

/** What one successful call gives. */
interface RuntimeAnswer {
  /** The `modelOutput` a batch job would write for the record. */
  readonly modelOutput: Record<string, unknown>;
  /** Input tokens (0 when the service did not say). */
  readonly inputTokens: number;
  /** Output tokens (0 when the service did not say). */
  readonly outputTokens: number;
}

/** What {@link callRuntime} sends. */
interface RuntimeCall {
  readonly modelId: string;
  readonly modelInvocationType: OnDemandInvocationType;
  /** The record's `modelInput`. */
  readonly modelInput: Record<string, unknown>;
  /** The runtime's service tier (`default`, `flex`, `priority`, `reserved`). @default not sent */
  readonly serviceTier?: ServiceTierType;
  /** Aborts the call (the caller's time budget). @default none */
  readonly abortSignal?: AbortSignal;
}

/** The response body was not a JSON object: a batch job could not have written it either. */
class InvalidModelOutputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'InvalidModelOutput';
  }
}

const INPUT_TOKENS_HEADER = 'x-amzn-bedrock-input-token-count';
const OUTPUT_TOKENS_HEADER = 'x-amzn-bedrock-output-token-count';

function headerNumber(headers: Record<string, string> | undefined, name: string): number {
  if (headers === undefined) return 0;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) {
      const count = Number(value);
      return Number.isFinite(count) && count >= 0 ? count : 0;
    }
  }
  return 0;
}

/** JSON values for what the SDK gives as bytes (a document's or an image's): base64 text. */
function bytesAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

function plainObject(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, bytesAsBase64)) as Record<string, unknown>;
}

async function invokeModel(runtime: BedrockRuntimeClient, call: RuntimeCall) {
  const command = new InvokeModelCommand({
    modelId: call.modelId,
    contentType: 'application/json',
    accept: 'application/json',
    body: new TextEncoder().encode(JSON.stringify(call.modelInput)),
    ...(call.serviceTier === undefined ? {} : { serviceTier: call.serviceTier }),
  });
  let headers: Record<string, string> | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      headers = (result.response as { headers?: Record<string, string> } | undefined)?.headers;
      return result;
    },
    { step: 'deserialize', name: 'bedrockBatchTokenHeaders' },
  );
  const response = await runtime.send(
    command,
    call.abortSignal === undefined ? {} : { abortSignal: call.abortSignal },
  );
  const text = new TextDecoder().decode(response.body);
  let modelOutput: unknown;
  try {
    modelOutput = JSON.parse(text);
  } catch {
    throw new InvalidModelOutputError('the response body is not JSON');
  }
  if (typeof modelOutput !== 'object' || modelOutput === null || Array.isArray(modelOutput)) {
    throw new InvalidModelOutputError('the response body is not a JSON object');
  }
  return {
    modelOutput: modelOutput as Record<string, unknown>,
    inputTokens: headerNumber(headers, INPUT_TOKENS_HEADER),
    outputTokens: headerNumber(headers, OUTPUT_TOKENS_HEADER),
  };
}

async function converse(runtime: BedrockRuntimeClient, call: RuntimeCall): Promise<RuntimeAnswer> {
  const input = {
    ...call.modelInput,
    modelId: call.modelId,
    ...(call.serviceTier === undefined ? {} : { serviceTier: { type: call.serviceTier } }),
  } as ConverseCommandInput;
  const response = await runtime.send(
    new ConverseCommand(input),
    call.abortSignal === undefined ? {} : { abortSignal: call.abortSignal },
  );
  // The shape a batch Converse job writes (and `@bedrock-batch/local` emulates): the Converse
  // response body without the SDK's `$metadata`.
  const modelOutput: Record<string, unknown> = plainObject({
    output: response.output,
    stopReason: response.stopReason,
    usage: response.usage,
    metrics: response.metrics,
    ...(response.additionalModelResponseFields === undefined
      ? {}
      : { additionalModelResponseFields: response.additionalModelResponseFields }),
  });
  return {
    modelOutput,
    inputTokens: response.usage?.inputTokens ?? 0,
    outputTokens: response.usage?.outputTokens ?? 0,
  };
}

/**
 * Answers one record with the runtime API: `InvokeModel` with `modelInput` as the body, or
 * `Converse` with `modelInput` as the request (plus `modelId`). SDK errors are thrown unchanged.
 *
 * @param runtime - the Bedrock runtime client
 * @param call - model, invocation type, the record's `modelInput`, service tier, abort signal
 * @returns the `modelOutput` and the token counts
 * @throws the SDK's errors (`ThrottlingException`, `ValidationException`, ...), or an error named
 *   `InvalidModelOutput` when an InvokeModel body is not a JSON object
 *
 * @example
 * ```ts
 * const { modelOutput, inputTokens } = await callRuntime(runtime, {
 *   modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
 *   modelInvocationType: 'InvokeModel',
 *   modelInput: { anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages },
 * });
 * ```
 */
function callRuntime(runtime: BedrockRuntimeClient, call: RuntimeCall): Promise<RuntimeAnswer> {
  return call.modelInvocationType === 'Converse'
    ? converse(runtime, call)
    : invokeModel(runtime, call);
}

export type { OnDemandInvocationType, RuntimeAnswer, RuntimeCall };
export { callRuntime };
