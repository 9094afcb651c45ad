import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { OnDemandProgress } from '@bedrock-batch/schema';
import middy from '@middy/core';
import { logInvocationError } from '../middleware.js';
import type { MiddyfiedHandler } from '../middy-types.js';
import { onDemandTask } from '../on-demand-task.js';
import { type LambdaHandlerOptions, resolveLambdaOptions } from './lambda-options.js';

/** Options of {@link makeOnDemandHandler}. */
interface OnDemandHandlerOptions extends LambdaHandlerOptions {
  /**
   * The Bedrock runtime client.
   * @default created on the first invocation, with `maxAttempts: 1` (the task backs off itself)
   */
  readonly runtime?: BedrockRuntimeClient;
}

/**
 * Builds the on-demand Lambda handler: {@link onDemandTask} with the invocation's remaining time
 * as its budget, wrapped with Middy and the Powertools logger (records are never logged).
 *
 * @param options - clients, logger and environment
 * @returns the Middy handler
 *
 * @example
 * ```ts
 * export const handler = makeOnDemandHandler({ runtime: new BedrockRuntimeClient({ maxAttempts: 1 }) });
 * ```
 */
function makeOnDemandHandler(
  options: OnDemandHandlerOptions = {},
): MiddyfiedHandler<unknown, OnDemandProgress> {
  const { logger, clients } = resolveLambdaOptions(options);
  let runtime = options.runtime;
  return middy<unknown, OnDemandProgress>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logInvocationError(logger))
    .handler(async (event: unknown, context: { getRemainingTimeInMillis(): number }) => {
      runtime ??= new BedrockRuntimeClient({ maxAttempts: 1 });
      return onDemandTask(event, {
        runtime,
        s3: clients().s3,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        logger,
      });
    });
}

/**
 * The on-demand Lambda handler (`index.handler` of `dist/lambda/on-demand`).
 *
 * @example
 * ```ts
 * const progress = await handler(onDemandPayload, context);
 * ```
 */
const handler: MiddyfiedHandler<unknown, OnDemandProgress> = makeOnDemandHandler();

export type { OnDemandTaskDeps } from '../on-demand-task.js';
export type { OnDemandHandlerOptions };
export { handler, makeOnDemandHandler, onDemandTask };
