/** What a Task state declares about time and retries, taken out of the definition. */
interface TaskPolicy {
  readonly stateName: string;
  readonly resource: string;
  /** `TimeoutSeconds`; Step Functions' default is 99999999 (about a year). */
  readonly timeoutSeconds: number;
  readonly heartbeatSeconds?: number;
  readonly retry: readonly Retrier[];
}

/** What a Wait state waits for, taken out of the definition (exactly one field is set). */
interface WaitPolicy {
  readonly stateName: string;
  readonly seconds?: number;
  readonly timestamp?: string;
  readonly secondsPath?: string;
  readonly timestampPath?: string;
}

/** The resource a Wait state becomes: a Task the runtime answers on its clock. */
const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::bedrock-batch-local:wait';

/** One entry of a state's `Retry`. */
interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

type StateDefinition = Record<string, unknown>;
interface Definition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  TimeoutSeconds?: number;
  [key: string]: unknown;
}

/** The interpreter's own task timer must never fire first; setTimeout allows up to ~24.8 days. */
const INTERPRETER_TASK_TIMEOUT_SECONDS = 2_000_000;
const STEP_FUNCTIONS_DEFAULT_TIMEOUT_SECONDS = 99_999_999;

function visitStates(
  definition: { States?: Record<string, StateDefinition> },
  visit: (name: string, state: StateDefinition) => void,
): void {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    visit(name, state);
    const processor = (state.ItemProcessor ?? state.Iterator) as
      | { States?: Record<string, StateDefinition> }
      | undefined;
    if (processor) visitStates(processor, visit);
    for (const branch of (state.Branches as
      | Array<{ States?: Record<string, StateDefinition> }>
      | undefined) ?? []) {
      visitStates(branch, visit);
    }
  }
}

/**
 * Normalizes `ResultPath: "$"` away (the interpreter mishandles it), and takes time and retries
 * out of a definition's Task and Wait states so the local runtime can run them on its own clock:
 * the interpreter (aws-local-stepfunctions) would use real time, ignores `HeartbeatSeconds`, and
 * times a Task out after 60 s when `TimeoutSeconds` is absent. A Wait state becomes a Task whose
 * result is its input (the same output as the Wait), answered by the runtime once the wait is
 * over on its clock. Returns the definition to give the interpreter, each Task's policy and each
 * Wait's policy; the top-level `TimeoutSeconds` is returned separately.
 *
 * @example
 * ```ts
 * const { definition, tasks, timeoutSeconds } = prepareDefinition(JSON.parse(definitionString));
 * ```
 */
function prepareDefinition(original: Definition): {
  definition: Definition;
  tasks: Map<string, TaskPolicy>;
  waits: Map<string, WaitPolicy>;
  timeoutSeconds?: number;
} {
  // A JSON copy, not structuredClone: objects must come from this realm (the interpreter checks
  // for plain objects by prototype, and test sandboxes run in a realm of their own).
  const definition = JSON.parse(JSON.stringify(original)) as Definition;
  const tasks = new Map<string, TaskPolicy>();
  const waits = new Map<string, WaitPolicy>();
  visitStates(definition, (stateName, state) => {
    // `ResultPath: "$"` (replace the input) is the default; the interpreter would write the
    // result under a key named "$" instead, so leave the default to it.
    if (state.ResultPath === '$') delete state.ResultPath;
    for (const catcher of (state.Catch as Array<Record<string, unknown>> | undefined) ?? []) {
      if (catcher.ResultPath === '$') delete catcher.ResultPath;
    }
    if (state.Type === 'Wait') {
      waits.set(stateName, {
        stateName,
        ...(typeof state.Seconds === 'number' ? { seconds: state.Seconds } : {}),
        ...(typeof state.Timestamp === 'string' ? { timestamp: state.Timestamp } : {}),
        ...(typeof state.SecondsPath === 'string' ? { secondsPath: state.SecondsPath } : {}),
        ...(typeof state.TimestampPath === 'string' ? { timestampPath: state.TimestampPath } : {}),
      });
      for (const field of ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'])
        delete state[field];
      state.Type = 'Task';
      state.Resource = LOCAL_WAIT_RESOURCE;
      state.TimeoutSeconds = INTERPRETER_TASK_TIMEOUT_SECONDS;
      return;
    }
    if (state.Type !== 'Task') return;
    tasks.set(stateName, {
      stateName,
      resource: String(state.Resource),
      timeoutSeconds:
        typeof state.TimeoutSeconds === 'number'
          ? state.TimeoutSeconds
          : STEP_FUNCTIONS_DEFAULT_TIMEOUT_SECONDS,
      ...(typeof state.HeartbeatSeconds === 'number'
        ? { heartbeatSeconds: state.HeartbeatSeconds }
        : {}),
      retry: (state.Retry as Retrier[] | undefined) ?? [],
    });
    delete state.Retry;
    delete state.HeartbeatSeconds;
    delete state.HeartbeatSecondsPath;
    delete state.TimeoutSecondsPath;
    state.TimeoutSeconds = INTERPRETER_TASK_TIMEOUT_SECONDS;
  });
  const timeoutSeconds = definition.TimeoutSeconds;
  delete definition.TimeoutSeconds;
  return {
    definition,
    tasks,
    waits,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
  };
}

/**
 * Which retrier of `retry` handles an error, as Step Functions picks it: the first whose
 * `ErrorEquals` names the error, `States.ALL`, or `States.TaskFailed` (any error but
 * `States.Timeout`).
 */
function findRetrier(retry: readonly Retrier[], errorName: string): number {
  return retry.findIndex((retrier) =>
    retrier.ErrorEquals.some(
      (name) =>
        name === errorName ||
        name === 'States.ALL' ||
        (name === 'States.TaskFailed' && errorName !== 'States.Timeout'),
    ),
  );
}

/** Milliseconds before retry number `attempt` (0-based) of `retrier`. */
function retryDelayMs(
  retrier: Retrier,
  attempt: number,
  random: () => number = Math.random,
): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const backoff = retrier.BackoffRate ?? 2;
  let seconds = interval * backoff ** attempt;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  const ms = seconds * 1000;
  return retrier.JitterStrategy === 'FULL' ? Math.floor(random() * ms) : ms;
}

export type { Definition, Retrier, TaskPolicy, WaitPolicy };
export { findRetrier, prepareDefinition, retryDelayMs };
