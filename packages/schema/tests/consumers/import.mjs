// An ES module consumer of the packed package (tests/unit/package.test.ts runs it in a temporary
// `"type": "module"` project): prints, as JSON, the names `import` and `require` load, whether an
// error thrown by the imported code is an instance of the required class, whether the schemas work
// with the app's own zod (its ESM build; ours requires the CommonJS one), and which JSON Schema
// files resolve.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as imported from '@bedrock-batch/schema';
import {
  BatchFragmentInputSchema,
  buildJobName,
  ContractValidationError,
  validate,
} from '@bedrock-batch/schema';
import * as z from 'zod';

const PACKAGE = '@bedrock-batch/schema';
const require = createRequire(import.meta.url);
const required = require(PACKAGE);

const input = validate(BatchFragmentInputSchema, {
  job_name: 'test_job',
  manifest_keys: ['test_key.jsonl'],
  model_id: 'test.model-v1',
});
let thrown;
try {
  validate(BatchFragmentInputSchema, { job_name: 'x', manifest_keys: [], model_id: 'm' });
} catch (error) {
  thrown = error;
}
const composed = z.object({ input: BatchFragmentInputSchema, team: z.string() });
const zodInterop = {
  instanceOfZodType: BatchFragmentInputSchema instanceof z.ZodType,
  zodError: BatchFragmentInputSchema.safeParse({}).error instanceof z.ZodError,
  composed: composed.safeParse({ input, team: 't' }).success,
  composedRejects: !composed.safeParse({ input: {}, team: 't' }).success,
  jsonSchema: Object.keys(z.toJSONSchema(BatchFragmentInputSchema, { io: 'input' }).properties),
};
const jsonSchemas = Object.keys(imported.CONTRACT_SCHEMAS).map((name) =>
  existsSync(fileURLToPath(import.meta.resolve(`${PACKAGE}/json-schema/${name}.json`))),
);
const report = {
  node: process.version,
  resolved: fileURLToPath(import.meta.resolve(PACKAGE)),
  imported: Object.keys(imported).sort(),
  required: Object.keys(required).sort(),
  name: buildJobName(input.job_name, 0),
  thrown: `${thrown?.name}: ${thrown?.message}`,
  instanceOfRequired: thrown instanceof required.ContractValidationError,
  sameClass: ContractValidationError === required.ContractValidationError,
  zodInterop,
  jsonSchemas,
};
process.stdout.write(JSON.stringify(report));
