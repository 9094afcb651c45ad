// A TypeScript consumer of the packed package. tests/unit/package.test.ts copies it to
// consumer.cts (resolved through the `require` condition) and consumer.mts (the `import`
// condition) and type-checks both with tsconfig.consumer.json. The Logger comes from the
// consumer's own import, in the consumer's module system, as in a real app.
import { Logger } from '@aws-lambda-powertools/logger';
import {
  BedrockBatchHandlerError,
  createAwsClients,
  createJob,
  InvalidInputError,
  readTicket,
  type StoredTicket,
} from '@bedrock-batch/handlers';
import { makeCollectResultsHandler } from '@bedrock-batch/handlers/collect-results';
import { makeCreateJobHandler } from '@bedrock-batch/handlers/create-job';
import { ConfigurationError, TicketFormatError } from '@bedrock-batch/handlers/errors';
import { handler as prepareDatasetHandler } from '@bedrock-batch/handlers/prepare-dataset';
import { handler as reconcileHandler } from '@bedrock-batch/handlers/reconcile';
import { type BatchFragmentInput, ContractValidationError } from '@bedrock-batch/schema';

const logger = new Logger({ serviceName: 'consumer' });
const handler = makeCreateJobHandler({ logger });
handler.use({ before: () => undefined });
// @ts-expect-error - the handler is typed: an unknown method is an error (not `any`)
handler.notAMethod();
reconcileHandler.use({ after: () => undefined });
prepareDatasetHandler.use({ before: () => undefined });
makeCollectResultsHandler({ logger }).use({ before: () => undefined });

/** What went wrong, for an error thrown by `createJob`. */
export async function describeFailure(input: BatchFragmentInput): Promise<string> {
  try {
    await createJob(input, { clients: createAwsClients(), logger });
    return 'created';
  } catch (error) {
    if (error instanceof InvalidInputError && error.cause instanceof ContractValidationError) {
      return error.cause.contract;
    }
    if (error instanceof ConfigurationError) return 'configuration';
    return error instanceof BedrockBatchHandlerError ? error.name : 'other';
  }
}

/** The task's execution, from a job's ticket (`undefined` when there is none or it is unreadable). */
export async function executionOf(bucket: string, jobName: string): Promise<string | undefined> {
  try {
    const stored: StoredTicket | undefined = await readTicket(
      createAwsClients().s3,
      bucket,
      'my-owner',
      jobName,
    );
    return stored?.ticket.executionArn;
  } catch (error) {
    if (error instanceof TicketFormatError) return undefined;
    throw error;
  }
}
