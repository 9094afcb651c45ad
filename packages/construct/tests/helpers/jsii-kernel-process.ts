import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';

/**
 * A client of the jsii kernel that talks to `@jsii/runtime` the way the Python `jsii` package
 * does (`jsii/_kernel/providers/process.py`): it starts `node <runtime>/jsii-runtime.js`, reads
 * the `hello` line, then writes one JSON request per line on the runtime's stdin and reads one
 * JSON response per line from its stdout:
 *
 * - `{ "ok": ... }`: the result;
 * - `{ "error": message, "name": ..., "stack": ... }`: the call failed. `name` is
 *   `@jsii/kernel.Fault` for a fault of the kernel (Python raises `jsii.errors.JSIIError`), else
 *   the name of the error the JavaScript code threw (e.g. `InvalidPropError`) or
 *   `@jsii/kernel.RuntimeError` (Python raises `RuntimeError`);
 * - `{ "callback": { cbid, cookie, invoke | get | set } }`: the kernel calls back into an
 *   object the client implements; the client answers `{ "complete": { cbid, err, result } }` and
 *   reads on until the response to its own request comes.
 *
 * The runtime's own stdout and stderr arrive on its stderr as `{"stdout"|"stderr": base64}`
 * lines; they are decoded and kept for diagnostics.
 */

/** A reference to an object living in the kernel. */
interface ObjRef {
  readonly '$jsii.byref': string;
  readonly '$jsii.interfaces'?: readonly string[];
}

/** An enum member as the kernel returns it (`fqn/MEMBER`). */
interface EnumRef {
  readonly '$jsii.enum': string;
}

/** A method or property of an object the client implements (Python's `Override`). */
interface Override {
  readonly method: string | null;
  readonly property: string | null;
  readonly cookie: string | null;
}

/** A callback request from the kernel. */
interface Callback {
  readonly cbid: string;
  readonly cookie?: string;
  readonly invoke?: { readonly objref: ObjRef; readonly method: string; readonly args?: unknown[] };
  readonly get?: { readonly objref: ObjRef; readonly property: string };
  readonly set?: { readonly objref: ObjRef; readonly property: string; readonly value: unknown };
}

/** Answers a callback: returns the result, or throws to report an error to the kernel. */
type CallbackHandler = (callback: Callback) => unknown;

/** A kernel request: `api` plus its fields. */
interface KernelRequest {
  readonly api: string;
  readonly [field: string]: unknown;
}

/** An `{ error, name, stack }` response, thrown by {@link JsiiKernelProcess.request}. */
class JsiiKernelError extends Error {
  /** `@jsii/kernel.Fault`, or the JavaScript error's name, or `@jsii/kernel.RuntimeError`. */
  public readonly kernelErrorName: string;
  /** The JavaScript stack, when the runtime sends one. */
  public readonly kernelStack: string | undefined;
  /** The request that failed. */
  public readonly request: KernelRequest;

  public constructor(
    response: { error: string; name?: string; stack?: string },
    request: KernelRequest,
  ) {
    super(response.error);
    this.name = 'JsiiKernelError';
    this.kernelErrorName = response.name ?? '';
    this.kernelStack = response.stack;
    this.request = request;
  }
}

/** The path of the runtime's self-contained entry point (the one the Python package embeds). */
function jsiiRuntimeScript(): string {
  // `bin/jsii-runtime.js` starts `lib/program.js`, which requires the separate `@jsii/kernel`;
  // the workspace drops that dependency (not published past 1.22 on the registry here), so only
  // the webpack bundle works. It is also what the Python `jsii` wheel ships (`jsii._embedded`).
  const packageJson = require.resolve('@jsii/runtime/package.json');
  return join(dirname(packageJson), 'webpack', 'bin', 'jsii-runtime.js');
}

/** Short description of a request for error messages (no argument values). */
function describeRequest(request: KernelRequest): string {
  const target =
    (request.fqn as string | undefined) ??
    (request.objref as ObjRef | undefined)?.['$jsii.byref'] ??
    (request.name as string | undefined) ??
    (request.assembly as string | undefined) ??
    '';
  const member = (request.method as string | undefined) ?? (request.property as string | undefined);
  return `${request.api} ${target}${member === undefined ? '' : `.${member}`}`.trim();
}

