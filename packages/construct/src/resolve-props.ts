import { Duration, Token } from 'aws-cdk-lib';
import {
  type BedrockBatchDatasetQuotas,
  type BedrockBatchRetryOptions,
  type BedrockBatchSfnProps,
  HandlerLogLevel,
  ModelInvocationType,
  OnDemandServiceTier,
} from './bedrock-batch-sfn-props.js';
import { InvalidPropError } from './errors.js';
import {
  BEDROCK_LIMITS,
  DEFAULT_RECORDS_PER_JOB,
  RESERVED_TAG_PREFIX,
  TAG_CHARACTER_PATTERN,
} from './service-constants.js';

/** Defaults of the optional props, in one place. */
const DEFAULTS = Object.freeze({
  timeout: Duration.hours(48),
  inputPath: '$',
  resultPath: '$',
  maxConcurrency: 10,
  outputPrefix: 'bedrock-batch/output/',
  modelInvocationType: ModelInvocationType.INVOKE_MODEL,
  reconcilePeriod: Duration.minutes(5),
  heartbeatPeriods: 3,
  handlerLogLevel: HandlerLogLevel.INFO,
  onDemandBelowMinimum: true,
  onDemandConcurrency: 4,
  throttlingRetry: {
    interval: Duration.seconds(10),
    maxAttempts: 8,
    backoffRate: 2,
    maxDelay: Duration.minutes(5),
  },
  // A slot frees when any job of the model ends: poll often enough that a wave starts soon after
  // the last one ends (makespan 1.05 x ideal in the examples' orchestration benchmark), at a cost
  // of about 8 create-job invocations per hour of waiting (full jitter: 7.5 minutes on average).
  quotaRetry: {
    interval: Duration.minutes(3),
    maxAttempts: 280,
    backoffRate: 1.5,
    maxDelay: Duration.minutes(15),
  },
});

/** Most concurrent iterations of an inline Map. */
const MAX_INLINE_MAP_CONCURRENCY = 40;
/** Most user tags: Bedrock allows 200 per job and the handlers write up to 20 of their own. */
const MAX_USER_TAGS = 180;
/** Margin of the task timeout over the job timeout, on top of one reconcile period. */
const TASK_TIMEOUT_MARGIN = Duration.hours(1);

/** A retry setting with every field filled in. */
interface ResolvedRetry {
  readonly interval: Duration;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelay: Duration;
}

/** The props with defaults applied and every value checked. */
interface ResolvedProps {
  /** Job timeout in hours (a token when the prop is one). */
  readonly timeoutHours: number;
  readonly inputPath: string;
  readonly resultPath: string;
  readonly maxConcurrency: number;
  readonly outputPrefix: string;
  readonly modelInvocationType: ModelInvocationType;
  readonly reconcilePeriod: Duration;
  readonly heartbeatTimeout: Duration;
  readonly taskTimeout: Duration;
  /** The log level the user asked for, undefined when left to the default. */
  readonly handlerLogLevel: HandlerLogLevel | undefined;
  readonly throttlingRetry: ResolvedRetry;
  readonly quotaRetry: ResolvedRetry;
  readonly jobTags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  /** Quota overrides handed to the preparation step, when any are set. */
  readonly datasetQuotas: Readonly<Record<string, number>> | undefined;
  /** Whether a dataset under the minimum is answered on demand. */
  readonly onDemandBelowMinimum: boolean;
  /** Runtime API calls in flight when answering on demand. */
  readonly onDemandConcurrency: number;
  /** Service tier of on-demand calls, when one is asked for. */
  readonly onDemandServiceTier: OnDemandServiceTier | undefined;
}

/** A duration as the caller wrote it, e.g. `Duration.minutes(90)`. */
function describeDuration(value: Duration): string {
  return value.toString();
}

function wholeUnits(
  prop: string,
  value: Duration,
  unit: 'hours' | 'minutes',
  min: number,
  max: number,
): number {
  const amount =
    unit === 'hours' ? value.toHours({ integral: false }) : value.toMinutes({ integral: false });
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    throw new InvalidPropError(
      prop,
      `must be a whole number of ${unit} between ${min} and ${max}`,
      describeDuration(value),
    );
  }
  return amount;
}

function checkJsonPath(prop: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    !/^\$(?:(?:\.[A-Za-z_][A-Za-z0-9_]*)|(?:\[\d+\]))*$/.test(value)
  ) {
    throw new InvalidPropError(
      prop,
      'must be a JSONPath made of field names and indexes, such as "$" or "$.batch"',
      value,
    );
  }
  return value;
}

