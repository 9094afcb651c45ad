import { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from './clients.js';

/** What the plain functions need: AWS clients, the owner id, and a logger. */
interface HandlerDeps {
  /** The AWS SDK v3 clients to call (see `createAwsClients`). */
  readonly clients: AwsClients;
  /**
   * Owner id of the jobs this deployment manages (the `bedrock-batch:managed-by` tag value).
   * @default MANAGED_BY_VALUE ("bedrock-batch-sfn")
   */
  readonly owner?: string;
  /**
   * The buckets that hold this owner's job tickets (the output buckets of its jobs), where
   * job-event and reconcile look for them.
   * @default - job-event reads the job's output bucket from GetModelInvocationJob; reconcile has
   *   nothing to look at
   */
  readonly controlBuckets?: readonly string[];
  /**
   * Where log lines go. Task tokens and record contents are never logged.
   * @default a Powertools Logger with service name "bedrock-batch" (or `POWERTOOLS_SERVICE_NAME`)
   */
  readonly logger?: Logger;
}

let fallbackLogger: Logger | undefined;

/**
 * The logger the plain functions use when the caller passes none: created on first use, shared.
 *
 * @example
 * ```ts
 * const logger = deps.logger ?? defaultLogger();
 * ```
 */
function defaultLogger(): Logger {
  fallbackLogger ??= new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'bedrock-batch',
  });
  return fallbackLogger;
}

export type { HandlerDeps };
export { defaultLogger };
