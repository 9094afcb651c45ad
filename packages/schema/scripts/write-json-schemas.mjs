// Writes dist/json-schema/<Contract>.json for every public contract (JSON Schema draft 2020-12),
// from the compiled package, so the files match exactly what the zod schemas accept. It requires
// the CommonJS build and zod's CommonJS entry, so the schemas and the converter share one zod.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { z } = require('zod');
const { CONTRACT_SCHEMAS } = require('../dist/cjs/index.js');

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'json-schema');
await mkdir(outDir, { recursive: true });
for (const [name, schema] of Object.entries(CONTRACT_SCHEMAS)) {
  const jsonSchema = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  });
  const document = { $id: `urn:bedrock-batch:schema:${name}`, ...jsonSchema };
  await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(document, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(CONTRACT_SCHEMAS).length} JSON Schemas to ${outDir}`);