/** Whether `value` holds an IAM wildcard (`*`, `?`) or a control character. */
function hasWildcardOrControl(value: string): boolean {
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '*' || char === '?' || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function checkOutputPrefix(value: unknown): string {
  if (Token.isUnresolved(value)) {
    throw new InvalidPropError(
      'outputPrefix',
      'must be a literal string, not a token',
      String(value),
    );
  }
  if (
    typeof value !== 'string' ||
    value.length < 2 ||
    value.length > 512 ||
    value.startsWith('/') ||
    !value.endsWith('/') ||
    value.includes('//') ||
    hasWildcardOrControl(value)
  ) {
    throw new InvalidPropError(
      'outputPrefix',
      'must be 2 to 512 characters ending with "/", not starting with "/", without "//", "*", "?" or control characters',
      value,
    );
  }
  return value;
}

function checkIntegerRange(prop: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPropError(prop, `must be an integer between ${min} and ${max}`, value);
  }
  return value;
}

/** Upper bound of a quota override (Step Functions JSON numbers stay exact below 2^53). */
const MAX_QUOTA = Number.MAX_SAFE_INTEGER;

function resolveDatasetQuotas(
  value: BedrockBatchDatasetQuotas | undefined,
): Readonly<Record<string, number>> | undefined {
  if (value === undefined) return undefined;
  const quotas: Record<string, number> = {};
  for (const [name, quota] of Object.entries(value)) {
    if (quota === undefined) continue;
    if (Token.isUnresolved(quota)) {
      throw new InvalidPropError(`datasetQuotas.${name}`, 'must be a number, not a token', quota);
    }
    quotas[name] = checkIntegerRange(`datasetQuotas.${name}`, quota, 1, MAX_QUOTA);
  }
  const min = quotas.minRecordsPerJob ?? DEFAULT_RECORDS_PER_JOB.min;
  const max = quotas.maxRecordsPerJob ?? DEFAULT_RECORDS_PER_JOB.max;
  if (min > max) {
    throw new InvalidPropError(
      'datasetQuotas.minRecordsPerJob',
      `must not exceed datasetQuotas.maxRecordsPerJob (${max})`,
      min,
    );
  }
  return Object.keys(quotas).length === 0 ? undefined : Object.freeze(quotas);
}

function resolveRetry(
  prop: string,
  value: BedrockBatchRetryOptions | undefined,
  defaults: ResolvedRetry,
): ResolvedRetry {
  const interval = value?.interval ?? defaults.interval;
  const maxDelay = value?.maxDelay ?? defaults.maxDelay;
  const intervalSeconds = interval.toSeconds({ integral: false });
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 99_999_999) {
    throw new InvalidPropError(
      `${prop}.interval`,
      'must be a whole number of seconds, at least 1',
      describeDuration(interval),
    );
  }
  const maxDelaySeconds = maxDelay.toSeconds({ integral: false });
  if (!Number.isInteger(maxDelaySeconds) || maxDelaySeconds < intervalSeconds) {
    throw new InvalidPropError(
      `${prop}.maxDelay`,
      `must be a whole number of seconds, at least the interval (${describeDuration(interval)})`,
      describeDuration(maxDelay),
    );
  }
  const maxAttempts = checkIntegerRange(
    `${prop}.maxAttempts`,
    value?.maxAttempts ?? defaults.maxAttempts,
    0,
    1000,
  );
  const backoffRate = value?.backoffRate ?? defaults.backoffRate;
  if (typeof backoffRate !== 'number' || !(backoffRate >= 1 && backoffRate <= 10)) {
    throw new InvalidPropError(
      `${prop}.backoffRate`,
      'must be a number between 1 and 10',
      backoffRate,
    );
  }
  return { interval, maxAttempts, backoffRate, maxDelay };
}

function resolveJobTags(
  value: BedrockBatchSfnProps['jobTags'],
): Array<{ key: string; value: string }> {
  if (value === undefined) return [];
  const entries = Object.entries(value);
  if (entries.length > MAX_USER_TAGS) {
    throw new InvalidPropError(
      'jobTags',
      `must hold at most ${MAX_USER_TAGS} tags`,
      `${entries.length} tags`,
    );
  }
  return entries.map(([key, tagValue]) => {
    if (
      key.length < 1 ||
      key.length > BEDROCK_LIMITS.maxTagKeyLength ||
      !TAG_CHARACTER_PATTERN.test(key) ||
      key.startsWith(RESERVED_TAG_PREFIX)
    ) {
      throw new InvalidPropError(
        'jobTags',
        `keys must be 1 to ${BEDROCK_LIMITS.maxTagKeyLength} letters, digits, white space or _.:/=+-@ and not start with "${RESERVED_TAG_PREFIX}"`,
        key,
      );
    }
    if (
      typeof tagValue !== 'string' ||
      tagValue.length > BEDROCK_LIMITS.maxTagValueLength ||
      !TAG_CHARACTER_PATTERN.test(tagValue)
    ) {
      throw new InvalidPropError(
        `jobTags.${key}`,
        `must be at most ${BEDROCK_LIMITS.maxTagValueLength} letters, digits, white space or _.:/=+-@`,
        tagValue,
      );
    }
    return { key, value: tagValue };
  });
}

function checkEnum<T extends string>(prop: string, value: unknown, allowed: Record<string, T>): T {
  const values = Object.values(allowed);
  if (!values.includes(value as T)) {
    throw new InvalidPropError(prop, `must be one of ${values.join(', ')}`, value);
  }
  return value as T;
}

