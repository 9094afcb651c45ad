// Writes the CommonJS implementation (dist/cjs) and the ESM wrappers (dist/esm) of the package:
// one copy of every class, reached by `require` and `import` (see README, "Module systems", and
// the shared build in scripts/build-module-formats.mjs at the workspace root).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildModuleFormats } from '../../../scripts/build-module-formats.mjs';

await buildModuleFormats({
  packageDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
  build,
});
