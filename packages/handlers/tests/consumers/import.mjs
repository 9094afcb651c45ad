// An ES module consumer of the packed package (tests/unit/package.test.ts runs it in a temporary
// `"type": "module"` project that has no @middy/core installed): prints, as JSON, the names
// `import` and `require` load, and whether errors thrown by the imported code (directly and
// through a Middy handler given the app's own ESM-built Powertools logger) are instances of the
// required classes.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import * as imported from '@bedrock-batch/handlers';
import { makeCreateJobHandler } from '@bedrock-batch/handlers/create-job';
import { handler as reconcileHandler } from '@bedrock-batch/handlers/reconcile';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const PACKAGE = '@bedrock-batch/handlers';
const require = createRequire(import.meta.url);
const required = require(PACKAGE);
const requiredSchema = require('@bedrock-batch/schema');
const context = { awsRequestId: 'request-1', getRemainingTimeInMillis: () => 30_000 };

/** The error a promise rejects with. */
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const thrown = await rejection(imported.createJob({}, { clients: {} }));
const logger = new Logger({ serviceName: 'consumer' });
const fromHandler = await rejection(makeCreateJobHandler({ clients: {}, logger })({}, context));
const report = {
  node: process.version,
  resolved: fileURLToPath(import.meta.resolve(PACKAGE)),
  imported: Object.keys(imported).sort(),
  required: Object.keys(required).sort(),
  thrown: `${thrown.name}: ${thrown.message}`,
  instanceOfRequired: thrown instanceof required.InvalidInputError,
  causeInstanceOfRequiredSchema: thrown.cause instanceof requiredSchema.ContractValidationError,
  sameClass: imported.InvalidInputError === required.InvalidInputError,
  handlerUse: typeof reconcileHandler.use,
  handlerError: `${fromHandler.name}`,
};
process.stdout.write(JSON.stringify(report));