/**
 * Applies the defaults to `BedrockBatchSfn` props and checks every value. Values that are
 * unresolved tokens are not range-checked.
 *
 * @throws InvalidPropError naming the prop and the value received
 *
 * @example
 * ```ts
 * const resolved = resolveProps(props);
 * ```
 */
function resolveProps(props: BedrockBatchSfnProps): ResolvedProps {
  if (props.bedrockBatchInputBucket === undefined || props.bedrockBatchInputBucket === null) {
    throw new InvalidPropError(
      'bedrockBatchInputBucket',
      'is required',
      props.bedrockBatchInputBucket,
    );
  }
  if (props.bedrockBatchOutputBucket === undefined || props.bedrockBatchOutputBucket === null) {
    throw new InvalidPropError(
      'bedrockBatchOutputBucket',
      'is required',
      props.bedrockBatchOutputBucket,
    );
  }
  const timeout = props.timeout ?? DEFAULTS.timeout;
  // A token (e.g. a CfnParameter) cannot be checked at synth: Bedrock checks it, and the task
  // and reconcile settings assume the longest timeout Bedrock allows.
  const timeoutIsToken = timeout.isUnresolved();
  const timeoutHours = timeoutIsToken
    ? timeout.toHours()
    : wholeUnits(
        'timeout',
        timeout,
        'hours',
        BEDROCK_LIMITS.minTimeoutHours,
        BEDROCK_LIMITS.maxTimeoutHours,
      );
  const boundTimeoutHours = timeoutIsToken ? BEDROCK_LIMITS.maxTimeoutHours : timeoutHours;

  const reconcilePeriod = props.reconcilePeriod ?? DEFAULTS.reconcilePeriod;
  const reconcileMinutes = wholeUnits('reconcilePeriod', reconcilePeriod, 'minutes', 1, 60);

  const heartbeatTimeout =
    props.heartbeatTimeout ?? Duration.minutes(reconcileMinutes * DEFAULTS.heartbeatPeriods);
  const heartbeatSeconds = heartbeatTimeout.toSeconds({ integral: false });
  if (
    !Number.isInteger(heartbeatSeconds) ||
    heartbeatSeconds <= reconcilePeriod.toSeconds() ||
    heartbeatSeconds >= BEDROCK_LIMITS.minTimeoutHours * 3600
  ) {
    throw new InvalidPropError(
      'heartbeatTimeout',
      `must be whole seconds, more than the reconcile period (${describeDuration(reconcilePeriod)}) and less than ${BEDROCK_LIMITS.minTimeoutHours} hours`,
      describeDuration(heartbeatTimeout),
    );
  }

  const maxConcurrency = props.maxConcurrency ?? DEFAULTS.maxConcurrency;
  if (!Token.isUnresolved(maxConcurrency)) {
    checkIntegerRange('maxConcurrency', maxConcurrency, 1, MAX_INLINE_MAP_CONCURRENCY);
  }

  return {
    timeoutHours,
    inputPath: checkJsonPath('inputPath', props.inputPath ?? DEFAULTS.inputPath),
    resultPath: checkJsonPath('resultPath', props.resultPath ?? DEFAULTS.resultPath),
    maxConcurrency,
    outputPrefix: checkOutputPrefix(props.outputPrefix ?? DEFAULTS.outputPrefix),
    modelInvocationType: checkEnum(
      'modelInvocationType',
      props.modelInvocationType ?? DEFAULTS.modelInvocationType,
      ModelInvocationType,
    ),
    reconcilePeriod,
    heartbeatTimeout,
    taskTimeout: Duration.minutes(
      boundTimeoutHours * 60 + TASK_TIMEOUT_MARGIN.toMinutes() + reconcileMinutes,
    ),
    handlerLogLevel:
      props.handlerLogLevel === undefined
        ? undefined
        : checkEnum('handlerLogLevel', props.handlerLogLevel, HandlerLogLevel),
    throttlingRetry: resolveRetry(
      'throttlingRetry',
      props.throttlingRetry,
      DEFAULTS.throttlingRetry,
    ),
    quotaRetry: resolveRetry('quotaRetry', props.quotaRetry, DEFAULTS.quotaRetry),
    jobTags: resolveJobTags(props.jobTags),
    datasetQuotas: resolveDatasetQuotas(props.datasetQuotas),
    onDemandBelowMinimum: props.onDemandBelowMinimum ?? DEFAULTS.onDemandBelowMinimum,
    onDemandConcurrency: checkIntegerRange(
      'onDemandConcurrency',
      props.onDemandConcurrency ?? DEFAULTS.onDemandConcurrency,
      1,
      64,
    ),
    onDemandServiceTier:
      props.onDemandServiceTier === undefined
        ? undefined
        : checkEnum('onDemandServiceTier', props.onDemandServiceTier, OnDemandServiceTier),
  };
}

export type { ResolvedProps, ResolvedRetry };
export { DEFAULTS, resolveProps };
