import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Clock, ClockTimer } from '../clock.js';
import { LambdaInvocationError } from '../errors.js';
import { parseJsonPath, readJsonPath } from '../eventbridge/json-path.js';
import type { LocalFunction } from '../lambda/local-function.js';
import {
  type Definition,
  findRetrier,
  prepareDefinition,
  retryDelayMs,
  type TaskPolicy,
  type WaitPolicy,
} from './prepare-definition.js';
import type { TaskTokenRegistry } from './task-token-registry.js';

/** One event of an execution's history. */
interface HistoryEvent {
  readonly id: number;
  /** Virtual time, epoch milliseconds. */
  readonly timestamp: number;
  readonly type: string;
  readonly stateName?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Final state of an execution. */
type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** What an execution ended with. */
interface ExecutionResult {
  readonly executionArn: string;
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  /** The execution's output when it SUCCEEDED. */
  readonly output?: unknown;
  /** The error name when it FAILED (or `States.Timeout` when it TIMED_OUT). */
  readonly error?: string;
  readonly cause?: string;
  readonly history: readonly HistoryEvent[];
}

/** Everything a local state machine needs from the runtime around it. */
interface LocalStateMachineOptions {
  readonly name: string;
  readonly arn: string;
  readonly definition: Definition;
  readonly clock: Clock;
  readonly registry: TaskTokenRegistry;
  /** Finds a function by name or ARN (qualified or not). */
  readonly findFunction: (nameOrArn: string) => LocalFunction | undefined;
  /**
   * Random numbers for retry jitter.
   * @default Math.random
   */
  readonly random?: () => number;
}

/** A JSON value, as the interpreter passes and returns them. */
type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

const TOKEN_PLACEHOLDER = '__bedrock_batch_local_task_token__';

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value === from ? to : value.split(from).join(to);
  if (Array.isArray(value)) return value.map((item) => replaceDeep(item, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}

/**
 * A running (or finished) execution of a {@link LocalStateMachine}.
 *
 * @example
 * ```ts
 * const execution = machine.startExecution({ job_name: 'reviews', manifest_keys: ['a.jsonl'], model_id: 'm' });
 * const result = await execution.result; // { status: 'SUCCEEDED', output, history }
 * ```
 */
class LocalExecution {
  /** Set before `result` resolves: final once `result` has resolved. */
  public status: ExecutionStatus = 'RUNNING';
  public readonly history: HistoryEvent[] = [];
  /** Virtual time the execution started, epoch milliseconds. */
  public readonly startedAt: number;
  /** Virtual time the execution ended, epoch milliseconds; `undefined` while it runs. */
  public stoppedAt: number | undefined;
  /** The execution's input. */
  public readonly input: unknown;
  /** What it ended with (output, or error and cause); `undefined` while it runs. */
  public outcome:
    | { readonly output?: unknown; readonly error?: string; readonly cause?: string }
    | undefined;
  /** Resolves when the execution ends, whatever the outcome (never rejects). */
  public readonly result: Promise<ExecutionResult>;
  private readonly aborter = new AbortController();
  private abortInterpreter: () => void = () => {};
  private timeoutTimer: ClockTimer | undefined;

  public constructor(
    public readonly executionArn: string,
    public readonly name: string,
    input: unknown,
    private readonly machine: LocalStateMachine,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.now();
    this.input = input;
    this.result = this.run(input);
  }

  /** ARN of the state machine this is an execution of. */
  public get stateMachineArn(): string {
    return this.machine.arn;
  }

  /** Whether the execution is still running. */
  public get running(): boolean {
    return this.status === 'RUNNING';
  }

  /** The signal tasks watch; aborted when the execution ends. */
  public get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** Stops the execution (StopExecution): waiting tasks are closed, their tokens die. */
  public abort(error = 'Aborted', cause = 'The execution was stopped.'): void {
    if (!this.running) return;
    this.finish('ABORTED', { error, cause });
  }

  /** Adds an event to the history. */
  public record(type: string, stateName?: string, details?: Record<string, unknown>): void {
    this.history.push({
      id: this.history.length + 1,
      timestamp: this.clock.now(),
      type,
      ...(stateName !== undefined ? { stateName } : {}),
      ...(details !== undefined ? { details } : {}),
    });
  }

  private settle: (result: ExecutionResult) => void = () => {};

  private finish(
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    outcome: { output?: unknown; error?: string; cause?: string },
  ): void {
    if (!this.running) return;
    this.status = status;
    this.stoppedAt = this.clock.now();
    this.outcome = outcome;
    this.timeoutTimer?.cancel();
    this.record(
      `Execution${status === 'TIMED_OUT' ? 'TimedOut' : status[0] + status.slice(1).toLowerCase()}`,
      undefined,
      outcome,
    );
    this.aborter.abort(named('Execution.Ended', `The execution ended: ${status}`));
    this.abortInterpreter();
    this.machine.registry.closeExecution(this.executionArn, named('Execution.Ended', status));
    this.settle({ executionArn: this.executionArn, status, ...outcome, history: this.history });
  }

  private async run(input: unknown): Promise<ExecutionResult> {
    const settled = new Promise<ExecutionResult>((resolve) => {
      this.settle = resolve;
    });
    this.record('ExecutionStarted', undefined, { input });
    if (this.machine.timeoutSeconds !== undefined) {
      this.timeoutTimer = this.clock.setTimer(this.machine.timeoutSeconds * 1000, () =>
        this.finish('TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out.' }),
      );
    }
    const run = this.machine.interpreter.run(input as JSONValue, {
      noThrowOnAbort: true,
      overrides: { taskResourceLocalHandlers: this.machine.taskHandlers(this) },
      context: {
        Execution: { Id: this.executionArn, Name: this.name, RoleArn: '' },
        StateMachine: { Id: this.machine.arn, Name: this.machine.name },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    this.abortInterpreter = run.abort;
    void (async () => {
      for await (const event of run.eventLogs) {
        if (!this.running) break;
        const {
          type,
          timestamp: _real,
          ...rest
        } = event as { type: string; timestamp: number; state?: { name?: string } };
        // Execution-level events are recorded by this class, on the virtual clock.
        if (!type.startsWith('Execution')) this.record(type, rest.state?.name, rest);
      }
    })().catch(() => undefined);
    run.result.then(
      (output) => {
        if (this.running) this.finish('SUCCEEDED', { output });
      },
      (error: Error) => {
        const failure = (error.cause as Error | undefined) ?? error;
        this.finish('FAILED', { error: failure.name, cause: failure.message });
      },
    );
    return settled;
  }
}

/**
 * A state machine of a synthesized template, run locally: the interpreter executes the ASL,
 * while this class runs its Task states (Lambda `invoke`, `invoke.waitForTaskToken` and direct
 * Lambda ARNs) against local functions and enforces `TimeoutSeconds`, `HeartbeatSeconds` and
 * `Retry` on the runtime's clock. Each callback task attempt gets a unique token.
 *
 * @example
 * ```ts
 * const machine = new LocalStateMachine({ name, arn, definition, clock, registry, findFunction });
 * const { status, output } = await machine.startExecution({}).result;
 * ```
 */
class LocalStateMachine {
  public readonly interpreter: StateMachine;
  public readonly timeoutSeconds: number | undefined;
  public readonly executions: LocalExecution[] = [];
  private readonly tasks: Map<string, TaskPolicy>;
  private readonly waits: Map<string, WaitPolicy>;

  public constructor(private readonly options: LocalStateMachineOptions) {
    const prepared = prepareDefinition(options.definition);
    this.tasks = prepared.tasks;
    this.waits = prepared.waits;
    this.timeoutSeconds = prepared.timeoutSeconds;
    this.interpreter = new StateMachine(prepared.definition as never, {
      validationOptions: { checkArn: false },
    });
  }

  public get name(): string {
    return this.options.name;
  }

  public get arn(): string {
    return this.options.arn;
  }

  public get registry(): TaskTokenRegistry {
    return this.options.registry;
  }

  /**
   * Starts an execution; its `result` resolves when it ends.
   *
   * @param input - the execution input (any JSON value)
   * @param name - execution name
   * @default name - a random UUID
   */
  public startExecution(input: unknown, name: string = randomUUID()): LocalExecution {
    const arn = `${this.options.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const execution = new LocalExecution(arn, name, input, this, this.options.clock);
    this.executions.push(execution);
    return execution;
  }

  /** The interpreter overrides of every Task state, bound to one execution. */
  public taskHandlers(
    execution: LocalExecution,
  ): Record<string, (input: JSONValue) => Promise<JSONValue>> {
    const handlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
    for (const policy of this.tasks.values()) {
      handlers[policy.stateName] = (input) =>
        this.runTask(execution, policy, input) as Promise<JSONValue>;
    }
    for (const policy of this.waits.values()) {
      handlers[policy.stateName] = async (input) => {
        await this.options.clock.sleep(this.waitMs(policy, input), execution.signal);
        return input;
      };
    }
    return handlers;
  }

  /** How long a Wait state waits, in virtual milliseconds, as Step Functions reads its fields. */
  private waitMs(policy: WaitPolicy, input: unknown): number {
    const read = (path: string): unknown => readJsonPath(input, parseJsonPath(path, 'Path'));
    const invalid = (field: string, value: unknown, expected: string): Error =>
      named(
        'States.Runtime',
        `Wait state ${policy.stateName}: ${field} must be ${expected} (received: ${JSON.stringify(value) ?? 'undefined'}).`,
      );
    const untilTimestamp = (value: unknown, field: string): number => {
      const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(time)) throw invalid(field, value, 'an RFC 3339 timestamp');
      return Math.max(0, time - this.options.clock.now());
    };
    if (policy.seconds !== undefined) return policy.seconds * 1000;
    if (policy.timestamp !== undefined) return untilTimestamp(policy.timestamp, 'Timestamp');
    if (policy.timestampPath !== undefined)
      return untilTimestamp(read(policy.timestampPath), 'TimestampPath');
    const seconds = policy.secondsPath === undefined ? undefined : read(policy.secondsPath);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
      throw invalid('SecondsPath', seconds, 'a whole number of seconds >= 0');
    return seconds * 1000;
  }

  private async runTask(
    execution: LocalExecution,
    policy: TaskPolicy,
    input: unknown,
  ): Promise<unknown> {
    const attempts = policy.retry.map(() => 0);
    for (;;) {
      try {
        return await this.runAttempt(execution, policy, input);
      } catch (error) {
        const failure = error as Error;
        if (!execution.running) throw failure;
        const index = findRetrier(policy.retry, failure.name);
        const retrier = index >= 0 ? policy.retry[index] : undefined;
        const attempt = attempts[index] ?? 0;
        if (retrier === undefined || attempt >= (retrier.MaxAttempts ?? 3)) {
          execution.record('TaskFailed', policy.stateName, {
            error: failure.name,
            cause: failure.message,
          });
          throw failure;
        }
        attempts[index] = attempt + 1;
        const delayMs = retryDelayMs(retrier, attempt, this.options.random);
        execution.record('TaskRetryScheduled', policy.stateName, {
          error: failure.name,
          attempt: attempt + 1,
          delayMs,
        });
        await this.options.clock.sleep(delayMs, execution.signal);
      }
    }
  }

  private resolveFunction(
    parameters: unknown,
    resource: string,
  ): { fn: LocalFunction; payload: unknown } {
    const viaIntegration =
      resource.startsWith('arn:') && resource.includes(':states:::lambda:invoke');
    const target = viaIntegration
      ? String((parameters as { FunctionName?: unknown } | null)?.FunctionName ?? '')
      : resource;
    const fn = this.options.findFunction(target);
    if (fn === undefined)
      throw named('States.Runtime', `No local function matches ${target || resource}.`);
    const payload = viaIntegration
      ? ((parameters as { Payload?: unknown }).Payload ?? {})
      : parameters;
    return { fn, payload };
  }

  private async invoke(fn: LocalFunction, payload: unknown): Promise<unknown> {
    try {
      // The function tracks its invocation on the clock: virtual time waits for it.
      return await fn.invoke(payload);
    } catch (error) {
      if (error instanceof LambdaInvocationError) throw named(error.errorType, error.errorMessage);
      throw error;
    }
  }

  private async runAttempt(
    execution: LocalExecution,
    policy: TaskPolicy,
    input: unknown,
  ): Promise<unknown> {
    const { resource, stateName } = policy;
    if (!resource.includes(':lambda:') && !resource.includes(':states:::lambda:invoke')) {
      throw named(
        'States.Runtime',
        `Task ${stateName}: resource ${resource} is not supported locally.`,
      );
    }
    const clock = this.options.clock;
    execution.record('TaskScheduled', stateName, { resource });
    if (!resource.endsWith('.waitForTaskToken')) {
      const { fn, payload } = this.resolveFunction(input, resource);
      const result = await this.raceTimeout(this.invoke(fn, payload), policy, execution);
      execution.record('TaskSucceeded', stateName);
      return resource.includes(':states:::lambda:invoke')
        ? { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 }
        : result;
    }
    // Callback task: a fresh token per attempt, settled by SendTask* on the local API.
    let heartbeat: ClockTimer | undefined;
    const { token, result } = this.registry.open({
      executionArn: execution.executionArn,
      stateName,
      onHeartbeat: () => {
        execution.record('TaskHeartbeat', stateName);
        armHeartbeat();
      },
    });
    const armHeartbeat = (): void => {
      heartbeat?.cancel();
      if (policy.heartbeatSeconds === undefined) return;
      heartbeat = clock.setTimer(policy.heartbeatSeconds * 1000, () =>
        this.registry.close(
          token,
          'timed-out',
          named('States.HeartbeatTimeout', 'No heartbeat within HeartbeatSeconds.'),
        ),
      );
    };
    const timeout = clock.setTimer(policy.timeoutSeconds * 1000, () =>
      this.registry.close(token, 'timed-out', named('States.Timeout', 'The task timed out.')),
    );
    armHeartbeat();
    try {
      const { fn, payload } = this.resolveFunction(
        replaceDeep(input, TOKEN_PLACEHOLDER, token),
        resource,
      );
      execution.record('TaskSubmitted', stateName, { function: fn.name });
      this.invoke(fn, payload).catch((error: Error) => this.registry.close(token, 'done', error));
      const output = await result;
      execution.record('TaskSucceeded', stateName);
      return output;
    } finally {
      heartbeat?.cancel();
      timeout.cancel();
      this.registry.close(token, 'done');
    }
  }

  private raceTimeout(
    work: Promise<unknown>,
    policy: TaskPolicy,
    execution: LocalExecution,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimer(policy.timeoutSeconds * 1000, () =>
        reject(named('States.Timeout', 'The task timed out.')),
      );
      const onAbort = (): void => reject(named('Execution.Ended', 'The execution ended.'));
      execution.signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => {
        timer.cancel();
        execution.signal.removeEventListener('abort', onAbort);
      });
    });
  }
}

export type { ExecutionResult, ExecutionStatus, HistoryEvent, LocalStateMachineOptions };
export { LocalExecution, LocalStateMachine };
