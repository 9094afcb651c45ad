// A CommonJS jest test of the packed package, as in a `cdk init app --language typescript`
// project: jest 30 with @swc/jest compiling TypeScript to CommonJS, node_modules not transformed.
// tests/unit/package.test.ts runs it with the jest.config.cjs next to it.
import {
  BatchFragmentInputSchema,
  BedrockBatchSchemaError,
  ContractValidationError,
  validate,
} from '@bedrock-batch/schema';

test('requires the package and catches its errors by class', () => {
  expect(typeof module).toBe('object');
  const invalid = { job_name: 'x', manifest_keys: [], model_id: 'm' };
  expect(() => validate(BatchFragmentInputSchema, invalid)).toThrow(ContractValidationError);
  expect(() => validate(BatchFragmentInputSchema, invalid)).toThrow(BedrockBatchSchemaError);
});
