import { InvalidOptionError } from '../errors.js';

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
  /** Forced job outcomes, checked in order; the first match applies. @default [] */
  jobOutcomes: JobOutcomeFault[];
  /** Event delivery faults. */
  events: EventFaults;
  /** API throttling. */
  throttle: ThrottleFaults;
  /** Tagging operations that fail for jobs in chosen statuses. */
  tags: TagFaults;
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
  };
}

/** A rate read from the live faults object, clamped to [0, 1] (bad values count as 0). */
function liveRate(value: unknown): number {
  return typeof value === 'number' && value > 0 ? Math.min(value, 1) : 0;
}

export type {
  BedrockOperationName,
  EmulatorFaults,
  EmulatorFaultsInput,
  EventFaults,
  ForcedJobOutcome,
  JobOutcomeFault,
  RecordErrorFault,
  TagFaults,
  TagOperationName,
  ThrottleFaults,
};
export { createFaults, liveRate };
