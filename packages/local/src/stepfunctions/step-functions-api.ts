import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.js';
import { TaskTokenError } from '../errors.js';
import { attachClock } from '../http/attach-clock.js';
import {
  type ApiAnswer,
  answerStartExecution,
  answerStopExecution,
  checkExecutionArn,
  type ExecutionStarter,
  type ExecutionStopper,
} from './execution-control.js';
import type { ExecutionStatus } from './local-state-machine.js';
import type { TaskTokenRegistry } from './task-token-registry.js';

/** What `DescribeExecution` reports about one execution (times in epoch milliseconds). */
interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  /** Start time, epoch milliseconds (the runtime's clock). */
  readonly startedAt: number;
  /** End time, epoch milliseconds; absent while it runs. */
  readonly stoppedAt?: number;
  /** The input (any JSON value); sent as a JSON string. */
  readonly input?: unknown;
  /** The output of a `SUCCEEDED` execution (any JSON value); sent as a JSON string. */
  readonly output?: unknown;
  /** The error name of a `FAILED` (or `TIMED_OUT`, `ABORTED`) execution. */
  readonly error?: string;
  /** The cause that goes with `error`. */
  readonly cause?: string;
}

/** Finds an execution by ARN for `DescribeExecution`; `undefined` when there is none. */
type ExecutionLookup = (executionArn: string) => ExecutionDescription | undefined;

/** Options of {@link startStepFunctionsApi}. */
interface StepFunctionsApiOptions {
  /**
   * Port on 127.0.0.1.
   * @default 0 - a free port
   */
  readonly port?: number;
  /**
   * Answers `DescribeExecution`.
   * @default - no execution is known: every ARN is `ExecutionDoesNotExist`
   */
  readonly describeExecution?: ExecutionLookup;
  /**
   * Starts executions for `StartExecution` (name, input and name reuse are checked first, against
   * `describeExecution`).
   * @default - no state machine is known: every ARN is `StateMachineDoesNotExist`
   */
  readonly startExecution?: ExecutionStarter;
  /**
   * Stops a running execution for `StopExecution` (found through `describeExecution`).
   * @default - nothing to stop: known executions keep running
   */
  readonly stopExecution?: ExecutionStopper;
  /**
   * The runtime's clock: each request is tracked work on it, and responses carry its time.
   * @default - the real clock
   */
  readonly clock?: Clock;
}

/** A running Step Functions callback API. */
interface StepFunctionsApi {
  /** `http://127.0.0.1:<port>`: set it as `AWS_ENDPOINT_URL_SFN`. */
  readonly endpoint: string;
  /** Calls received, by operation, whatever their answer. */
  readonly calls: Readonly<Record<string, number>>;
  /** Calls answered with success, by operation: e.g. results a waiting task actually took. */
  readonly accepted: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, status, { __type: type, message }, type);
}

