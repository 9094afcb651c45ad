import { Logger } from '@aws-lambda-powertools/logger';
import { type AwsClients, createAwsClients } from '../clients.js';

/** Options of the Lambda handler factories (`makeCreateJobHandler`, ...). */
interface LambdaHandlerOptions {
  /**
   * AWS clients to use.
   * @default created once, on the first invocation, with `createAwsClients()`
   */
  readonly clients?: AwsClients;
  /**
   * The Powertools logger.
   * @default a new Logger; service name from `POWERTOOLS_SERVICE_NAME`, else "bedrock-batch"
   */
  readonly logger?: Logger;
  /**
   * The environment the handler reads its settings from (see `readHandlerConfig`).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** The resolved options: a logger, a client getter and the environment. */
interface ResolvedLambdaOptions {
  readonly logger: Logger;
  readonly clients: () => AwsClients;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Fills in the defaults of {@link LambdaHandlerOptions}. Clients are created lazily, once per
 * cold start, so importing a handler module stays cheap and needs no credentials.
 *
 * @example
 * ```ts
 * const { logger, clients, env } = resolveLambdaOptions(options);
 * ```
 */
function resolveLambdaOptions(options: LambdaHandlerOptions = {}): ResolvedLambdaOptions {
  const env = options.env ?? process.env;
  const logger =
    options.logger ?? new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'bedrock-batch' });
  let clients = options.clients;
  return {
    logger,
    env,
    clients: () => {
      clients ??= createAwsClients(env);
      return clients;
    },
  };
}

export type { LambdaHandlerOptions, ResolvedLambdaOptions };
export { resolveLambdaOptions };
