// Copies the prebuilt Lambda bundles of @bedrock-batch/handlers into this package's
// dist/lambda/<name>/index.mjs: a jsii package may depend at run time only on jsii packages, so
// the bundles ship inside the construct (source maps stay behind; they are not deployed).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLES = [
  'create-job',
  'job-event',
  'reconcile',
  'prepare-dataset',
  'collect-results',
  'on-demand',
];
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlersDir = dirname(
  createRequire(import.meta.url).resolve('@bedrock-batch/handlers/package.json'),
);
for (const name of BUNDLES) {
  const source = join(handlersDir, 'dist', 'lambda', name, 'index.mjs');
  if (!existsSync(source)) {
    console.error(`copy-bundles: ${source} is missing; build @bedrock-batch/handlers first.`);
    process.exit(1);
  }
  const target = join(packageDir, 'dist', 'lambda', name);
  mkdirSync(target, { recursive: true });
  copyFileSync(source, join(target, 'index.mjs'));
}
console.log(`copy-bundles: ${BUNDLES.length} bundles in dist/lambda`);
