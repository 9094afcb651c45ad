// A CommonJS jest test of the packed package, as in a `cdk init app --language typescript`
// project: jest 30 with @swc/jest compiling TypeScript to CommonJS, node_modules not transformed,
// and no @middy/core installed. tests/unit/package.test.ts runs it with jest.config.cjs.
import { BedrockBatchHandlerError, createJob, InvalidInputError } from '@bedrock-batch/handlers';
import { makeCreateJobHandler } from '@bedrock-batch/handlers/create-job';
import { ContractValidationError } from '@bedrock-batch/schema';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const context = { awsRequestId: 'request-1', getRemainingTimeInMillis: () => 30_000 };

test('requires the package, runs a Middy handler and catches its errors by class', async () => {
  expect(typeof module).toBe('object');
  const thrown = await createJob({}, { clients: {} as never }).catch((error: unknown) => error);
  expect(thrown).toBeInstanceOf(InvalidInputError);
  expect(thrown).toBeInstanceOf(BedrockBatchHandlerError);
  expect((thrown as Error).cause).toBeInstanceOf(ContractValidationError);
  const handler = makeCreateJobHandler({ clients: {} as never });
  await expect(handler({}, context as never)).rejects.toBeInstanceOf(InvalidInputError);
});
