import type { EmulatedServiceError } from '../errors.js';
import { modelFamilyOf, modelIdOf } from './models.js';
import { type ModelInvocationType, type Responder, respond } from './responses.js';
import { runtimeException } from './runtime-exceptions.js';
import { ConstraintCollector, ServiceException } from './service-exceptions.js';

/**
 * `modelId` patterns of botocore's `bedrock-runtime` service model (2023-09-30, botocore 1.43):
 * `InvokeModelIdentifier` and `ConversationalModelId`, both 1..2048 characters.
 */
const INVOKE_MODEL_ID_PATTERN =
  '(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}/[a-z0-9]{12})|(:foundation-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:imported-model/[a-z0-9]{12})|([0-9]{12}:provisioned-model/[a-z0-9]{12})|([0-9]{12}:custom-model-deployment/[a-z0-9]{12})|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|(([0-9a-zA-Z][_-]?)+)|([a-zA-Z0-9-:.]+)$|(^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:prompt/[0-9a-zA-Z]{10}(?::[0-9]{1,5})?))$|(^arn:aws:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/[a-zA-Z0-9-]+$)|(^arn:aws(-[^:]+)?:bedrock:([0-9a-z-]{1,20}):([0-9]{12}):(default-)?prompt-router/[a-zA-Z0-9-:.]+$)';
const CONVERSE_MODEL_ID_PATTERN =
  '(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}/[a-z0-9]{12})|(:foundation-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:imported-model/[a-z0-9]{12})|([0-9]{12}:provisioned-model/[a-z0-9]{12})|([0-9]{12}:custom-model-deployment/[a-z0-9]{12})|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|(([0-9a-zA-Z][_-]?)+)|([a-zA-Z0-9-:.]+)|(^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:prompt/[0-9a-zA-Z]{10}(?::[0-9]{1,5})?))$|(^arn:aws:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/[a-zA-Z0-9-]+$)|(^arn:aws(-[^:]+)?:bedrock:([0-9a-z-]{1,20}):([0-9]{12}):(default-)?prompt-router/[a-zA-Z0-9-:.]+$)';
const PATTERNS: Readonly<Record<ModelInvocationType, { source: string; regex: RegExp }>> = {
  InvokeModel: {
    source: INVOKE_MODEL_ID_PATTERN,
    regex: new RegExp(`^(?:${INVOKE_MODEL_ID_PATTERN})$`),
  },
  Converse: {
    source: CONVERSE_MODEL_ID_PATTERN,
    regex: new RegExp(`^(?:${CONVERSE_MODEL_ID_PATTERN})$`),
  },
};

/** A successful runtime response: a JSON body and its headers. */
interface RuntimeResponse {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the runtime operations need from the emulator. */
interface RuntimeContext {
  /** Model ids (and inference profile ids) the emulator knows. */
  readonly modelIds: ReadonlySet<string>;
  /** The text of every answer, as for batch records. */
  readonly responder: Responder;
}

function checkModelId(
  modelId: string,
  type: ModelInvocationType,
  known: ReadonlySet<string>,
): void {
  const problems = new ConstraintCollector();
  const length = [...modelId].length;
  if (length < 1) {
    problems.add('modelId', modelId, 'Member must have length greater than or equal to 1');
  } else if (length > 2048) {
    problems.add('modelId', modelId, 'Member must have length less than or equal to 2048');
  } else if (!PATTERNS[type].regex.test(modelId)) {
    problems.add(
      'modelId',
      modelId,
      `Member must satisfy regular expression pattern: ${PATTERNS[type].source}`,
    );
  }
  problems.throwIfAny();
  if (known.has(modelId) || known.has(modelIdOf(modelId))) return;
  if (modelId.startsWith('arn:')) {
    throw ServiceException.notFound(
      'Could not resolve the foundation model from the provided model identifier.',
    );
  }
  throw ServiceException.validation('The provided model identifier is invalid.');
}

function malformed(detail: string): EmulatedServiceError {
  return ServiceException.validation(
    `Malformed input request: ${detail}, please reformat your input and try again.`,
  );
}

function parseObject(body: Buffer, type: ModelInvocationType): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') {
    if (type === 'Converse') return {};
    throw malformed('the request body is empty');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (type === 'Converse')
      throw ServiceException.serialization('The request body is not valid JSON.');
    throw malformed('the request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw malformed('#: expected type: JSONObject');
  }
  return value as Record<string, unknown>;
}

/**
 * The Bedrock runtime API's on-demand operations (`InvokeModel`, `Converse`), answered by the
 * same response generator as batch records: an InvokeModel answer is the `modelOutput` a batch
 * job writes for the same `modelInput`, a Converse answer the output of a Converse batch job.
 */
class RuntimeOperations {
  public constructor(private readonly ctx: RuntimeContext) {}

  /** `POST /model/{modelId}/invoke`: the model's native response and the token count headers. */
  public invokeModel(modelId: string, body: Buffer, requestId: string): RuntimeResponse {
    checkModelId(modelId, 'InvokeModel', this.ctx.modelIds);
    const modelInput = parseObject(body, 'InvokeModel');
    const result = this.answer(modelId, modelInput, 'InvokeModel', requestId);
    return {
      body: result.modelOutput,
      headers: {
        'x-amzn-bedrock-input-token-count': String(result.inputTokens),
        'x-amzn-bedrock-output-token-count': String(result.outputTokens),
        'x-amzn-bedrock-invocation-latency': String(200 + result.outputTokens * 10),
      },
    };
  }

  /** `POST /model/{modelId}/converse`: the Converse response (output, stopReason, usage, metrics). */
  public converse(modelId: string, body: Buffer, requestId: string): RuntimeResponse {
    checkModelId(modelId, 'Converse', this.ctx.modelIds);
    const request = parseObject(body, 'Converse');
    if (modelFamilyOf(modelId) === 'titan-text-embeddings') {
      throw ServiceException.validation(
        "This action doesn't support the model that you provided. Try again with a supported text or chat model.",
      );
    }
    return { body: this.answer(modelId, request, 'Converse', requestId).modelOutput, headers: {} };
  }

  private answer(
    modelId: string,
    modelInput: Record<string, unknown>,
    modelInvocationType: ModelInvocationType,
    requestId: string,
  ): { modelOutput: Record<string, unknown>; inputTokens: number; outputTokens: number } {
    const result = respond(
      {
        recordId: requestId,
        modelInput,
        modelId,
        family: modelFamilyOf(modelId),
        modelInvocationType,
        jobName: '',
      },
      this.ctx.responder,
    );
    if (result.ok) return result;
    if (result.errorCode === 400) throw ServiceException.validation(result.errorMessage);
    throw runtimeException('ModelErrorException', result.errorMessage, modelId);
  }
}

export type { RuntimeContext, RuntimeResponse };
export { RuntimeOperations };
