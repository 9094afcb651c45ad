import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { CollectedDataset } from '@bedrock-batch/schema';
import middy from '@middy/core';
import { type CollectResultsInput, collectResults } from '../collect-results.js';
import { logInvocationError } from '../middleware.js';
import type { MiddyfiedHandler } from '../middy-types.js';
import { type LambdaHandlerOptions, resolveLambdaOptions } from './lambda-options.js';

/**
 * Builds the collect-results Lambda handler: {@link collectResults} on the event (a
 * `CollectResultsPayload`: the plan's bucket and work prefix and the Map's jobs), wrapped with
 * Middy and the Powertools logger. It returns the `CollectedDataset`: the fragment's `DatasetResult`, with `retry`
 * when another round is to run.
 *
 * @param options - clients, logger and environment
 * @returns the Middy handler
 *
 * @example
 * ```ts
 * export const handler = makeCollectResultsHandler();
 * ```
 */
function makeCollectResultsHandler(
  options: LambdaHandlerOptions = {},
): MiddyfiedHandler<unknown, CollectedDataset> {
  const { logger, clients } = resolveLambdaOptions(options);
  return middy<unknown, CollectedDataset>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logInvocationError(logger))
    .handler(async (event: unknown) =>
      // collectResults checks the event itself (BedrockBatch.InvalidInput when it is not one).
      collectResults(event as CollectResultsInput, { s3: clients().s3, logger }),
    );
}

/**
 * The collect-results Lambda handler (`index.handler` of `dist/lambda/collect-results`).
 *
 * @example
 * ```ts
 * const result = await handler(collectResultsPayload, context);
 * ```
 */
const handler: MiddyfiedHandler<unknown, CollectedDataset> = makeCollectResultsHandler();

export { collectResults, handler, makeCollectResultsHandler };
