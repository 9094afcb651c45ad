import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { Clock } from '../clock.js';
import { AssemblyError, LambdaInvocationError } from '../errors.js';
import { LAMBDA_WORKER_SOURCE } from './worker-source.js';

/** How a local function is defined: what a template's `AWS::Lambda::Function` holds. */
interface LocalFunctionOptions {
  /** Function name. */
  readonly name: string;
  /** Function ARN. */
  readonly arn: string;
  /** Folder of the function's code (the unzipped asset). */
  readonly codeDirectory: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  /** The function's environment (the template's plus the local endpoints). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The runtime's clock: each invocation is tracked work on it (virtual time stands still until
   * the invocation ends), and the function's code sees its time through `Date`.
   * @default - no virtual time: invocations are not tracked and functions see the wall clock
   */
  readonly clock?: Clock;
  /**
   * Real milliseconds an invocation may take.
   * @default 3000 (the Lambda default of 3 seconds)
   */
  readonly timeoutMs?: number;
  /**
   * Memory size reported to the function.
   * @default 128
   */
  readonly memorySizeMb?: number;
  /**
   * Receives each line the function writes to stdout or stderr.
   * @default - lines are kept in {@link LocalFunction.logs} only
   */
  readonly onLog?: (functionName: string, line: string) => void;
}

const MAX_LOG_LINES = 5000;
/** Lambda's limit on the init phase (loading the function's module), in real milliseconds. */
const INIT_TIMEOUT_MS = 10_000;
const HANDLER_EXTENSIONS = ['.mjs', '.js', '.cjs'];

interface InvokeReply {
  readonly id: string;
  /** Sent when the handler starts (the module is loaded): the function's timeout starts. */
  readonly started?: boolean;
  readonly ok?: boolean;
  readonly result?: string | null;
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** One execution environment: a worker thread that runs one invocation at a time. */
interface Environment {
  readonly worker: Worker;
  /** The invocation in flight, if any. */
  current?: {
    readonly id: string;
    /** The init-phase timer, then the function's timeout once the handler started. */
    timer: NodeJS.Timeout;
    readonly timeoutMs: number;
    readonly resolve: (value: unknown) => void;
    readonly reject: (error: Error) => void;
  };
}

/**
 * One Lambda function run locally. Like Lambda, it runs each invocation in an execution
 * environment that serves one invocation at a time: a worker thread with the function's bundle
 * and its own `process.env` (so functions of different stacks never share environment
 * variables). An idle environment is reused (a warm start); when every environment is busy, a new
 * one starts (a cold start), so concurrent invocations run side by side. An invocation that runs
 * past the function's timeout (real time, counted from when the handler starts: loading the module
 * is the init phase, under Lambda's own 10-second limit) fails with `Sandbox.Timedout` and its
 * environment is ended, as Lambda ends it; the next invocation starts a fresh one.
 *
 * With a `clock`, each invocation is tracked work on it, and code in the function reads the
 * clock's virtual time through `Date`.
 *
 * @example
 * ```ts
 * const fn = new LocalFunction({ name: 'f', arn, codeDirectory: 'cdk.out/asset.123', handler: 'index.handler', environment: {}, clock });
 * const result = await fn.invoke({ hello: 'world' });
 * await fn.stop();
 * ```
 */
class LocalFunction {
  /** Lines the function printed (newest last, at most 5,000). */
  public readonly logs: string[] = [];
  /** How many times the function was invoked. */
  public invocations = 0;
  /** How many execution environments were started (cold starts). */
  public coldStarts = 0;
  private readonly idle: Environment[] = [];
  private readonly environments = new Set<Environment>();
  private readonly file: string;
  private readonly exportName: string;

  public constructor(private readonly options: LocalFunctionOptions) {
    const dot = options.handler.lastIndexOf('.');
    if (dot <= 0) {
      throw new AssemblyError(
        `Function ${options.name} has handler "${options.handler}"; expected file.export.`,
      );
    }
    const base = join(options.codeDirectory, options.handler.slice(0, dot));
    const file = HANDLER_EXTENSIONS.map((ext) => `${base}${ext}`).find((path) => existsSync(path));
    if (file === undefined) {
      throw new AssemblyError(
        `Function ${options.name}: no ${options.handler.slice(0, dot)}.mjs/.js/.cjs in ${options.codeDirectory}.`,
      );
    }
    this.file = file;
    this.exportName = options.handler.slice(dot + 1);
  }

  public get name(): string {
    return this.options.name;
  }

  public get arn(): string {
    return this.options.arn;
  }

  /** Execution environments alive now (busy or idle). */
  public get environmentCount(): number {
    return this.environments.size;
  }

