/**
 * Source of the worker thread that hosts one execution environment of a local Lambda function.
 * It runs as an `eval` worker (CommonJS), imports the function's bundle once (the cold start),
 * and answers one invoke message at a time, as a Lambda environment does. Results cross the
 * thread boundary as JSON, as they cross the Lambda API.
 *
 * Time: `Date` in the worker is replaced by a `Date` that reads the runtime's virtual clock. Each
 * invoke message carries the virtual time, which stands still while the invocation is in flight
 * (the invocation is tracked work), so `Date.now()`, `new Date()` and `Date()` report it for the
 * whole invocation. `performance.now()` and timers stay real: the function's timeout is real time.
 */
const LAMBDA_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const { register } = require('node:module');
const RealDate = Date;
let virtualNow = workerData.now;
const virtualDateNow = function now() { return virtualNow; };
globalThis.Date = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    return Reflect.construct(target, args.length === 0 ? [virtualNow] : args, newTarget);
  },
  apply() { return new RealDate(virtualNow).toString(); },
  get(target, key) { return key === 'now' ? virtualDateNow : Reflect.get(target, key); },
});
// Like the Lambda Node.js runtime, provide the AWS SDK v3 to bundles that leave it out: an
// @aws-sdk/* or @smithy/* import the bundle cannot resolve is resolved from this package.
const hook = 'export async function resolve(specifier, context, next) {' +
  ' try { return await next(specifier, context); } catch (error) {' +
  ' if (error && error.code === "ERR_MODULE_NOT_FOUND" &&' +
  ' (specifier.startsWith("@aws-sdk/") || specifier.startsWith("@smithy/")))' +
  ' return next(specifier, { ...context, parentURL: ' + JSON.stringify(workerData.sdkParentUrl) + ' });' +
  ' throw error; } }';
register('data:text/javascript,' + encodeURIComponent(hook));
let loaded;
function load() {
  loaded ??= import(pathToFileURL(workerData.file).href).then((module) => {
    const fn = module[workerData.exportName] ?? module.default?.[workerData.exportName];
    if (typeof fn !== 'function') {
      const error = new Error(workerData.file + ' does not export a function named ' + workerData.exportName);
      error.name = 'Runtime.HandlerNotFound';
      throw error;
    }
    return fn;
  });
  return loaded;
}
parentPort.on('message', async (message) => {
  const { id, event, context, now } = message;
  virtualNow = now;
  try {
    const handler = await load();
    // The init phase (module load) is over: the function's timeout starts now, as in Lambda.
    parentPort.postMessage({ id, started: true });
    const deadline = performance.now() + context.timeoutMs;
    const lambdaContext = {
      ...context,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
      done() {}, succeed() {}, fail() {},
    };
    const result = await handler(event, lambdaContext);
    parentPort.postMessage({ id, ok: true, result: result === undefined ? null : JSON.stringify(result) });
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      errorType: (error && error.name) || 'Error',
      errorMessage: (error && error.message) || String(error),
    });
  }
});
`;

export { LAMBDA_WORKER_SOURCE };
