import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readHandlerConfig } from '../config.js';
import { createJob } from '../create-job.js';
import { appendLogKeys, logInvocationError, stringAt } from '../middleware.js';
import type { MiddyfiedHandler } from '../middy-types.js';
import { type LambdaHandlerOptions, resolveLambdaOptions } from './lambda-options.js';

/** What the create-job Lambda returns (the waiting task ignores it). */
interface CreateJobHandlerResult {
  readonly jobArn: string;
  readonly replayed: boolean;
}

/**
 * Builds the create-job Lambda handler: {@link createJob} wrapped with Middy and the Powertools
 * logger (Lambda context and the execution ARN in every line; the event, and so the task
 * token, is never logged). Errors keep their names, which Step Functions reports as `Error`.
 *
 * @param options - clients, logger and environment
 * @returns the Middy handler
 *
 * @example
 * ```ts
 * export const handler = makeCreateJobHandler({ logger: new Logger({ serviceName: 'my-batch' }) });
 * ```
 */
function makeCreateJobHandler(
  options: LambdaHandlerOptions = {},
): MiddyfiedHandler<unknown, CreateJobHandlerResult> {
  const { logger, clients, env } = resolveLambdaOptions(options);
  return middy<unknown, CreateJobHandlerResult>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(appendLogKeys(logger, (event) => ({ executionArn: stringAt(event, 'executionArn') })))
    .use(logInvocationError(logger))
    .handler(async (event: unknown) => {
      const { owner } = readHandlerConfig(env);
      const result = await createJob(event, { clients: clients(), owner, logger });
      return { jobArn: result.jobArn, replayed: result.replayed };
    });
}

/**
 * The create-job Lambda handler (`index.handler` of `dist/lambda/create-job`).
 *
 * @example
 * ```ts
 * await handler(createJobPayload, context);
 * ```
 */
const handler: MiddyfiedHandler<unknown, CreateJobHandlerResult> = makeCreateJobHandler();

export type { CreateJobResult } from '../create-job.js';
export type { CreateJobHandlerResult };
export { createJob, handler, makeCreateJobHandler };
