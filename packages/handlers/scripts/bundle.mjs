// Writes one deployable bundle per Lambda handler: dist/lambda/<name>/index.mjs (+ .map).
// ESM, platform node, target node22, minified, AWS SDK bundled (see README, "Bundling").
// `--external-sdk` writes the variant that takes the SDK from the Lambda runtime instead, to
// dist/lambda-external-sdk/<name>/ (built by the benchmark for comparison; never deployed or
// published).
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Handler name -> entry module. */
const HANDLERS = {
  'create-job': 'src/handlers/create-job.ts',
  'job-event': 'src/handlers/job-event.ts',
  reconcile: 'src/handlers/reconcile.ts',
  'prepare-dataset': 'src/handlers/prepare-dataset.ts',
  'collect-results': 'src/handlers/collect-results.ts',
  'on-demand': 'src/handlers/on-demand.ts',
};

const BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

async function bundleAll({ externalSdk = false } = {}) {
  const outRoot = join(packageDir, 'dist', externalSdk ? 'lambda-external-sdk' : 'lambda');
  await rm(outRoot, { recursive: true, force: true });
  const sizes = {};
  for (const [name, entry] of Object.entries(HANDLERS)) {
    const outfile = join(outRoot, name, 'index.mjs');
    await mkdir(dirname(outfile), { recursive: true });
    const result = await build({
      entryPoints: [join(packageDir, entry)],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      metafile: true,
      // Resolve workspace packages (the schema) from their TypeScript sources, so the bundle
      // never depends on a stale dist; prefer ES modules of dependencies for tree-shaking.
      // zod tree-shakes because the schema imports it as `import * as z from 'zod'`; the
      // `import { z } from 'zod'` form would pull in the whole `z` namespace (about 450 KB).
      conditions: ['@bedrock-batch/source', 'module'],
      mainFields: ['module', 'main'],
      external: externalSdk ? ['@aws-sdk/*', '@smithy/*'] : [],
      banner: { js: BANNER },
      logLevel: 'warning',
    });
    const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.mjs'));
    sizes[name] = output?.[1].bytes ?? 0;
  }
  return { outRoot, sizes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const externalSdk = process.argv.includes('--external-sdk');
  const { sizes } = await bundleAll({ externalSdk });
  for (const [name, bytes] of Object.entries(sizes)) {
    console.log(`${externalSdk ? 'external-sdk ' : ''}${name}: ${bytes} bytes`);
  }
}

export { bundleAll, HANDLERS };