  /**
   * Invokes the function and resolves to its result (parsed from JSON, as Lambda returns it).
   *
   * @throws LambdaInvocationError when the handler throws (its `name` is the error's name), times
   *   out (`Sandbox.Timedout`), its environment crashes (`Runtime.ExitError`) or the function is
   *   stopped (`Runtime.Stopped`)
   */
  public invoke(event: unknown): Promise<unknown> {
    const work = this.run(event);
    return this.options.clock === undefined ? work : this.options.clock.track(work);
  }

  /** Ends every environment; invocations in flight fail with `Runtime.Stopped`. */
  public async stop(): Promise<void> {
    const all = [...this.environments];
    this.environments.clear();
    this.idle.length = 0;
    await Promise.all(
      all.map((environment) =>
        this.end(
          environment,
          new LambdaInvocationError('Runtime.Stopped', 'The local runtime stopped.'),
        ),
      ),
    );
  }

  private run(event: unknown): Promise<unknown> {
    const environment = this.idle.pop() ?? this.start();
    const id = randomUUID();
    this.invocations += 1;
    const timeoutMs = this.options.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      // Until the handler starts, the init phase runs under Lambda's own 10-second limit; the
      // function's timeout starts when the worker says the handler started.
      const timer = setTimeout(() => {
        void this.end(
          environment,
          new LambdaInvocationError(
            'Sandbox.Timedout',
            `The init phase did not end within ${INIT_TIMEOUT_MS / 1000} seconds`,
          ),
        );
      }, INIT_TIMEOUT_MS);
      environment.current = { id, timer, resolve, reject, timeoutMs };
      environment.worker.postMessage({
        id,
        event,
        now: this.options.clock?.now() ?? Date.now(),
        context: {
          functionName: this.options.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: this.options.arn,
          memoryLimitInMB: String(this.options.memorySizeMb ?? 128),
          awsRequestId: id,
          logGroupName: `/aws/lambda/${this.options.name}`,
          logStreamName: `local/${id}`,
          timeoutMs,
        },
      });
    });
  }

  private start(): Environment {
    const env = {
      ...this.options.environment,
      AWS_LAMBDA_FUNCTION_NAME: this.options.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.options.memorySizeMb ?? 128),
      _HANDLER: this.options.handler,
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
    };
    const worker = new Worker(LAMBDA_WORKER_SOURCE, {
      eval: true,
      env,
      workerData: {
        file: this.file,
        exportName: this.exportName,
        sdkParentUrl: import.meta.url,
        now: this.options.clock?.now() ?? Date.now(),
      },
      stdout: true,
      stderr: true,
    });
    const environment: Environment = { worker };
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.log(line));
    }
    worker.on('message', (reply: InvokeReply) => {
      const current = environment.current;
      if (current === undefined || current.id !== reply.id) return;
      if (reply.started === true) {
        clearTimeout(current.timer);
        current.timer = setTimeout(() => {
          void this.end(
            environment,
            new LambdaInvocationError(
              'Sandbox.Timedout',
              `Task timed out after ${(current.timeoutMs / 1000).toFixed(2)} seconds`,
            ),
          );
        }, current.timeoutMs);
        return;
      }
      environment.current = undefined;
      clearTimeout(current.timer);
      if (this.environments.has(environment)) this.idle.push(environment);
      if (reply.ok) current.resolve(reply.result == null ? null : JSON.parse(reply.result));
      else
        current.reject(
          new LambdaInvocationError(reply.errorType ?? 'Error', reply.errorMessage ?? ''),
        );
    });
    const crashed = (message: string): void => {
      void this.end(environment, new LambdaInvocationError('Runtime.ExitError', message));
    };
    worker.on('error', (error) => crashed(error.message));
    worker.on('exit', (code) => crashed(`The environment exited with code ${code}.`));
    worker.unref();
    this.environments.add(environment);
    this.coldStarts += 1;
    return environment;
  }

  /** Ends an environment: fails its invocation in flight with `error` and stops its thread. */
  private async end(environment: Environment, error: LambdaInvocationError): Promise<void> {
    this.environments.delete(environment);
    const index = this.idle.indexOf(environment);
    if (index >= 0) this.idle.splice(index, 1);
    const current = environment.current;
    environment.current = undefined;
    if (current !== undefined) {
      clearTimeout(current.timer);
      current.reject(error);
    }
    await environment.worker.terminate();
  }

  private log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > MAX_LOG_LINES) this.logs.splice(0, this.logs.length - MAX_LOG_LINES);
    this.options.onLog?.(this.options.name, line);
  }
}

export type { LocalFunctionOptions };
export { LocalFunction };
