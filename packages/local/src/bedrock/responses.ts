import { baseModelId, type ModelFamily } from './models.js';
import { createRandom, hashString } from './random.js';

/** How the records of a job are run: the model's own request body, or the Converse API shape. */
type ModelInvocationType = 'InvokeModel' | 'Converse';

/** What a {@link Responder} is told about one record. */
interface ResponderContext {
  /** The record's id (one is assigned when the input line has none). */
  readonly recordId: string;
  /** The record's `modelInput`, as read from the input file. */
  readonly modelInput: Readonly<Record<string, unknown>>;
  /** The job's model id, as given to CreateModelInvocationJob. */
  readonly modelId: string;
  /** The response family of the model. */
  readonly family: ModelFamily;
  /** The job's invocation type. */
  readonly modelInvocationType: ModelInvocationType;
  /** The job's name. */
  readonly jobName: string;
  /** The prompt's text: every text value of `modelInput`, joined by newlines. */
  readonly prompt: string;
}

/**
 * Decides the text the emulated model answers for one record. It must be synchronous; throwing
 * makes that record fail (`errorCode` 400, `errorMessage` the error's message). The emulator
 * wraps the text in the model family's response shape and counts tokens (about 4 characters
 * per token), truncating to the record's max-tokens setting.
 *
 * @example
 * ```ts
 * const responder: Responder = ({ prompt }) => (prompt.includes('great') ? 'POSITIVE' : 'NEGATIVE');
 * ```
 */
type Responder = (context: ResponderContext) => string;

/** A record's result: the model output and its token counts, or an error line. */
type RecordResult =
  | {
      readonly ok: true;
      readonly modelOutput: Record<string, unknown>;
      readonly inputTokens: number;
      readonly outputTokens: number;
    }
  | { readonly ok: false; readonly errorCode: number; readonly errorMessage: string };

const NON_TEXT_KEYS = new Set([
  'anthropic_version',
  'role',
  'type',
  'media_type',
  'format',
  'data',
  'bytes',
  'source',
  'stop_sequences',
  'stopSequences',
  'embeddingTypes',
  'cache_control',
  'cachePoint',
]);

function collectText(value: unknown, out: string[], depth: number): void {
  if (depth > 8) return;
  if (typeof value === 'string') {
    out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectText(item, out, depth + 1);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value as Record<string, unknown>) {
      if (NON_TEXT_KEYS.has(key)) continue;
      collectText((value as Record<string, unknown>)[key], out, depth + 1);
    }
  }
}

/** Every text value of a model input, joined by newlines (role names and versions left out). */
function promptTextOf(modelInput: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  collectText(modelInput, parts, 0);
  return parts.join('\n');
}

/** Plausible token count of a text: about 4 characters per token, at least 1. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function hex(value: number, length: number): string {
  return value.toString(16).padStart(8, '0').slice(0, length);
}

/**
 * The default {@link Responder}: a short deterministic sentence that depends only on the prompt.
 *
 * @example
 * ```ts
 * defaultResponder(context); // "Emulated response 1a2b3c4d to a prompt of 42 characters."
 * ```
 */
const defaultResponder: Responder = ({ prompt }) =>
  `Emulated response ${hex(hashString(prompt), 8)} to a prompt of ${prompt.length} characters.`;

function numberAt(value: unknown, ...path: string[]): number | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'number' && Number.isFinite(current) && current > 0
    ? current
    : undefined;
}

function maxTokensOf(
  family: ModelFamily,
  type: ModelInvocationType,
  input: Readonly<Record<string, unknown>>,
): number | undefined {
  if (type === 'Converse') return numberAt(input, 'inferenceConfig', 'maxTokens');
  switch (family) {
    case 'anthropic-claude':
      return numberAt(input, 'max_tokens');
    case 'amazon-nova':
      return (
        numberAt(input, 'inferenceConfig', 'maxTokens') ??
        numberAt(input, 'inferenceConfig', 'max_new_tokens')
      );
    case 'meta-llama':
      return numberAt(input, 'max_gen_len');
    case 'other':
      return numberAt(input, 'textGenerationConfig', 'maxTokenCount');
    default:
      return undefined;
  }
}

function malformed(detail: string): RecordResult {
  return {
    ok: false,
    errorCode: 400,
    errorMessage: `Malformed input request: ${detail}, please reformat your input and try again.`,
  };
}

