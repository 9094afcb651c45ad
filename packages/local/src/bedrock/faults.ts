import { InvalidOptionError } from '../errors.js';
import { recordErrorMessageFor } from './record-errors.js';
import {
  isRuntimeErrorName,
  RUNTIME_ERROR_NAMES,
  type RuntimeErrorName,
} from './runtime-exceptions.js';

/** The operations of the emulator, as the AWS SDK names them. */
type BedrockOperationName =
  | 'CreateModelInvocationJob'
  | 'GetModelInvocationJob'
  | 'ListModelInvocationJobs'
  | 'StopModelInvocationJob'
  | 'TagResource'
  | 'UntagResource'
  | 'ListTagsForResource';

/** A terminal status a {@link JobOutcomeFault} can force. */
type ForcedJobOutcome = 'Failed' | 'PartiallyCompleted' | 'Expired';

/**
 * Forces the outcome of matching jobs. It is checked when a job enters `InProgress`; a matching
 * job then ends in `outcome` instead of its natural status (`PartiallyCompleted` turns at least
 * one record, about a tenth of them, into errors; `Failed` and `Expired` write no output).
 *
 * @example
 * ```ts
 * emulator.faults.jobOutcomes.push({ outcome: 'Failed', jobName: 'reviews-', remaining: 1 });
 * ```
 */
interface JobOutcomeFault {
  /** The terminal status to force. */
  readonly outcome: ForcedJobOutcome;
  /**
   * Jobs whose name contains this text (or matches this pattern).
   * @default - every job name
   */
  readonly jobName?: string | RegExp;
  /**
   * Jobs created with exactly this model id.
   * @default - every model
   */
  readonly modelId?: string;
  /**
   * The job's `message` for `Failed` or `Expired`.
   * @default - a service-like message
   */
  readonly message?: string;
  /**
   * How many more jobs it applies to; decremented on each use, inactive at 0.
   * @default - unlimited
   */
  remaining?: number;
}

/** Faults on the delivery of job state change events. Rates are probabilities from 0 to 1. */
interface EventFaults {
  /** Share of events never delivered. @default 0 */
  dropRate: number;
  /** Share of events delivered twice. @default 0 */
  duplicateRate: number;
  /** Virtual milliseconds every delivery is delayed by. @default 0 */
  delayMs: number;
  /**
   * Share of events held back and delivered after the next event (or after
   * {@link EventFaults.reorderHoldMs} when no other event comes).
   * @default 0
   */
  reorderRate: number;
  /** Virtual milliseconds a held-back event waits at most. @default 60000 */
  reorderHoldMs: number;
}

/** Throttling of API calls: `ThrottlingException` (HTTP 429). */
interface ThrottleFaults {
  /** The next N calls are throttled (decremented on each). @default 0 */
  nextCalls: number;
  /** Share of calls throttled at random (seeded). @default 0 */
  rate: number;
  /**
   * Operations the throttling applies to.
   * @default - every operation
   */
  operations?: readonly BedrockOperationName[];
}

/** The tagging operations a {@link TagFaults} can fail. */
type TagOperationName = 'ListTagsForResource' | 'TagResource' | 'UntagResource';

/**
 * Makes the tagging operations fail for jobs in chosen statuses, as a real account does for
 * stopped jobs (`ListTagsForResource` fails for jobs in `Stopping`/`Stopped`, found by the
 * Terraform AWS provider's authors; the error the service returns is not documented).
 *
 * @example
 * ```ts
 * emulator.faults.tags.unreadableIn = ['Stopping', 'Stopped', 'Completed'];
 * ```
 */
interface TagFaults {
  /** Job statuses in which the tagging operations fail. @default [] */
  unreadableIn: string[];
  /**
   * The error they fail with (the real one is unverified).
   * @default 'ValidationException'
   */
  error: 'ValidationException' | 'ResourceNotFoundException';
  /**
   * Which operations fail.
   * @default ['ListTagsForResource', 'TagResource', 'UntagResource']
   */
  operations: TagOperationName[];
}

/** The error line written for a record failed by {@link EmulatorFaults.recordErrorRate}. */
interface RecordErrorFault {
  /** @default 500 */
  errorCode: number;
  /** @default 'Internal server error (injected by the emulator).' */
  errorMessage: string;
}

