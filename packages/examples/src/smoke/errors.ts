/**
 * Errors of the smoke test. Every one extends {@link SmokeError}, names the value it received, and
 * has its own `name`.
 */

/**
 * A value as short JSON (at most 200 characters), for the `(received: ...)` part of messages.
 *
 * @example
 * ```ts
 * received(['--region', 'x']); // '["--region","x"]'
 * ```
 */
function received(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Base class of the smoke test's errors.
 *
 * @example
 * ```ts
 * try {
 *   await runSmoke(awsTarget());
 * } catch (error) {
 *   if (error instanceof SmokeError) console.error(error.name, error.message);
 * }
 * ```
 */
class SmokeError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SmokeError';
  }
}

/**
 * A command-line argument the smoke test does not accept.
 *
 * @example
 * ```ts
 * parseSmokeArgs(['--target', 'gcp'], {}); // SmokeUsageError: --target must be local or aws (received: "gcp")
 * ```
 */
class SmokeUsageError extends SmokeError {
  public constructor(message: string, value: unknown, options?: ErrorOptions) {
    super(`${message} (received: ${received(value)})`, options);
    this.name = 'SmokeUsageError';
  }
}

/**
 * The smoke test would deploy to AWS but has nobody to ask and no `--yes`.
 *
 * @example
 * ```ts
 * await confirmDeploy({ yes: false, interactive: false, ask }); // throws SmokeRefusedError
 * ```
 */
class SmokeRefusedError extends SmokeError {
  public constructor(message: string) {
    super(message);
    this.name = 'SmokeRefusedError';
  }
}

/**
 * A command the smoke test ran (the `cdk` CLI) exited with an error.
 *
 * @example
 * ```ts
 * throw new CommandFailedError('cdk', ['deploy', 'BedrockBatchSmoke'], 1);
 * ```
 */
class CommandFailedError extends SmokeError {
  public readonly exitCode: number;

  public constructor(command: string, args: readonly string[], exitCode: number) {
    super(`${[command, ...args].join(' ')} exited with code ${exitCode}`);
    this.name = 'CommandFailedError';
    this.exitCode = exitCode;
  }
}

/**
 * The deployed stack, or a service, answered something the smoke test cannot use (a missing
 * output, an execution that never ended).
 *
 * @example
 * ```ts
 * throw new SmokeRunError('The stack has no output StateMachineArn', outputs);
 * ```
 */
class SmokeRunError extends SmokeError {
  public constructor(message: string, value: unknown) {
    super(`${message} (received: ${received(value)})`);
    this.name = 'SmokeRunError';
  }
}

export {
  CommandFailedError,
  received,
  SmokeError,
  SmokeRefusedError,
  SmokeRunError,
  SmokeUsageError,
};
