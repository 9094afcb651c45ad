/**
 * Errors thrown by `@bedrock-batch/local`. Every error extends {@link BedrockBatchLocalError},
 * so `instanceof BedrockBatchLocalError` catches them all, and `name` tells them apart.
 */

const MAX_RECEIVED_LENGTH = 120;

function describeReceived(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_RECEIVED_LENGTH ? `${text.slice(0, MAX_RECEIVED_LENGTH - 1)}…` : text;
}

/**
 * Base class of every error this package throws.
 *
 * @example
 * ```ts
 * try {
 *   await startBedrockEmulator({ phaseDurations: { validating: -1 } });
 * } catch (error) {
 *   if (error instanceof BedrockBatchLocalError) console.error(error.name, error.message);
 * }
 * ```
 */
class BedrockBatchLocalError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BedrockBatchLocalError';
  }
}

/**
 * An option (or argument) has a value the local runtime cannot use. The message names the option
 * and the value received.
 *
 * @example
 * ```ts
 * try {
 *   new RealTimeClock({ msPerVirtualHour: 0 });
 * } catch (error) {
 *   // "Invalid option msPerVirtualHour: must be a number > 0 (received: 0)"
 *   if (error instanceof InvalidOptionError) console.error(error.option, error.message);
 * }
 * ```
 */
class InvalidOptionError extends BedrockBatchLocalError {
  /** Name (or dotted path) of the option. */
  public readonly option: string;
  /** The value received, as short JSON. */
  public readonly received: string;

  public constructor(
    option: string,
    received: unknown,
    requirement: string,
    options?: ErrorOptions,
  ) {
    const shown = describeReceived(received);
    super(`Invalid option ${option}: ${requirement} (received: ${shown})`, options);
    this.name = 'InvalidOptionError';
    this.option = option;
    this.received = shown;
  }
}

/**
 * A local server (S3 or the Bedrock emulator) could not start or stop.
 *
 * @example
 * ```ts
 * try {
 *   await startS3Server();
 * } catch (error) {
 *   if (error instanceof LocalServerError) console.error('S3 did not start', error.cause);
 * }
 * ```
 */
class LocalServerError extends BedrockBatchLocalError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalServerError';
  }
}

/**
 * An error the Bedrock emulator answers with, as the service does: `errorType` goes into the
 * `x-amzn-errortype` header, `statusCode` is the HTTP status, and `message` the body's `message`.
 * The AWS SDK turns it into its own exception class of the same name (`ValidationException`, ...).
 *
 * @example
 * ```ts
 * throw new EmulatedServiceError('ResourceNotFoundException', 404, 'Job abc not found');
 * ```
 */
class EmulatedServiceError extends BedrockBatchLocalError {
  /** Service exception name, e.g. `ValidationException`. */
  public readonly errorType: string;
  /** HTTP status code. */
  public readonly statusCode: number;
  /** Extra members of the error body (e.g. `resourceName` of `TooManyTagsException`). */
  public readonly extra: Readonly<Record<string, string>>;

  public constructor(
    errorType: string,
    statusCode: number,
    message: string,
    extra: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EmulatedServiceError';
    this.errorType = errorType;
    this.statusCode = statusCode;
    this.extra = extra;
  }
}

/**
 * A cloud assembly (cdk.out) cannot be loaded, or holds something the local runtime cannot run.
 *
 * @example
 * ```ts
 * try {
 *   loadCloudAssembly('cdk.out');
 * } catch (error) {
 *   if (error instanceof AssemblyError) console.error(error.message); // "... run `cdk synth` first"
 * }
 * ```
 */
class AssemblyError extends BedrockBatchLocalError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AssemblyError';
  }
}

/**
 * A name given to the runtime (state machine, bucket) matches nothing, or several things. The
 * message lists what the app has.
 *
 * @example
 * ```ts
 * try {
 *   app.stateMachine('Nope');
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.error(error.message);
 * }
 * ```
 */
class NotFoundError extends BedrockBatchLocalError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/**
 * A local Lambda invocation failed, as Lambda reports it: `name` (and `errorType`) is the error's
 * name, which Step Functions matches in `Retry` and `Catch`; `Sandbox.Timedout` on a timeout.
 *
 * @example
 * ```ts
 * try {
 *   await fn.invoke(event);
 * } catch (error) {
 *   if (error instanceof LambdaInvocationError) console.error(error.errorType, error.errorMessage);
 * }
 * ```
 */
class LambdaInvocationError extends BedrockBatchLocalError {
  public constructor(
    public readonly errorType: string,
    public readonly errorMessage: string,
  ) {
    super(errorMessage);
    this.name = errorType;
  }
}

/**
 * The Step Functions API refused a task-token call: `code` (and `name`) is the service's error,
 * `TaskDoesNotExist`, `TaskTimedOut` or `InvalidToken`.
 *
 * @example
 * ```ts
 * try {
 *   registry.heartbeat(token);
 * } catch (error) {
 *   if (error instanceof TaskTokenError && error.code === 'TaskDoesNotExist') stopTheJob();
 * }
 * ```
 */
