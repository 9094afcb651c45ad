import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readHandlerConfig } from '../config.js';
import { logInvocationError } from '../middleware.js';
import type { MiddyfiedHandler } from '../middy-types.js';
import { type ReconcileSummary, reconcile } from '../reconcile.js';
import { type LambdaHandlerOptions, resolveLambdaOptions } from './lambda-options.js';

/**
 * Builds the reconcile Lambda handler (run by a schedule; the event's content is ignored):
 * {@link reconcile} with `BEDROCK_BATCH_OWNER` and `BEDROCK_BATCH_CONTROL_BUCKETS` from the
 * environment, wrapped with Middy and the Powertools logger.
 *
 * @param options - clients, logger and environment
 * @returns the Middy handler
 *
 * @example
 * ```ts
 * export const handler = makeReconcileHandler();
 * ```
 */
function makeReconcileHandler(
  options: LambdaHandlerOptions = {},
): MiddyfiedHandler<unknown, ReconcileSummary> {
  const { logger, clients, env } = resolveLambdaOptions(options);
  return middy<unknown, ReconcileSummary>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logInvocationError(logger))
    .handler(async () => {
      const config = readHandlerConfig(env);
      return reconcile({
        clients: clients(),
        owner: config.owner,
        controlBuckets: config.controlBuckets,
        logger,
      });
    });
}

/**
 * The reconcile Lambda handler (`index.handler` of `dist/lambda/reconcile`).
 *
 * @example
 * ```ts
 * const summary = await handler(scheduledEvent, context);
 * ```
 */
const handler: MiddyfiedHandler<unknown, ReconcileSummary> = makeReconcileHandler();

export type { ReconcileOptions, ReconcileSummary } from '../reconcile.js';
export { handler, makeReconcileHandler, reconcile };
