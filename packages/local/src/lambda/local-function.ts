import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
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
const HANDLER_EXTENSIONS = ['.mjs', '.js', '.cjs'];

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One Lambda function run locally: its bundle in a worker thread of its own, with its own
 * `process.env` (so functions of different stacks never share environment variables), started on
 * the first invocation (a cold start) and kept warm until {@link LocalFunction.stop}.
 *
 * @example
 * ```ts
 * const fn = new LocalFunction({ name: 'f', arn, codeDirectory: 'cdk.out/asset.123', handler: 'index.handler', environment: {} });
 * const result = await fn.invoke({ hello: 'world' });
 * await fn.stop();
 * ```
 */
class LocalFunction {
  /** Lines the function printed (newest last, at most 5,000). */
  public readonly logs: string[] = [];
  /** How many times the function was invoked. */
  public invocations = 0;
  private worker: Worker | undefined;
  private readonly pending = new Map<string, Pending>();
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

  /**
   * Invokes the function and resolves to its result (parsed from JSON, as Lambda returns it).
   *
   * @throws LambdaInvocationError when the handler throws (its `name` is the error's name) or
   *   times out (`Sandbox.Timedout`)
   */
  public invoke(event: unknown): Promise<unknown> {
    const worker = this.start();
    const id = randomUUID();
    this.invocations += 1;
    const timeoutMs = this.options.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new LambdaInvocationError(
            'Sandbox.Timedout',
            `Task timed out after ${timeoutMs / 1000} seconds`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({
        id,
        event,
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

  /** Stops the worker; pending invocations fail. */
  public async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new LambdaInvocationError('Runtime.Stopped', 'The local runtime stopped.'));
      this.pending.delete(id);
    }
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
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
      workerData: { file: this.file, exportName: this.exportName, sdkParentUrl: import.meta.url },
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.log(line));
    }
    worker.on(
      'message',
      (message: {
        id: string;
        ok: boolean;
        result?: string | null;
        errorType?: string;
        errorMessage?: string;
      }) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.result == null ? null : JSON.parse(message.result));
        else
          pending.reject(
            new LambdaInvocationError(message.errorType ?? 'Error', message.errorMessage ?? ''),
          );
      },
    );
    worker.on('error', (error) => {
      for (const [id, pending] of this.pending) {
        clearTimeout(pending.timer);
        pending.reject(new LambdaInvocationError('Runtime.ExitError', error.message));
        this.pending.delete(id);
      }
      this.worker = undefined;
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > MAX_LOG_LINES) this.logs.splice(0, this.logs.length - MAX_LOG_LINES);
    this.options.onLog?.(this.options.name, line);
  }
}

export type { LocalFunctionOptions };
export { LocalFunction };
