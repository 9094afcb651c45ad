import { BEDROCK_API_LIMITS, MANAGED_BY_VALUE, TAG_CHARACTERS } from '@bedrock-batch/schema';
import { ConfigurationError } from './errors.js';
import { quoteValue } from './quote-value.js';

/** Default of `RECONCILE_LOOKBACK_HOURS`: the longest job timeout (168 h) plus one day. */
const DEFAULT_RECONCILE_LOOKBACK_HOURS = 192;
/** Default of `RECONCILE_MAX_JOBS`: jobs one reconcile run looks at, at most. */
const DEFAULT_RECONCILE_MAX_JOBS = 500;

/** The handlers' settings, read from their environment (see {@link readHandlerConfig}). */
interface HandlerConfig {
  /**
   * Owner id written to and matched against the `bedrock-batch:managed-by` tag.
   * @default MANAGED_BY_VALUE ("bedrock-batch-sfn")
   */
  readonly owner: string;
  /**
   * How far back reconcile lists jobs, in hours.
   * @default 192
   */
  readonly reconcileLookbackHours: number;
  /**
   * Most jobs one reconcile run looks at.
   * @default 500
   */
  readonly reconcileMaxJobs: number;
}

function readPositive(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  integer: boolean,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'a positive whole number' : 'a positive number';
    throw new ConfigurationError(`${name}: must be ${kind} (received: ${quoteValue(raw)})`);
  }
  return value;
}

/**
 * Reads the handlers' environment contract: `BEDROCK_BATCH_OWNER`, `RECONCILE_LOOKBACK_HOURS`
 * and `RECONCILE_MAX_JOBS`. Unset or empty variables take their defaults.
 *
 * @param env - the environment to read (default `process.env`)
 * @returns the checked settings
 * @throws ConfigurationError naming the variable and the value received when a value is unusable
 *
 * @example
 * ```ts
 * const { owner, reconcileMaxJobs } = readHandlerConfig();
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
  return {
    owner,
    reconcileLookbackHours: readPositive(
      env,
      'RECONCILE_LOOKBACK_HOURS',
      DEFAULT_RECONCILE_LOOKBACK_HOURS,
      false,
    ),
    reconcileMaxJobs: readPositive(env, 'RECONCILE_MAX_JOBS', DEFAULT_RECONCILE_MAX_JOBS, true),
  };
}

export type { HandlerConfig };
export { DEFAULT_RECONCILE_LOOKBACK_HOURS, DEFAULT_RECONCILE_MAX_JOBS, readHandlerConfig };
