import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from './middy-types.js';

/** Log keys a middleware adds to every line of an invocation. */
type LogKeys = Record<string, string | undefined>;

/**
 * Middy middleware that adds keys picked from the raw event (such as the execution ARN or the
 * job ARN) to every log line of the invocation, and removes them when it ends. `pick` receives
 * the untrusted event and must never return a secret (task tokens stay out of logs).
 *
 * @param logger - the Powertools logger of the handler
 * @param pick - returns the keys to add; `undefined` values are skipped
 *
 * @example
 * ```ts
 * middy(fn).use(appendLogKeys(logger, (event) => ({ executionArn: stringAt(event, 'executionArn') })));
 * ```
 */
function appendLogKeys(logger: Logger, pick: (event: unknown) => LogKeys): MiddlewareObj {
  let added: string[] = [];
  const cleanup = (): void => {
    if (added.length > 0) logger.removeKeys(added);
    added = [];
  };
  return {
    name: 'appendLogKeys',
    before: (request) => {
      const keys: Record<string, string> = {};
      for (const [key, value] of Object.entries(pick(request.event))) {
        if (value !== undefined) keys[key] = value;
      }
      added = Object.keys(keys);
      if (added.length > 0) logger.appendKeys(keys);
    },
    after: cleanup,
    onError: cleanup,
  };
}

/**
 * Middy middleware that writes one error line for a failed invocation: the error's `name`
 * (the Step Functions `Error`) and message, never the event. The error is rethrown unchanged.
 *
 * @param logger - the Powertools logger of the handler
 *
 * @example
 * ```ts
 * middy(fn).use(logInvocationError(logger));
 * ```
 */
function logInvocationError(logger: Logger): MiddlewareObj {
  return {
    name: 'logInvocationError',
    onError: (request) => {
      const error = request.error;
      logger.error('Invocation failed', {
        errorName: error?.name ?? 'Error',
        errorMessage: error?.message ?? String(error),
      });
    },
  };
}

/**
 * A string field of an untrusted object, or `undefined`: for picking log keys from raw events.
 *
 * @example
 * ```ts
 * stringAt(event, 'detail', 'batchJobArn');
 * ```
 */
function stringAt(value: unknown, ...path: readonly string[]): string | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}

export type { LogKeys };
export { appendLogKeys, logInvocationError, stringAt };
