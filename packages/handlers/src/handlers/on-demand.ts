import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { STSClient } from '@aws-sdk/client-sts';
import type { OnDemandProgress } from '@bedrock-batch/schema';
import middy from '@middy/core';
import { logInvocationError } from '../middleware.js';
import type { MiddyfiedHandler } from '../middy-types.js';
import { assumeOnDemandSession, awsScopeOf } from '../on-demand-session.js';
import { onDemandTask, parseOnDemandPayload } from '../on-demand-task.js';
import { type LambdaHandlerOptions, resolveLambdaOptions } from './lambda-options.js';

/** What the on-demand handler reads of the Lambda context. */
interface OnDemandContext {
  getRemainingTimeInMillis(): number;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
}

/** Options of {@link makeOnDemandHandler}. */
interface OnDemandHandlerOptions extends LambdaHandlerOptions {
  /**
   * The Bedrock runtime client.
   * @default created on the first invocation, with `maxAttempts: 1` (the task backs off itself)
   */
  readonly runtime?: BedrockRuntimeClient;
  /**
   * The role the on-demand calls are made with: each invocation assumes it with a session policy
   * that allows only the payload's model (`onDemandSessionPolicy`), and makes its calls with a
   * runtime client of that session (`runtime` is then not used). The construct sets it.
   * @default the environment's `BEDROCK_BATCH_ON_DEMAND_ROLE_ARN`; when neither is set, the calls
   *   use `runtime` and the function's own credentials
   */
  readonly invokerRoleArn?: string;
  /**
   * The STS client that assumes `invokerRoleArn`.
   * @default created on the first invocation that needs it
   */
  readonly sts?: STSClient;
}

/** Environment variable of the on-demand invoker role's ARN (set by the construct). */
const ON_DEMAND_ROLE_ENV = 'BEDROCK_BATCH_ON_DEMAND_ROLE_ARN';

/** Session length: the shortest STS allows, which outlasts a Lambda invocation (15 minutes). */
const SESSION_SECONDS = 900;

/**
 * Builds the on-demand Lambda handler: {@link onDemandTask} with the invocation's remaining time
 * as its budget, wrapped with Middy and the Powertools logger (records are never logged). With an
 * invoker role (`invokerRoleArn`, or `BEDROCK_BATCH_ON_DEMAND_ROLE_ARN`), each invocation first
 * assumes it narrowed to the payload's model, so a payload cannot make the function invoke
 * another model.
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
  let sts = options.sts;
  return middy<unknown, OnDemandProgress>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logInvocationError(logger))
    .handler(async (event: unknown, context: OnDemandContext) => {
      const payload = parseOnDemandPayload(event);
      const roleArn = options.invokerRoleArn ?? process.env[ON_DEMAND_ROLE_ENV];
      let client: BedrockRuntimeClient;
      if (roleArn === undefined || roleArn === '') {
        runtime ??= new BedrockRuntimeClient({ maxAttempts: 1 });
        client = runtime;
      } else {
        sts ??= new STSClient({});
        const credentials = await assumeOnDemandSession(sts, {
          roleArn,
          modelId: payload.modelId,
          scope: awsScopeOf(context.invokedFunctionArn),
          sessionName: `on-demand-${context.awsRequestId}`,
          durationSeconds: SESSION_SECONDS,
        });
        client = new BedrockRuntimeClient({ maxAttempts: 1, credentials });
      }
      try {
        return await onDemandTask(payload, {
          runtime: client,
          s3: clients().s3,
          remainingTimeMs: () => context.getRemainingTimeInMillis(),
          logger,
        });
      } finally {
        if (client !== runtime) client.destroy();
      }
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
