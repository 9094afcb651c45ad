// Writes the CommonJS implementation (dist/cjs) and the ESM wrappers (dist/esm) of the package:
// one copy of every class, reached by `require` and `import` (see README, "Module systems", and
// the shared build in scripts/build-module-formats.mjs at the workspace root). The Lambda bundles
// (dist/lambda, scripts/bundle.mjs) are separate: ESM files that contain everything they need.
//
// Why @middy/core is vendored: it is ESM only (its exports have only an `import` condition). A
// CommonJS file that requires it loads only where Node can `require()` an ES module (20.19+,
// 22.12+), and never in jest's CommonJS runtime, which is where most CDK apps test. Compiled into
// the package (dist/cjs/vendor/middy-core.js), `require('@bedrock-batch/handlers/create-job')`
// works everywhere. Middy exports no class that callers check with `instanceof`, and the package
// holds exactly one copy of it, shared by the three handler modules and by `import` and
// `require`. @middy/core stays a dependency for its types only.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildModuleFormats } from '../../../scripts/build-module-formats.mjs';

await buildModuleFormats({
  packageDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
  build,
  vendored: { '@middy/core': 'vendor/middy-core.js' },
});
