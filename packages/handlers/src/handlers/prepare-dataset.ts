import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { PreparedDataset } from '@bedrock-batch/schema';
import middy from '@middy/core';
import { appendLogKeys, logInvocationError, stringAt } from '../middleware.js';
import type { MiddyfiedHandler } from '../middy-types.js';
import { prepareDatasetTask } from '../prepare-dataset-task.js';
import { type LambdaHandlerOptions, resolveLambdaOptions } from './lambda-options.js';

/**
 * Builds the prepare-dataset Lambda handler: {@link prepareDatasetTask} wrapped with Middy and
 * the Powertools logger (Lambda context and the execution ARN in every line; records are never
 * logged). Errors keep their names, which Step Functions reports as `Error`
 * (`BedrockBatch.InvalidInput` for a bad dataset).
 *
 * @param options - clients, logger and environment
 * @returns the Middy handler
 *
 * @example
 * ```ts
 * export const handler = makePrepareDatasetHandler({ logger: new Logger({ serviceName: 'my-batch' }) });
 * ```
 */
function makePrepareDatasetHandler(
  options: LambdaHandlerOptions = {},
): MiddyfiedHandler<unknown, PreparedDataset> {
  const { logger, clients } = resolveLambdaOptions(options);
  return middy<unknown, PreparedDataset>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(appendLogKeys(logger, (event) => ({ executionArn: stringAt(event, 'executionArn') })))
    .use(logInvocationError(logger))
    .handler(async (event: unknown) => prepareDatasetTask(event, { s3: clients().s3, logger }));
}

/**
 * The prepare-dataset Lambda handler (`index.handler` of `dist/lambda/prepare-dataset`).
 *
 * @example
 * ```ts
 * const prepared = await handler(prepareDatasetPayload, context);
 * ```
 */
const handler: MiddyfiedHandler<unknown, PreparedDataset> = makePrepareDatasetHandler();

export type { PrepareDatasetTaskDeps } from '../prepare-dataset-task.js';
export { handler, makePrepareDatasetHandler, prepareDatasetTask };