/** The input check each family's runtime does before inference (a missing required key). */
function checkInput(
  family: ModelFamily,
  type: ModelInvocationType,
  input: Readonly<Record<string, unknown>>,
): RecordResult | undefined {
  if (type === 'Converse' || family === 'amazon-nova') {
    return Array.isArray(input.messages)
      ? undefined
      : malformed('#: required key [messages] not found');
  }
  switch (family) {
    case 'anthropic-claude':
      if (!Array.isArray(input.messages)) return malformed('#: required key [messages] not found');
      if (typeof input.max_tokens !== 'number')
        return malformed('#: required key [max_tokens] not found');
      return undefined;
    case 'titan-text-embeddings':
      return typeof input.inputText === 'string'
        ? undefined
        : malformed('#: required key [inputText] not found');
    case 'meta-llama':
      return typeof input.prompt === 'string'
        ? undefined
        : malformed('#: required key [prompt] not found');
    default:
      return undefined;
  }
}

function embeddingOf(text: string, dimensions: number, normalize: boolean): number[] {
  const random = createRandom(hashString(text));
  const vector = new Array<number>(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const v = random() * 2 - 1;
    vector[i] = v;
    norm += v * v;
  }
  const scale = normalize ? 1 / Math.sqrt(norm || 1) : 1;
  for (let i = 0; i < dimensions; i++)
    vector[i] = Math.round((vector[i] as number) * scale * 1e6) / 1e6;
  return vector;
}

function claudeModelName(modelId: string): string {
  const base = baseModelId(modelId).replace(/^anthropic\./, '');
  return base.replace(/-v\d+(?::\d+)?$/, '');
}

/**
 * Runs one record through the emulated model: checks the input like the model's runtime does,
 * asks the responder for the text, and wraps it in the family's response shape.
 */
function respond(context: Omit<ResponderContext, 'prompt'>, responder: Responder): RecordResult {
  const { family, modelInvocationType: type, modelInput } = context;
  const invalid = checkInput(family, type, modelInput);
  if (invalid !== undefined) return invalid;
  const prompt = promptTextOf(modelInput);
  const inputTokens = estimateTokens(prompt);

  if (type === 'InvokeModel' && family === 'titan-text-embeddings') {
    const v1 = baseModelId(context.modelId) === 'amazon.titan-embed-text-v1';
    const dims = v1 ? 1536 : (numberAt(modelInput, 'dimensions') ?? 1024);
    const normalize = v1 ? false : modelInput.normalize !== false;
    const embedding = embeddingOf(prompt, dims, normalize);
    const modelOutput: Record<string, unknown> = { embedding, inputTextTokenCount: inputTokens };
    if (!v1) modelOutput.embeddingsByType = { float: embedding };
    return { ok: true, modelOutput, inputTokens, outputTokens: 0 };
  }

  let text: string;
  try {
    text = responder({ ...context, prompt });
  } catch (error) {
    return { ok: false, errorCode: 400, errorMessage: (error as Error)?.message ?? String(error) };
  }
  let outputTokens = estimateTokens(text);
  const maxTokens = maxTokensOf(family, type, modelInput);
  const truncated = maxTokens !== undefined && outputTokens > maxTokens;
  if (truncated) {
    outputTokens = Math.floor(maxTokens);
    text = text.slice(0, outputTokens * 4);
  }

  if (type === 'Converse') {
    return {
      ok: true,
      inputTokens,
      outputTokens,
      modelOutput: {
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason: truncated ? 'max_tokens' : 'end_turn',
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        metrics: { latencyMs: 200 + outputTokens * 10 },
      },
    };
  }
  switch (family) {
    case 'anthropic-claude':
      return {
        ok: true,
        inputTokens,
        outputTokens,
        modelOutput: {
          id: `msg_bdrk_${hex(hashString(context.recordId), 8)}${hex(hashString(prompt), 8)}`,
          type: 'message',
          role: 'assistant',
          model: claudeModelName(context.modelId),
          content: [{ type: 'text', text }],
          stop_reason: truncated ? 'max_tokens' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        },
      };
    case 'amazon-nova':
      return {
        ok: true,
        inputTokens,
        outputTokens,
        modelOutput: {
          output: { message: { content: [{ text }], role: 'assistant' } },
          stopReason: truncated ? 'max_tokens' : 'end_turn',
          usage: {
            inputTokens,
            outputTokens,
            totalTokens: inputTokens + outputTokens,
            cacheReadInputTokenCount: 0,
            cacheWriteInputTokenCount: 0,
          },
        },
      };
    case 'meta-llama':
      return {
        ok: true,
        inputTokens,
        outputTokens,
        modelOutput: {
          generation: text,
          prompt_token_count: inputTokens,
          generation_token_count: outputTokens,
          stop_reason: truncated ? 'length' : 'stop',
        },
      };
    default:
      return {
        ok: true,
        inputTokens,
        outputTokens,
        modelOutput: {
          inputTextTokenCount: inputTokens,
          results: [
            {
              tokenCount: outputTokens,
              outputText: text,
              completionReason: truncated ? 'LENGTH' : 'FINISH',
            },
          ],
        },
      };
  }
}

export type { ModelInvocationType, RecordResult, Responder, ResponderContext };
export { defaultResponder, estimateTokens, promptTextOf, respond };