class TaskTokenError extends BedrockBatchLocalError {
  public constructor(
    public readonly code: 'TaskDoesNotExist' | 'TaskTimedOut' | 'InvalidToken',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * The failure a `SendTaskFailure` reported: `name` is its `error`, `message` its `cause`, as a
 * Catch sees them.
 *
 * @example
 * ```ts
 * registry.fail(token, 'Failed', 'the job failed'); // the waiting task rejects with TaskFailure
 * ```
 */
class TaskFailure extends BedrockBatchLocalError {
  public constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * The command line was used wrongly: the message says which option and what was wrong.
 *
 * @example
 * ```ts
 * // bedrock-batch-local run --hour-ms 0  ->  "--hour-ms must be a positive whole number, got: 0"
 * ```
 */
class UsageError extends BedrockBatchLocalError {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Base class of the EventBridge helpers' errors.
 *
 * @example
 * ```ts
 * try {
 *   parseScheduleExpression('rate(0 minutes)');
 * } catch (error) {
 *   if (error instanceof EventBridgeError) console.error(error.name, error.message);
 * }
 * ```
 */
class EventBridgeError extends BedrockBatchLocalError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventBridgeError';
  }
}

/**
 * An event pattern is malformed: `path` says where (`detail.state[0].prefix`), `received` what
 * was found there.
 *
 * @example
 * ```ts
 * try {
 *   validateEventPattern({ source: 'aws.bedrock' });
 * } catch (error) {
 *   // Invalid event pattern at source: must be an array of match values or a nested object (received: "aws.bedrock")
 *   if (error instanceof EventPatternError) console.error(error.path, error.received);
 * }
 * ```
 */
class EventPatternError extends EventBridgeError {
  /** Where in the pattern the problem is, e.g. `detail.status[1]` (`<root>` for the pattern). */
  public readonly path: string;
  /** The value found at `path`, as short JSON. */
  public readonly received: string;

  public constructor(path: string, received: unknown, requirement: string, options?: ErrorOptions) {
    const shown = describeReceived(received);
    super(`Invalid event pattern at ${path}: ${requirement} (received: ${shown})`, options);
    this.name = 'EventPatternError';
    this.path = path;
    this.received = shown;
  }
}

/**
 * A schedule expression (`rate(...)` or `cron(...)`) is malformed.
 *
 * @example
 * ```ts
 * try {
 *   parseScheduleExpression('rate(5 minute)');
 * } catch (error) {
 *   // Invalid schedule expression "rate(5 minute)": unit must be plural when the value is greater than 1 (received: "minute")
 *   if (error instanceof ScheduleExpressionError) console.error(error.expression);
 * }
 * ```
 */
class ScheduleExpressionError extends EventBridgeError {
  /** The whole expression received. */
  public readonly expression: string;
  /** The part of the expression that is wrong (a cron field name, `value`, `unit`...). */
  public readonly field: string;
  /** The offending part, as short JSON. */
  public readonly received: string;

  public constructor(
    expression: unknown,
    field: string,
    received: unknown,
    requirement: string,
    options?: ErrorOptions,
  ) {
    const shownExpression = describeReceived(expression);
    const shown = describeReceived(received);
    super(
      `Invalid schedule expression ${shownExpression}: ${field} ${requirement} (received: ${shown})`,
      options,
    );
    this.name = 'ScheduleExpressionError';
    this.expression = typeof expression === 'string' ? expression : shownExpression;
    this.field = field;
    this.received = shown;
  }
}

/**
 * An argument of an EventBridge helper (an event, a rule target, envelope options) has a value the
 * helper cannot use.
 *
 * @example
 * ```ts
 * try {
 *   applyTargetInput({ Input: '{not json' }, event);
 * } catch (error) {
 *   // Invalid Input: must be a JSON text (received: "{not json")
 *   if (error instanceof EventBridgeArgumentError) console.error(error.field);
 * }
 * ```
 */
class EventBridgeArgumentError extends EventBridgeError {
  /** Name (or dotted path) of the argument. */
  public readonly field: string;
  /** The value received, as short JSON. */
  public readonly received: string;

  public constructor(
    field: string,
    received: unknown,
    requirement: string,
    options?: ErrorOptions,
  ) {
    const shown = describeReceived(received);
    super(`Invalid ${field}: ${requirement} (received: ${shown})`, options);
    this.name = 'EventBridgeArgumentError';
    this.field = field;
    this.received = shown;
  }
}

export {
  AssemblyError,
  BedrockBatchLocalError,
  EmulatedServiceError,
  EventBridgeArgumentError,
  EventBridgeError,
  EventPatternError,
  InvalidOptionError,
  LambdaInvocationError,
  LocalServerError,
  NotFoundError,
  ScheduleExpressionError,
  TaskFailure,
  TaskTokenError,
  UsageError,
};