function sendAnswer(response: ServerResponse, answer: ApiAnswer): void {
  send(response, answer.status, answer.body, answer.errorType);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** Answers `DescribeExecution` with the lookup, as the service does (timestamps in epoch seconds). */
function describeExecution(
  response: ServerResponse,
  body: Record<string, unknown>,
  lookup: ExecutionLookup,
): void {
  const executionArn = checkExecutionArn(body);
  if (typeof executionArn !== 'string') {
    sendAnswer(response, executionArn);
    return;
  }
  const found = lookup(executionArn);
  if (found === undefined) {
    sendError(
      response,
      400,
      'ExecutionDoesNotExist',
      `Execution Does Not Exist: '${executionArn}'`,
    );
    return;
  }
  send(response, 200, {
    executionArn: found.executionArn,
    stateMachineArn: found.stateMachineArn,
    name: found.name,
    status: found.status,
    startDate: found.startedAt / 1000,
    ...(found.stoppedAt === undefined ? {} : { stopDate: found.stoppedAt / 1000 }),
    input: JSON.stringify(found.input ?? {}),
    inputDetails: { included: true },
    ...(found.status === 'SUCCEEDED'
      ? { output: JSON.stringify(found.output ?? null), outputDetails: { included: true } }
      : {}),
    ...(found.error === undefined ? {} : { error: found.error }),
    ...(found.cause === undefined ? {} : { cause: found.cause }),
  });
}

/**
 * Starts the Step Functions task-callback API on 127.0.0.1: `SendTaskSuccess`,
 * `SendTaskFailure` and `SendTaskHeartbeat` in the AWS JSON 1.0 protocol, so an unmodified
 * `SFNClient` whose endpoint points here completes local callback tasks, and `DescribeExecution`,
 * `StartExecution` and `StopExecution` answered through `options`. Errors are the service's:
 * `TaskDoesNotExist`, `TaskTimedOut`, `InvalidToken`, `InvalidOutput`, `ExecutionDoesNotExist`,
 * `InvalidArn`, `InvalidName`, `InvalidExecutionInput`, `StateMachineDoesNotExist`,
 * `ExecutionAlreadyExists`.
 *
 * @param registry - the task tokens of the waiting callback tasks
 * @param options - port and execution lookup
 *
 * @example
 * ```ts
 * const api = await startStepFunctionsApi(registry, {
 *   describeExecution: (arn) => known.get(arn),
 * });
 * process.env.AWS_ENDPOINT_URL_SFN = api.endpoint;
 * await new SFNClient({}).send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
 * await api.stop();
 * ```
 */
async function startStepFunctionsApi(
  registry: TaskTokenRegistry,
  options: StepFunctionsApiOptions = {},
): Promise<StepFunctionsApi> {
  const lookup: ExecutionLookup = options.describeExecution ?? (() => undefined);
  const start: ExecutionStarter = options.startExecution ?? (() => undefined);
  const stop: ExecutionStopper = options.stopExecution ?? (() => {});
  const calls: Record<string, number> = {};
  const accepted: Record<string, number> = {};
  const server: Server = createServer((request, response) => {
    void (async () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AWSStepFunctions.')
        ? target.slice('AWSStepFunctions.'.length)
        : '';
      if (request.method !== 'POST' || operation === '') {
        sendError(
          response,
          400,
          'UnknownOperationException',
          `Unknown operation ${target || request.method}`,
        );
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
      } catch {
        sendError(response, 400, 'SerializationException', 'Request body is not JSON.');
        return;
      }
      calls[operation] = (calls[operation] ?? 0) + 1;
      const executionOperations: Record<string, () => void> = {
        DescribeExecution: () => describeExecution(response, body, lookup),
        StartExecution: () => sendAnswer(response, answerStartExecution(body, start, lookup)),
        StopExecution: () => sendAnswer(response, answerStopExecution(body, stop, lookup)),
      };
      const executionOperation = executionOperations[operation];
      if (executionOperation !== undefined) {
        try {
          executionOperation();
        } catch (error) {
          sendError(response, 500, 'InternalServerError', (error as Error).message);
        }
        return;
      }
      const token = stringField(body, 'taskToken');
      if (token === undefined || token.length === 0 || token.length > 2048) {
        sendError(response, 400, 'ValidationException', 'taskToken must be 1 to 2048 characters.');
        return;
      }
      try {
        switch (operation) {
          case 'SendTaskSuccess': {
            const output = stringField(body, 'output');
            if (output === undefined) {
              sendError(response, 400, 'ValidationException', 'output is required.');
              return;
            }
            try {
              JSON.parse(output);
            } catch {
              sendError(
                response,
                400,
                'InvalidOutput',
                'Invalid State Machine Output: not valid JSON.',
              );
              return;
            }
            registry.succeed(token, output);
            break;
          }
          case 'SendTaskFailure':
            registry.fail(token, stringField(body, 'error'), stringField(body, 'cause'));
            break;
          case 'SendTaskHeartbeat':
            registry.heartbeat(token);
            break;
          default:
            sendError(
              response,
              400,
              'UnknownOperationException',
              `Operation ${operation} is not supported locally.`,
            );
            return;
        }
        accepted[operation] = (accepted[operation] ?? 0) + 1;
        send(response, 200, {});
      } catch (error) {
        if (error instanceof TaskTokenError) sendError(response, 400, error.code, error.message);
        else sendError(response, 500, 'InternalServerError', (error as Error).message);
      }
    })();
  });
  if (options.clock !== undefined) attachClock(server, options.clock);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type { ExecutionDescription, ExecutionLookup, StepFunctionsApi, StepFunctionsApiOptions };
export { startStepFunctionsApi };
