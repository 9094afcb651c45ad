/**
 * The models the emulator knows, and the response family each belongs to.
 */

/** How a model's response body looks. */
type ModelFamily =
  | 'anthropic-claude'
  | 'amazon-nova'
  | 'titan-text-embeddings'
  | 'meta-llama'
  | 'other';

const FOUNDATION_MODEL_IDS: readonly string[] = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-3-sonnet-20240229-v1:0',
  'anthropic.claude-3-opus-20240229-v1:0',
  'anthropic.claude-3-5-haiku-20241022-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'anthropic.claude-3-7-sonnet-20250219-v1:0',
  'anthropic.claude-sonnet-4-20250514-v1:0',
  'anthropic.claude-opus-4-20250514-v1:0',
  'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-haiku-4-5-20251001-v1:0',
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'amazon.nova-pro-v1:0',
  'amazon.nova-premier-v1:0',
  'meta.llama3-1-8b-instruct-v1:0',
  'meta.llama3-1-70b-instruct-v1:0',
  'meta.llama3-1-405b-instruct-v1:0',
  'meta.llama3-2-11b-instruct-v1:0',
  'meta.llama3-2-90b-instruct-v1:0',
  'meta.llama3-3-70b-instruct-v1:0',
  'meta.llama4-scout-17b-instruct-v1:0',
  'meta.llama4-maverick-17b-instruct-v1:0',
];

const EMBEDDING_MODEL_IDS: readonly string[] = [
  'amazon.titan-embed-text-v1',
  'amazon.titan-embed-text-v2:0',
];

/**
 * Model ids the emulator accepts by default: several Claude, Nova, Llama and Titan text
 * embeddings models, plus the `us.` and `eu.` cross-Region inference profiles of the text models.
 *
 * @example
 * ```ts
 * await startBedrockEmulator({ modelIds: [...DEFAULT_MODEL_IDS, 'my.custom-model-v1:0'] });
 * ```
 */
const DEFAULT_MODEL_IDS: readonly string[] = Object.freeze([
  ...FOUNDATION_MODEL_IDS,
  ...EMBEDDING_MODEL_IDS,
  ...FOUNDATION_MODEL_IDS.map((id) => `us.${id}`),
  ...FOUNDATION_MODEL_IDS.map((id) => `eu.${id}`),
]);

const GEO_PREFIX = /^(?:us|eu|apac|us-gov|ca|jp|au|global)\./;
const MODEL_ARN =
  /^arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]{1,20}:(?:[0-9]{12})?:(?:foundation-model|inference-profile|system-defined-inference-profile)\/(.+)$/;

/**
 * The model id inside a model id, inference profile id or model / profile ARN:
 * `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0` gives
 * `amazon.nova-lite-v1:0`. Returns the input for anything else.
 */
function modelIdOf(modelIdentifier: string): string {
  const arn = MODEL_ARN.exec(modelIdentifier);
  return arn?.[1] ?? modelIdentifier;
}

/** The base model of an id: the id without a cross-Region profile prefix (`us.`, `eu.`, ...). */
function baseModelId(modelIdentifier: string): string {
  return modelIdOf(modelIdentifier).replace(GEO_PREFIX, '');
}

/**
 * The response family of a model, from its id, inference profile id or ARN.
 *
 * @example
 * ```ts
 * modelFamilyOf('us.anthropic.claude-3-5-haiku-20241022-v1:0'); // 'anthropic-claude'
 * ```
 */
function modelFamilyOf(modelIdentifier: string): ModelFamily {
  const base = baseModelId(modelIdentifier);
  if (base.startsWith('anthropic.')) return 'anthropic-claude';
  if (base.startsWith('amazon.nova')) return 'amazon-nova';
  if (base.startsWith('amazon.titan-embed-text')) return 'titan-text-embeddings';
  if (base.startsWith('meta.llama')) return 'meta-llama';
  return 'other';
}

export type { ModelFamily };
export { baseModelId, DEFAULT_MODEL_IDS, modelFamilyOf, modelIdOf };