/**
 * One kind of record error among several ({@link EmulatorFaults.recordErrors}): a share of the
 * records and the error line written for them.
 *
 * @example
 * ```ts
 * emulator.faults.recordErrors.push({ rate: 0.05, errorCode: 429 }, { rate: 0.02, errorCode: 400 });
 * ```
 */
interface RecordErrorKindFault {
  /** Share of records (0 to 1) that fail with this error. */
  rate: number;
  /** The line's `errorCode` (an HTTP status code, as Bedrock writes it). */
  errorCode: number;
  /**
   * The line's `errorMessage`.
   * @default - the message of `BATCH_RECORD_ERRORS` for the code, or a generic one
   */
  errorMessage?: string;
}

/** The runtime API operations the emulator serves. */
type RuntimeOperationName = 'InvokeModel' | 'Converse';

/** Throttling of the runtime API: `ThrottlingException` (HTTP 429). */
interface RuntimeThrottleFaults {
  /** The next N runtime calls are throttled (decremented on each). @default 0 */
  nextCalls: number;
  /** Share of runtime calls throttled at random (seeded). @default 0 */
  rate: number;
  /**
   * Operations the throttling applies to.
   * @default - InvokeModel and Converse
   */
  operations?: readonly RuntimeOperationName[];
}

/** Errors of the runtime API, with the HTTP status the service model gives each. */
interface RuntimeErrorFaults {
  /** The next N runtime calls fail (decremented on each). @default 0 */
  nextCalls: number;
  /** Share of runtime calls that fail at random (seeded). @default 0 */
  rate: number;
  /** The error they fail with. @default 'InternalServerException' */
  error: RuntimeErrorName;
  /**
   * The error's message.
   * @default - a service-like message for the error
   */
  message?: string;
  /**
   * Operations the errors apply to.
   * @default - InvokeModel and Converse
   */
  operations?: readonly RuntimeOperationName[];
}

/** Faults of the runtime API (`InvokeModel`, `Converse`). Throttling is checked first. */
interface RuntimeFaults {
  /** Throttling. */
  throttle: RuntimeThrottleFaults;
  /** Other errors. */
  errors: RuntimeErrorFaults;
}

/**
 * Faults the emulator injects. The object is live: change any field while the emulator runs
 * (`emulator.faults.throttle.nextCalls = 2`) and the next call, record or event sees it.
 *
 * @example
 * ```ts
 * const emulator = await startBedrockEmulator({ faults: { recordErrorRate: 0.05, events: { dropRate: 0.5 } } });
 * emulator.faults.events.duplicateRate = 1;
 * ```
 */
interface EmulatorFaults {
  /** Share of records that fail (seeded by the emulator's `seed` and the job). @default 0 */
  recordErrorRate: number;
  /** The error written for those records. */
  recordError: RecordErrorFault;
  /**
   * More kinds of record errors, each with its own share; drawn after `recordErrorRate` with the
   * same draw per record, so the shares add up (capped at every record).
   * @default []
   */
  recordErrors: RecordErrorKindFault[];
  /** Forced job outcomes, checked in order; the first match applies. @default [] */
  jobOutcomes: JobOutcomeFault[];
  /** Event delivery faults. */
  events: EventFaults;
  /** API throttling. */
  throttle: ThrottleFaults;
  /** Tagging operations that fail for jobs in chosen statuses. */
  tags: TagFaults;
  /** Faults of the runtime API (`InvokeModel`, `Converse`). */
  runtime: RuntimeFaults;
}

/** Initial faults, every field optional. */
interface EmulatorFaultsInput {
  /** @default 0 */
  readonly recordErrorRate?: number;
  /** @default { errorCode: 500, errorMessage: 'Internal server error (injected by the emulator).' } */
  readonly recordError?: Partial<RecordErrorFault>;
  /** @default [] */
  readonly jobOutcomes?: readonly JobOutcomeFault[];
  /** @default no event faults */
  readonly events?: Partial<EventFaults>;
  /** @default no throttling */
  readonly throttle?: Partial<ThrottleFaults>;
  /** @default tags always readable */
  readonly tags?: Partial<TagFaults>;
  /** @default [] */
  readonly recordErrors?: readonly RecordErrorKindInput[];
  /** @default no runtime faults */
  readonly runtime?: {
    readonly throttle?: Partial<RuntimeThrottleFaults>;
    readonly errors?: Partial<RuntimeErrorFaults>;
  };
}