class JsiiKernelProcess {
  /**
   * Starts the runtime with `process.execPath` and waits for its `hello`.
   *
   * @param options.env - the runtime's environment
   * @param options.timeoutMs - the longest wait for any one response
   */
  public static async start(options: {
    readonly env: NodeJS.ProcessEnv;
    readonly timeoutMs: number;
  }): Promise<JsiiKernelProcess> {
    // Same command line as the Python client: node --max-old-space-size=4069 <runtime>.
    // Its own process group: the runtime runs the kernel in a child process of its own, and a
    // kill must reach both (see `kill`).
    const child = spawn(process.execPath, ['--max-old-space-size=4069', jsiiRuntimeScript()], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const kernel = new JsiiKernelProcess(child, options.timeoutMs);
    const hello = (await kernel.readMessage('the hello handshake')) as { hello?: unknown };
    if (typeof hello.hello !== 'string') {
      kernel.kill();
      throw new Error(`jsii runtime: expected a hello line, got ${JSON.stringify(hello)}`);
    }
    kernel.hello = hello.hello;
    return kernel;
  }

  /** The runtime's `hello`, e.g. `@jsii/runtime@1.140.0`. */
  public hello = '';
  /** Requests written so far, by api (`load`, `create`, ...), callbacks answered included. */
  public readonly requestCounts = new Map<string, number>();

  private readonly child: ChildProcessWithoutNullStreams;
  private readonly timeoutMs: number;
  private readonly lines: string[] = [];
  private stdoutRest = '';
  private stderrRest = '';
  private readonly output: string[] = [];
  private waiter: ((line: string | Error) => void) | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private busy = false;
  private readonly callbackHandlers = new Map<string, CallbackHandler>();

  private constructor(child: ChildProcessWithoutNullStreams, timeoutMs: number) {
    this.child = child;
    this.timeoutMs = timeoutMs;
    // Writing to a runtime that died fails with EPIPE; the exit handler reports it.
    child.stdin.on('error', () => undefined);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (this.stdoutRest + chunk).split('\n');
      this.stdoutRest = parts.pop() ?? '';
      for (const line of parts) if (line.trim() !== '') this.deliver(line);
    });
    child.stderr.on('data', (chunk: string) => {
      const parts = (this.stderrRest + chunk).split('\n');
      this.stderrRest = parts.pop() ?? '';
      for (const line of parts) this.output.push(decodeConsoleLine(line));
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
        const waiter = this.waiter;
        this.waiter = undefined;
        waiter?.(
          new Error(
            `jsii runtime exited (code ${code}, signal ${signal}) before it answered.\n${this.diagnostics()}`,
          ),
        );
      });
    });
    child.once('error', (error) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.(new Error(`jsii runtime could not start: ${error.message}`));
    });
  }

  /** What the runtime and the code it runs printed (stdout and stderr), decoded. */
  public diagnostics(): string {
    const text = this.output.join('\n').trim();
    return text === '' ? '(the runtime printed nothing)' : `runtime output:\n${text}`;
  }

  /**
   * Registers the handler of callbacks addressed to the object `ref` (an object the client
   * implements, created with overrides).
   */
  public onCallback(ref: ObjRef, handler: CallbackHandler): void {
    this.callbackHandlers.set(ref['$jsii.byref'], handler);
  }

  /**
   * Sends one request and returns its `ok` value, answering the callbacks the kernel makes
   * meanwhile. Throws a {@link JsiiKernelError} on an `error` response.
   */
  public async request(request: KernelRequest): Promise<unknown> {
    if (this.busy) throw new Error('jsii runtime: one request at a time (the protocol is serial).');
    this.busy = true;
    try {
      this.write(request);
      let response = await this.readResponse(request);
      while ('callback' in response) {
        const callback = response.callback as Callback;
        this.write({ complete: this.complete(callback) }, 'complete');
        response = await this.readResponse(request);
      }
      if ('error' in response) {
        throw new JsiiKernelError(
          response as { error: string; name?: string; stack?: string },
          request,
        );
      }
      if (!('ok' in response)) {
        throw new Error(`jsii runtime: unexpected response ${JSON.stringify(response)}`);
      }
      return response.ok;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Ends the runtime as the Python client does (`{"exit":0}`, then stdin closed) and waits for
   * the process to exit; kills it when it does not exit within the timeout.
   */
  public async close(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.exitInfo !== undefined) return this.exitInfo;
    if (this.child.stdin.writable) {
      this.child.stdin.write('{"exit":0}\n');
      this.child.stdin.end();
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result !== 'timeout') return result;
    this.kill();
    await this.exited;
    throw new Error(
      `jsii runtime did not exit within ${this.timeoutMs} ms of {"exit":0}; killed.\n${this.diagnostics()}`,
    );
  }

  /**
   * Kills the runtime and the kernel process it started (their process group) if it still runs:
   * clean-up after a timeout or a failed test. Otherwise the runtime ends when its stdin closes.
   */
  public kill(): void {
    if (this.exitInfo !== undefined || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /** The `complete` answer to a callback, from its registered handler (Python's shape). */
  private complete(callback: Callback): Record<string, unknown> {
    const target = (callback.invoke ?? callback.get ?? callback.set)?.objref['$jsii.byref'];
    const handler = target === undefined ? undefined : this.callbackHandlers.get(target);
    try {
      if (handler === undefined) throw new Error(`No callback handler for ${target}`);
      return { cbid: callback.cbid, err: null, result: handler(callback) ?? null, api: 'complete' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { cbid: callback.cbid, err: message, result: null, api: 'complete' };
    }
  }

  private write(message: Record<string, unknown>, api = String(message.api)): void {
    this.requestCounts.set(api, (this.requestCounts.get(api) ?? 0) + 1);
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private async readResponse(request: KernelRequest): Promise<Record<string, unknown>> {
    return (await this.readMessage(describeRequest(request))) as Record<string, unknown>;
  }

  /** The next stdout line, parsed; fails after the timeout or when the runtime exits. */
  private readMessage(what: string): Promise<unknown> {
    const queued = this.lines.shift();
    if (queued !== undefined) {
      try {
        return Promise.resolve(parseResponse(queued));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.exitInfo !== undefined) {
      return Promise.reject(
        new Error(`jsii runtime exited before answering ${what}.\n${this.diagnostics()}`),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        // The protocol is serial: a late answer would be read as the next one. End it.
        this.kill();
        reject(
          new Error(
            `jsii runtime: no answer to ${what} within ${this.timeoutMs} ms.\n${this.diagnostics()}`,
          ),
        );
      }, this.timeoutMs);
      this.waiter = (line) => {
        clearTimeout(timer);
        if (line instanceof Error) reject(line);
        else {
          try {
            resolve(parseResponse(line));
          } catch (error) {
            reject(error);
          }
        }
      };
    });
  }

  private deliver(line: string): void {
    const waiter = this.waiter;
    if (waiter === undefined) {
      this.lines.push(line);
      return;
    }
    this.waiter = undefined;
    waiter(line);
  }
}

/** One stdout line of the runtime, parsed. */
function parseResponse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`jsii runtime: a response is not JSON: ${line.slice(0, 500)}`);
  }
}

/** A stderr line of the runtime: `{"stderr"|"stdout": base64}` decoded, anything else as is. */
function decodeConsoleLine(line: string): string {
  try {
    const parsed = JSON.parse(line) as { stderr?: string; stdout?: string };
    const data = parsed.stderr ?? parsed.stdout;
    if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8').trimEnd();
  } catch {
    // Not a console line: printed by the runtime wrapper itself.
  }
  return line;
}

export type { Callback, CallbackHandler, EnumRef, KernelRequest, ObjRef, Override };
export { JsiiKernelError, JsiiKernelProcess, jsiiRuntimeScript };
