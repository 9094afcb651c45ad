import type { ExecutionDescription, ExecutionLookup } from './step-functions-api.js';

/**
 * Starts an execution for `StartExecution`; `undefined` when no loaded state machine has that ARN.
 * The API has checked the name and input and that the name is free.
 */
type ExecutionStarter = (
  stateMachineArn: string,
  input: unknown,
  name: string | undefined,
) => { readonly executionArn: string; readonly startedAt: number } | undefined;

/** Stops a running execution for `StopExecution` (as `LocalExecution.abort`). */
type ExecutionStopper = (executionArn: string, error: string, cause: string) => void;

/** An answer of the API: HTTP status, JSON body, and the error type of an error. */
interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly errorType?: string;
}

const EXECUTION_ARN_PATTERN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const STATE_MACHINE_ARN_PATTERN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
/** Characters an execution name may not contain (whitespace, brackets, wildcards, punctuation). */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]|\p{Cc}/u;
const MAX_NAME_LENGTH = 80;
const MAX_INPUT_BYTES = 256 * 1024;

function error(status: number, type: string, message: string): ApiAnswer {
  return { status, body: { __type: type, message }, errorType: type };
}

/**
 * Checks the `executionArn` of a request as the service does: a `ValidationException` when it is
 * missing, `InvalidArn` when it is no execution ARN; otherwise returns it.
 */
function checkExecutionArn(body: Readonly<Record<string, unknown>>): string | ApiAnswer {
  const executionArn = body.executionArn;
  if (typeof executionArn !== 'string' || executionArn.length === 0) {
    return error(
      400,
      'ValidationException',
      `1 validation error detected: Value ${JSON.stringify(executionArn ?? null)} at 'executionArn' failed to satisfy constraint: Member must be a string of 1 to 2048 characters`,
    );
  }
  if (!EXECUTION_ARN_PATTERN.test(executionArn)) {
    return error(400, 'InvalidArn', `Invalid Arn: '${executionArn}'`);
  }
  return executionArn;
}

function sameInput(existing: ExecutionDescription, input: unknown): boolean {
  return JSON.stringify(existing.input ?? {}) === JSON.stringify(input);
}

/**
 * Answers `StartExecution` as the service answers it for a standard workflow: `InvalidArn`,
 * `InvalidName`, `InvalidExecutionInput`, `StateMachineDoesNotExist`, and `ExecutionAlreadyExists`
 * for a name in use, except that the same name and input as a running execution returns that
 * execution again (the service's idempotency).
 */
function answerStartExecution(
  body: Readonly<Record<string, unknown>>,
  start: ExecutionStarter,
  lookup: ExecutionLookup,
): ApiAnswer {
  const stateMachineArn = body.stateMachineArn;
  if (typeof stateMachineArn !== 'string' || !STATE_MACHINE_ARN_PATTERN.test(stateMachineArn)) {
    return error(400, 'InvalidArn', `Invalid Arn: '${String(stateMachineArn)}'`);
  }
  const name = body.name;
  if (
    name !== undefined &&
    (typeof name !== 'string' ||
      name.length === 0 ||
      name.length > MAX_NAME_LENGTH ||
      NAME_FORBIDDEN.test(name))
  ) {
    return error(400, 'InvalidName', `Invalid Name: '${String(name)}'`);
  }
  const text = body.input ?? '{}';
  if (typeof text !== 'string' || Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    return error(
      400,
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: must be a JSON string of at most ${MAX_INPUT_BYTES} bytes (received: ${typeof text === 'string' ? `${Buffer.byteLength(text)} bytes` : typeof text})`,
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (cause) {
    return error(
      400,
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(cause as Error).message}'`,
    );
  }
  if (name !== undefined) {
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = lookup(executionArn);
    if (existing !== undefined) {
      if (existing.status === 'RUNNING' && sameInput(existing, input)) {
        return { status: 200, body: { executionArn, startDate: existing.startedAt / 1000 } };
      }
      return error(400, 'ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
  }
  const started = start(stateMachineArn, input, name);
  if (started === undefined) {
    return error(
      400,
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${stateMachineArn}'`,
    );
  }
  return {
    status: 200,
    body: { executionArn: started.executionArn, startDate: started.startedAt / 1000 },
  };
}

/**
 * Answers `StopExecution`: aborts a running execution with the request's `error` and `cause`
 * (status `ABORTED`) and returns its `stopDate`. An execution that has already ended keeps its
 * status and stop date.
 */
function answerStopExecution(
  body: Readonly<Record<string, unknown>>,
  stop: ExecutionStopper,
  lookup: ExecutionLookup,
): ApiAnswer {
  const executionArn = checkExecutionArn(body);
  if (typeof executionArn !== 'string') return executionArn;
  const found = lookup(executionArn);
  if (found === undefined) {
    return error(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
  }
  if (found.status === 'RUNNING') {
    const text = (field: string, fallback: string): string => {
      const value = body[field];
      return typeof value === 'string' ? value : fallback;
    };
    stop(executionArn, text('error', ''), text('cause', ''));
  }
  const stoppedAt = lookup(executionArn)?.stoppedAt;
  return { status: 200, body: stoppedAt === undefined ? {} : { stopDate: stoppedAt / 1000 } };
}

export type { ApiAnswer, ExecutionStarter, ExecutionStopper };
export { answerStartExecution, answerStopExecution, checkExecutionArn };
