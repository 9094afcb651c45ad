// A CommonJS consumer of the packed package (tests/unit/package.test.ts runs it in a temporary
// `"type": "commonjs"` project): prints, as JSON, the names `require` and `import()` load and
// whether an error thrown by the required code is an instance of the imported class.
const { existsSync } = require('node:fs');

const PACKAGE = '@bedrock-batch/schema';

async function main() {
  const required = require(PACKAGE);
  const imported = await import(PACKAGE);
  let thrown;
  try {
    required.validate(required.BatchFragmentInputSchema, {
      job_name: 'x',
      manifest_keys: [],
      model_id: 'm',
    });
  } catch (error) {
    thrown = error;
  }
  const jsonSchemas = Object.keys(required.CONTRACT_SCHEMAS).map((name) =>
    existsSync(require.resolve(`${PACKAGE}/json-schema/${name}.json`)),
  );
  const report = {
    node: process.version,
    resolved: require.resolve(PACKAGE),
    required: Object.keys(required).sort(),
    imported: Object.keys(imported).sort(),
    thrown: `${thrown?.name}: ${thrown?.message}`,
    instanceOfImported: thrown instanceof imported.ContractValidationError,
    instanceOfImportedBase: thrown instanceof imported.BedrockBatchSchemaError,
    sameClass: required.ContractValidationError === imported.ContractValidationError,
    jsonSchemas,
  };
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
