import {
  BEDROCK_API_LIMITS,
  MANAGED_BY_VALUE,
  S3BucketNameSchema,
  TAG_CHARACTERS,
} from '@bedrock-batch/schema';
import { ConfigurationError } from './errors.js';
import { quoteValue } from './quote-value.js';

/** The handlers' settings, read from their environment (see {@link readHandlerConfig}). */
interface HandlerConfig {
  /**
   * Owner id written to and matched against the `bedrock-batch:managed-by` tag.
   * @default MANAGED_BY_VALUE ("bedrock-batch-sfn")
   */
  readonly owner: string;
  /**
   * The buckets that hold the owner's job tickets (`BEDROCK_BATCH_CONTROL_BUCKETS`,
   * comma-separated).
   * @default []
   */
  readonly controlBuckets: readonly string[];
}

function readBuckets(env: NodeJS.ProcessEnv): string[] {
  const raw = env.BEDROCK_BATCH_CONTROL_BUCKETS ?? '';
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!S3BucketNameSchema.safeParse(name).success) {
      throw new ConfigurationError(
        `BEDROCK_BATCH_CONTROL_BUCKETS: every entry must be an S3 bucket name (received: ${quoteValue(name)} in ${quoteValue(raw)})`,
      );
    }
  }
  return [...new Set(names)];
}

/**
 * Reads the handlers' environment contract: `BEDROCK_BATCH_OWNER` and
 * `BEDROCK_BATCH_CONTROL_BUCKETS`. Unset or empty variables take their defaults.
 *
 * @param env - the environment to read (default `process.env`)
 * @returns the checked settings
 * @throws ConfigurationError naming the variable and the value received when a value is unusable
 *
 * @example
 * ```ts
 * const { owner, controlBuckets } = readHandlerConfig();
 * ```
 */
function readHandlerConfig(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const rawOwner = env.BEDROCK_BATCH_OWNER;
  const owner = rawOwner === undefined || rawOwner.trim() === '' ? MANAGED_BY_VALUE : rawOwner;
  if (owner.length > BEDROCK_API_LIMITS.maxTagValueLength || !TAG_CHARACTERS.test(owner)) {
    throw new ConfigurationError(
      `BEDROCK_BATCH_OWNER: must be a tag value (at most 256 letters, digits, white space and _.:/=+-@) (received: ${quoteValue(owner)})`,
    );
  }
  return { owner, controlBuckets: readBuckets(env) };
}

export type { HandlerConfig };
export { readHandlerConfig };