/** One entry of {@link EmulatorFaultsInput.recordErrors}; the message defaults by code. */
interface RecordErrorKindInput {
  readonly rate: number;
  readonly errorCode: number;
  /** @default - the message of `BATCH_RECORD_ERRORS` for the code, or a generic one */
  readonly errorMessage?: string;
}

const TAG_OPERATIONS: readonly TagOperationName[] = [
  'ListTagsForResource',
  'TagResource',
  'UntagResource',
];
const TAG_ERRORS: ReadonlySet<string> = new Set([
  'ValidationException',
  'ResourceNotFoundException',
]);

function createTagFaults(input: Partial<TagFaults> = {}): TagFaults {
  const unreadableIn = input.unreadableIn ?? [];
  if (!Array.isArray(unreadableIn) || unreadableIn.some((s) => typeof s !== 'string')) {
    throw new InvalidOptionError(
      'faults.tags.unreadableIn',
      unreadableIn,
      'must be a list of job statuses',
    );
  }
  const error = input.error ?? 'ValidationException';
  if (!TAG_ERRORS.has(error)) {
    throw new InvalidOptionError(
      'faults.tags.error',
      error,
      'must be ValidationException or ResourceNotFoundException',
    );
  }
  const operations = input.operations ?? TAG_OPERATIONS;
  for (const [index, operation] of operations.entries()) {
    if (!TAG_OPERATIONS.includes(operation)) {
      throw new InvalidOptionError(
        `faults.tags.operations[${index}]`,
        operation,
        'must be ListTagsForResource, TagResource or UntagResource',
      );
    }
  }
  return { unreadableIn: [...unreadableIn], error, operations: [...operations] };
}

const OUTCOMES: ReadonlySet<string> = new Set(['Failed', 'PartiallyCompleted', 'Expired']);

function rate(name: string, value: number | undefined): number {
  const v = value ?? 0;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new InvalidOptionError(name, value, 'must be a number from 0 to 1');
  }
  return v;
}

function nonNegative(
  name: string,
  value: number | undefined,
  fallback: number,
  integer = false,
): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new InvalidOptionError(
      name,
      value,
      integer ? 'must be an integer >= 0' : 'must be a number >= 0',
    );
  }
  return v;
}

function httpStatus(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 599) {
    throw new InvalidOptionError(name, value, 'must be an HTTP status code');
  }
  return value;
}

function createRecordErrors(input: readonly RecordErrorKindInput[] = []): RecordErrorKindFault[] {
  if (!Array.isArray(input)) {
    throw new InvalidOptionError('faults.recordErrors', input, 'must be a list');
  }
  return input.map((kind, index) => {
    const errorCode = httpStatus(`faults.recordErrors[${index}].errorCode`, kind?.errorCode);
    return {
      rate: rate(`faults.recordErrors[${index}].rate`, kind.rate),
      errorCode,
      errorMessage: kind.errorMessage ?? recordErrorMessageFor(errorCode),
    };
  });
}

const RUNTIME_OPERATIONS: readonly RuntimeOperationName[] = ['InvokeModel', 'Converse'];

function runtimeOperations(
  name: string,
  operations: readonly RuntimeOperationName[] | undefined,
): { operations?: RuntimeOperationName[] } {
  if (operations === undefined) return {};
  for (const [index, operation] of operations.entries()) {
    if (!RUNTIME_OPERATIONS.includes(operation)) {
      throw new InvalidOptionError(
        `${name}[${index}]`,
        operation,
        'must be InvokeModel or Converse',
      );
    }
  }
  return { operations: [...operations] };
}

function createRuntimeFaults(input: EmulatorFaultsInput['runtime'] = {}): RuntimeFaults {
  const error = input.errors?.error ?? 'InternalServerException';
  if (!isRuntimeErrorName(error)) {
    throw new InvalidOptionError(
      'faults.runtime.errors.error',
      error,
      `must be one of ${RUNTIME_ERROR_NAMES.join(', ')}`,
    );
  }
  return {
    throttle: {
      nextCalls: nonNegative(
        'faults.runtime.throttle.nextCalls',
        input.throttle?.nextCalls,
        0,
        true,
      ),
      rate: rate('faults.runtime.throttle.rate', input.throttle?.rate),
      ...runtimeOperations('faults.runtime.throttle.operations', input.throttle?.operations),
    },
    errors: {
      nextCalls: nonNegative('faults.runtime.errors.nextCalls', input.errors?.nextCalls, 0, true),
      rate: rate('faults.runtime.errors.rate', input.errors?.rate),
      error,
      ...(input.errors?.message !== undefined ? { message: input.errors.message } : {}),
      ...runtimeOperations('faults.runtime.errors.operations', input.errors?.operations),
    },
  };
}

