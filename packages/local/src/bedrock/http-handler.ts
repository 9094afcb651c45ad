import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatedServiceError } from '../errors.js';
import { type BedrockOperationName, type EmulatorFaults, liveRate } from './faults.js';
import type { BedrockOperations } from './operations.js';
import type { Random } from './random.js';
import { ServiceException } from './service-exceptions.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface Route {
  readonly operation: BedrockOperationName;
  readonly run: (ops: BedrockOperations, body: unknown, query: URLSearchParams) => unknown;
  readonly hasBody: boolean;
}

/**
 * Maps a method and path to an operation, as the Bedrock REST-JSON routes do. Path labels arrive
 * URL-encoded (a job ARN becomes `arn%3Aaws%3Abedrock...`) and are decoded here.
 */
function routeOf(method: string, segments: readonly string[]): Route | undefined {
  const [first, second, third, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (first === 'model-invocation-job') {
    if (second === undefined && method === 'POST') {
      return {
        operation: 'CreateModelInvocationJob',
        hasBody: true,
        run: (ops, body) => ops.createModelInvocationJob(body),
      };
    }
    if (second !== undefined && third === undefined && method === 'GET') {
      return {
        operation: 'GetModelInvocationJob',
        hasBody: false,
        run: (ops) => ops.getModelInvocationJob(second),
      };
    }
    if (second !== undefined && third === 'stop' && method === 'POST') {
      return {
        operation: 'StopModelInvocationJob',
        hasBody: false,
        run: (ops) => ops.stopModelInvocationJob(second),
      };
    }
    return undefined;
  }
  if (second !== undefined) return undefined;
  if (first === 'model-invocation-jobs' && method === 'GET') {
    return {
      operation: 'ListModelInvocationJobs',
      hasBody: false,
      run: (ops, _b, q) => ops.listModelInvocationJobs(q),
    };
  }
  if (method !== 'POST') return undefined;
  if (first === 'tagResource')
    return { operation: 'TagResource', hasBody: true, run: (ops, b) => ops.tagResource(b) };
  if (first === 'untagResource')
    return { operation: 'UntagResource', hasBody: true, run: (ops, b) => ops.untagResource(b) };
  if (first === 'listTagsForResource') {
    return {
      operation: 'ListTagsForResource',
      hasBody: true,
      run: (ops, b) => ops.listTagsForResource(b),
    };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw ServiceException.validation('The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw ServiceException.serialization('The request body is not valid JSON.');
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: EmulatedServiceError): void {
  send(
    res,
    error.statusCode,
    { message: error.message, ...error.extra },
    { 'x-amzn-errortype': error.errorType },
  );
}

/** Decides whether a call is throttled, consuming `nextCalls` first, then the rate. */
function isThrottled(
  faults: EmulatorFaults,
  operation: BedrockOperationName,
  random: Random,
): boolean {
  const throttle = faults.throttle;
  if (throttle.operations !== undefined && !throttle.operations.includes(operation)) return false;
  if (throttle.nextCalls > 0) {
    throttle.nextCalls -= 1;
    return true;
  }
  return random() < liveRate(throttle.rate);
}

/** Observer of every call the emulator answers (for inspection). */
type CallObserver = (call: { operation: string; statusCode: number; errorType?: string }) => void;

/**
 * The node:http request listener of the emulator: routing, throttling faults, body parsing, and
 * the REST-JSON response (JSON body, `x-amzn-errortype` header on errors).
 */
function createRequestHandler(
  ops: BedrockOperations,
  faults: EmulatorFaults,
  random: Random,
  observe: CallObserver,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://localhost');
      let operation = `${method} ${url.pathname}`;
      try {
        let segments: string[];
        try {
          segments = url.pathname
            .split('/')
            .filter((s) => s !== '')
            .map((s) => decodeURIComponent(s));
        } catch {
          throw ServiceException.validation(
            `The request path ${url.pathname} is not correctly URL-encoded.`,
          );
        }
        const route = routeOf(method, segments);
        if (route === undefined) {
          throw ServiceException.unknownOperation(
            `No operation matches ${method} ${url.pathname}: the Bedrock batch emulator supports the model invocation job and tagging operations only.`,
          );
        }
        operation = route.operation;
        if (isThrottled(faults, route.operation, random)) throw ServiceException.throttling();
        const body = route.hasBody ? await readBody(req) : undefined;
        if (!route.hasBody) req.resume();
        const result = route.run(ops, body, url.searchParams);
        send(res, 200, result);
        observe({ operation, statusCode: 200 });
      } catch (error) {
        const serviceError =
          error instanceof EmulatedServiceError
            ? error
            : ServiceException.internal(
                `Internal server error: ${(error as Error)?.message ?? String(error)}`,
              );
        req.resume();
        sendError(res, serviceError);
        observe({
          operation,
          statusCode: serviceError.statusCode,
          errorType: serviceError.errorType,
        });
      }
    })();
  };
}

export type { CallObserver };
export { createRequestHandler };
