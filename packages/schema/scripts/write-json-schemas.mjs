// Writes dist/json-schema/<Contract>.json for every public contract (JSON Schema draft 2020-12),
// from the compiled package, so the files match exactly what the zod schemas accept.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONTRACT_SCHEMAS } from '../dist/index.js';

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