/** Builds the live faults object from the initial faults, checking every value. */
function createFaults(input: EmulatorFaultsInput = {}): EmulatorFaults {
  const jobOutcomes = (input.jobOutcomes ?? []).map((fault, index) => {
    if (!OUTCOMES.has(fault?.outcome)) {
      throw new InvalidOptionError(
        `faults.jobOutcomes[${index}].outcome`,
        fault?.outcome,
        'must be Failed, PartiallyCompleted or Expired',
      );
    }
    return { ...fault };
  });
  const errorCode = input.recordError?.errorCode ?? 500;
  if (!Number.isInteger(errorCode) || errorCode < 100 || errorCode > 599) {
    throw new InvalidOptionError(
      'faults.recordError.errorCode',
      errorCode,
      'must be an HTTP status code',
    );
  }
  return {
    recordErrorRate: rate('faults.recordErrorRate', input.recordErrorRate),
    recordError: {
      errorCode,
      errorMessage:
        input.recordError?.errorMessage ?? 'Internal server error (injected by the emulator).',
    },
    jobOutcomes,
    events: {
      dropRate: rate('faults.events.dropRate', input.events?.dropRate),
      duplicateRate: rate('faults.events.duplicateRate', input.events?.duplicateRate),
      delayMs: nonNegative('faults.events.delayMs', input.events?.delayMs, 0),
      reorderRate: rate('faults.events.reorderRate', input.events?.reorderRate),
      reorderHoldMs: nonNegative(
        'faults.events.reorderHoldMs',
        input.events?.reorderHoldMs,
        60_000,
      ),
    },
    throttle: {
      nextCalls: nonNegative('faults.throttle.nextCalls', input.throttle?.nextCalls, 0, true),
      rate: rate('faults.throttle.rate', input.throttle?.rate),
      ...(input.throttle?.operations ? { operations: [...input.throttle.operations] } : {}),
    },
    tags: createTagFaults(input.tags),
    recordErrors: createRecordErrors(input.recordErrors),
    runtime: createRuntimeFaults(input.runtime),
  };
}

/** A rate read from the live faults object, clamped to [0, 1] (bad values count as 0). */
function liveRate(value: unknown): number {
  return typeof value === 'number' && value > 0 ? Math.min(value, 1) : 0;
}

/** A record error kind with its live share, read once per batch of records. */
interface WeightedRecordError {
  readonly rate: number;
  readonly errorCode: number;
  readonly errorMessage: string;
}

/**
 * The record error kinds in draw order: `recordErrorRate` / `recordError` first, then
 * `recordErrors`, each with its live rate (bad values count as 0).
 */
function recordErrorKinds(faults: EmulatorFaults): WeightedRecordError[] {
  const kinds: WeightedRecordError[] = [
    { ...faults.recordError, rate: liveRate(faults.recordErrorRate) },
  ];
  for (const kind of Array.isArray(faults.recordErrors) ? faults.recordErrors : []) {
    kinds.push({
      rate: liveRate(kind?.rate),
      errorCode: kind.errorCode,
      errorMessage: kind.errorMessage ?? recordErrorMessageFor(kind.errorCode),
    });
  }
  return kinds.filter((kind) => kind.rate > 0);
}

/**
 * The kind a record's draw (a number in [0, 1)) falls into, the kinds laid end to end on
 * [0, 1); `undefined` when it falls past them (the record succeeds).
 */
function pickRecordError(
  kinds: readonly WeightedRecordError[],
  draw: number,
): WeightedRecordError | undefined {
  let upTo = 0;
  for (const kind of kinds) {
    upTo += kind.rate;
    if (draw < upTo) return kind;
  }
  return undefined;
}

export type {
  BedrockOperationName,
  EmulatorFaults,
  EmulatorFaultsInput,
  EventFaults,
  ForcedJobOutcome,
  JobOutcomeFault,
  RecordErrorFault,
  RecordErrorKindFault,
  RecordErrorKindInput,
  RuntimeErrorFaults,
  RuntimeErrorName,
  RuntimeFaults,
  RuntimeOperationName,
  RuntimeThrottleFaults,
  TagFaults,
  TagOperationName,
  ThrottleFaults,
};
export { createFaults, liveRate, pickRecordError, recordErrorKinds };
