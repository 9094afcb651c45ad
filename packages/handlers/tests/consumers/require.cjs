// A CommonJS consumer of the packed package (tests/unit/package.test.ts runs it in a temporary
// `"type": "commonjs"` project that has no @middy/core installed): prints, as JSON, the names
// `require` and `import()` load per entry point, and whether errors thrown by the required code
// (directly and through a Middy handler) are instances of the imported classes.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const PACKAGE = '@bedrock-batch/handlers';
const SUBPATHS = [
  '',
  '/create-job',
  '/job-event',
  '/reconcile',
  '/prepare-dataset',
  '/collect-results',
  '/on-demand',
  '/errors',
  '/middleware',
];
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

async function main() {
  const entries = {};
  for (const subpath of SUBPATHS) {
    entries[subpath] = {
      required: Object.keys(require(PACKAGE + subpath)).sort(),
      imported: Object.keys(await import(PACKAGE + subpath)).sort(),
    };
  }
  const required = require(PACKAGE);
  const { makeCreateJobHandler } = require(`${PACKAGE}/create-job`);
  const imported = await import(PACKAGE);
  const importedErrors = await import(`${PACKAGE}/errors`);
  const importedSchema = await import('@bedrock-batch/schema');

  const thrown = await rejection(required.createJob({}, { clients: {} }));
  const handler = makeCreateJobHandler({ clients: {} });
  const fromHandler = await rejection(handler({}, context));
  const report = {
    node: process.version,
    resolved: require.resolve(PACKAGE),
    entries,
    thrown: `${thrown.name}: ${thrown.message}`,
    instanceOfImported: thrown instanceof imported.InvalidInputError,
    instanceOfImportedBase: thrown instanceof importedErrors.BedrockBatchHandlerError,
    causeInstanceOfImportedSchema: thrown.cause instanceof importedSchema.ContractValidationError,
    sameClass: required.InvalidInputError === importedErrors.InvalidInputError,
    handlerUse: typeof handler.use,
    handlerError: fromHandler instanceof imported.InvalidInputError,
  };
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
