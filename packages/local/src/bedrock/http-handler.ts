import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatedServiceError } from '../errors.js';
import {
  type BedrockOperationName,
  type EmulatorFaults,
  liveRate,
  type RuntimeOperationName,
} from './faults.js';
import type { BedrockOperations } from './operations.js';
import type { Random } from './random.js';
import { isRuntimeErrorName, runtimeException } from './runtime-exceptions.js';
import type { RuntimeOperations } from './runtime-operations.js';
import { ServiceException } from './service-exceptions.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The `Body` blob of InvokeModel is at most 25,000,000 bytes in the service model. */
const MAX_RUNTIME_BODY_BYTES = 25_000_000;

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

async function readRawBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw ServiceException.validation('The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const text = (await readRawBody(req)).toString('utf8');
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

/** The runtime API operation of a path, `/model/{modelId}/invoke` or `/model/{modelId}/converse`. */
function runtimeRouteOf(
  method: string,
  segments: readonly string[],
): { operation: RuntimeOperationName; modelId: string } | undefined {
  const [first, modelId, action, ...rest] = segments;
  if (method !== 'POST' || first !== 'model' || modelId === undefined || rest.length > 0) {
    return undefined;
  }
  if (action === 'invoke') return { operation: 'InvokeModel', modelId };
  if (action === 'converse') return { operation: 'Converse', modelId };
  return undefined;
}

/** Checks the runtime faults for one call: throttling first, then the injected errors. */
function checkRuntimeFaults(
  faults: EmulatorFaults,
  operation: RuntimeOperationName,
  modelId: string,
  random: Random,
): void {
  const applies = (operations: readonly RuntimeOperationName[] | undefined): boolean =>
    operations === undefined || operations.includes(operation);
  const { throttle, errors } = faults.runtime;
  if (applies(throttle.operations)) {
    if (throttle.nextCalls > 0) {
      throttle.nextCalls -= 1;
      throw ServiceException.throttling();
    }
    if (random() < liveRate(throttle.rate)) throw ServiceException.throttling();
  }
  if (applies(errors.operations)) {
    let fail: boolean;
    if (errors.nextCalls > 0) {
      errors.nextCalls -= 1;
      fail = true;
    } else {
      fail = random() < liveRate(errors.rate);
    }
    if (fail) {
      const name = isRuntimeErrorName(errors.error) ? errors.error : 'InternalServerException';
      throw runtimeException(name, errors.message, modelId);
    }
  }
}

/** The runtime API side of the request handler. */
interface RuntimeHandling {
  readonly operations: RuntimeOperations;
  /** Draws of the runtime faults (its own seeded sequence). */
  readonly random: Random;
}

/** Observer of every call the emulator answers (for inspection). */
type CallObserver = (call: {
  operation: string;
  statusCode: number;
  errorType?: string;
  accessKeyId?: string;
  modelId?: string;
}) => void;

/** The access key id a SigV4 `Authorization` header names (`Credential=<key>/<scope>`). */
function accessKeyOf(req: IncomingMessage): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
}

/**
 * The node:http request listener of the emulator: routing, throttling faults, body parsing, and
 * the REST-JSON response (JSON body, `x-amzn-errortype` header on errors).
 */
function createRequestHandler(
  ops: BedrockOperations,
  faults: EmulatorFaults,
  random: Random,
  observe: CallObserver,
  runtime: RuntimeHandling,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://localhost');
      let operation = `${method} ${url.pathname}`;
      const signer = accessKeyOf(req);
      const who = signer === undefined ? {} : { accessKeyId: signer };
      let about: { modelId?: string } = {};
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
        const runtimeRoute = runtimeRouteOf(method, segments);
        if (runtimeRoute !== undefined) {
          operation = runtimeRoute.operation;
          const { modelId } = runtimeRoute;
          about = { modelId };
          checkRuntimeFaults(faults, runtimeRoute.operation, modelId, runtime.random);
          const body = await readRawBody(req, MAX_RUNTIME_BODY_BYTES);
          const requestId = randomUUID();
          const result =
            runtimeRoute.operation === 'InvokeModel'
              ? runtime.operations.invokeModel(modelId, body, requestId)
              : runtime.operations.converse(modelId, body, requestId);
          send(res, 200, result.body, { ...result.headers, 'x-amzn-requestid': requestId });
          observe({ operation, statusCode: 200, ...who, ...about });
          return;
        }
        const route = routeOf(method, segments);
        if (route === undefined) {
          throw ServiceException.unknownOperation(
            `No operation matches ${method} ${url.pathname}: the Bedrock emulator supports the model invocation job and tagging operations, InvokeModel and Converse only.`,
          );
        }
        operation = route.operation;
        if (isThrottled(faults, route.operation, random)) throw ServiceException.throttling();
        const body = route.hasBody ? await readBody(req) : undefined;
        if (!route.hasBody) req.resume();
        const result = route.run(ops, body, url.searchParams);
        send(res, 200, result);
        observe({ operation, statusCode: 200, ...who });
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
          ...who,
          ...about,
        });
      }
    })();
  };
}

export type { CallObserver, RuntimeHandling };
export { createRequestHandler };
