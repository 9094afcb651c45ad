import { randomBytes } from 'node:crypto';
import { TaskFailure, TaskTokenError } from '../errors.js';

interface WaitingTask {
  readonly executionArn: string;
  readonly stateName: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  onHeartbeat(): void;
}

type ClosedReason = 'done' | 'timed-out';

/** Upper bound on remembered closed tokens, so a long-running runtime does not grow forever. */
const MAX_CLOSED = 100_000;

/**
 * The task tokens of every waiting callback task: issues a unique token per task attempt, and
 * settles the task when `SendTaskSuccess` / `SendTaskFailure` arrive; `SendTaskHeartbeat`
 * resets its heartbeat. A token that is closed (answered, timed out, or its execution ended)
 * answers `TaskDoesNotExist` or `TaskTimedOut`; a token never issued answers `InvalidToken`.
 *
 * @example
 * ```ts
 * const registry = new TaskTokenRegistry();
 * const { token, result } = registry.open({ executionArn, stateName: 'CreateJob', onHeartbeat: () => {} });
 * registry.succeed(token, '{"ok":true}');
 * await result; // { ok: true }
 * ```
 */
class TaskTokenRegistry {
  private readonly waiting = new Map<string, WaitingTask>();
  private readonly closed = new Map<string, ClosedReason>();

  /** Tokens currently waiting. */
  public get size(): number {
    return this.waiting.size;
  }

  /** Issues a token and returns the promise its callback settles. */
  public open(task: { executionArn: string; stateName: string; onHeartbeat: () => void }): {
    token: string;
    result: Promise<unknown>;
  } {
    // Real tokens are long opaque base64 strings; these are ~680 characters, so they need
    // several 256-character tags, as real ones do.
    const token = `AQ${randomBytes(510).toString('base64')}`;
    const result = new Promise<unknown>((resolve, reject) => {
      this.waiting.set(token, { ...task, resolve, reject });
    });
    return { token, result };
  }

  /** `SendTaskSuccess`. `output` is the JSON text the caller sent. */
  public succeed(token: string, output: string): void {
    const task = this.take(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      this.waiting.set(token, task);
      this.closed.delete(token);
      throw new TaskTokenError('InvalidToken', 'Invalid output: not JSON.');
    }
    task.resolve(parsed);
  }

  /** `SendTaskFailure`. */
  public fail(token: string, error: string | undefined, cause: string | undefined): void {
    this.take(token).reject(new TaskFailure(error ?? '', cause ?? ''));
  }

  /** `SendTaskHeartbeat`. */
  public heartbeat(token: string): void {
    this.get(token).onHeartbeat();
  }

  /** Closes a token from the runtime's side (timeout, abort): later callbacks get an error. */
  public close(token: string, reason: ClosedReason, error?: Error): void {
    const task = this.waiting.get(token);
    if (task === undefined) return;
    this.waiting.delete(token);
    this.remember(token, reason);
    if (error) task.reject(error);
  }

  /** Closes every token of an execution (it ended or was aborted). */
  public closeExecution(executionArn: string, error: Error): void {
    for (const [token, task] of this.waiting) {
      if (task.executionArn === executionArn) this.close(token, 'done', error);
    }
  }

  private get(token: string): WaitingTask {
    const task = this.waiting.get(token);
    if (task) return task;
    const reason = this.closed.get(token);
    if (reason === 'timed-out') throw new TaskTokenError('TaskTimedOut', 'Task Timed Out');
    if (reason === 'done')
      throw new TaskTokenError('TaskDoesNotExist', 'Task does not exist anymore');
    throw new TaskTokenError('InvalidToken', 'Invalid Token');
  }

  private take(token: string): WaitingTask {
    const task = this.get(token);
    this.waiting.delete(token);
    this.remember(token, 'done');
    return task;
  }

  private remember(token: string, reason: ClosedReason): void {
    this.closed.set(token, reason);
    if (this.closed.size > MAX_CLOSED) {
      const oldest = this.closed.keys().next().value;
      if (oldest !== undefined) this.closed.delete(oldest);
    }
  }
}

export { TaskTokenRegistry };
