import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readHandlerConfig } from '../config.js';
import { handleJobEvent, type JobEventResult } from '../job-event.js';
import { appendLogKeys, logInvocationError, stringAt } from '../middleware.js';
import type { MiddyfiedHandler } from '../middy-types.js';
import { type LambdaHandlerOptions, resolveLambdaOptions } from './lambda-options.js';

/**
 * Builds the job-event Lambda handler (target of the "Batch Inference Job State Change" rule):
 * {@link handleJobEvent} wrapped with Middy and the Powertools logger (Lambda context and the
 * job ARN in every line; task tokens never logged).
 *
 * @param options - clients, logger and environment
 * @returns the Middy handler
 *
 * @example
 * ```ts
 * export const handler = makeJobEventHandler();
 * ```
 */
function makeJobEventHandler(
  options: LambdaHandlerOptions = {},
): MiddyfiedHandler<unknown, JobEventResult> {
  const { logger, clients, env } = resolveLambdaOptions(options);
  return middy<unknown, JobEventResult>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(appendLogKeys(logger, (event) => ({ jobArn: stringAt(event, 'detail', 'batchJobArn') })))
    .use(logInvocationError(logger))
    .handler(async (event: unknown) => {
      const { owner, controlBuckets } = readHandlerConfig(env);
      return handleJobEvent(event, { clients: clients(), owner, controlBuckets, logger });
    });
}

/**
 * The job-event Lambda handler (`index.handler` of `dist/lambda/job-event`).
 *
 * @example
 * ```ts
 * await handler(jobStateChangeEvent, context);
 * ```
 */
const handler: MiddyfiedHandler<unknown, JobEventResult> = makeJobEventHandler();

export type { JobEventResult };
export { handleJobEvent, handler, makeJobEventHandler };
