// Benchmark of the Lambda bundles (a script, not a test): per handler, the bundle size in
// bytes (minified) and the cold import time, i.e. `await import()` of the bundle measured
// inside a fresh Node process, median of RUNS processes. Run `pnpm run build` first.
// For comparison it also builds and measures the variant that leaves the AWS SDK to the Lambda
// runtime (dist/lambda-external-sdk; resolved here from this package's node_modules).
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleAll, HANDLERS } from './bundle.mjs';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_MS = 80;
const TARGET_BYTES = 1024 * 1024;

const PROBE = `
if (process.argv[2] === 'preload') {
  await import('node:http');
  await import('node:https');
}
const start = performance.now();
const mod = await import(process.argv[1]);
const ms = performance.now() - start;
if (typeof mod.handler !== 'function') throw new Error('bundle exports no handler');
process.stdout.write(String(ms));
`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measure(file, mode = 'cold') {
  const url = pathToFileURL(file).href;
  const times = [];
  for (let run = 0; run < RUNS; run += 1) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, url, mode], {
      encoding: 'utf8',
      env: { ...process.env, AWS_REGION: process.env.AWS_REGION ?? 'us-east-1' },
    });
    times.push(Number(out));
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

await bundleAll({ externalSdk: true });
const rows = [];
// "median ms" is the figure the target applies to: a fresh process, nothing loaded before the
// import. "http-preloaded ms" is the same import after node:http and node:https are loaded (the
// Lambda runtime loads its own modules before it imports a handler): information only.
for (const variant of ['lambda', 'lambda-external-sdk']) {
  for (const name of Object.keys(HANDLERS)) {
    const file = join(packageDir, 'dist', variant, name, 'index.mjs');
    if (!existsSync(file)) continue;
    const bytes = statSync(file).size;
    const t = measure(file);
    const preloaded = measure(file, 'preload');
    rows.push({ variant, name, bytes, ...t, preloaded: preloaded.median });
  }
}
if (rows.length === 0) {
  console.error('No bundles found: run `pnpm run build` first.');
  process.exit(1);
}
console.log(`Node ${process.version}, ${RUNS} fresh processes per bundle`);
console.log(
  'variant              handler      bytes      median ms  min ms   max ms   http-preloaded ms  targets',
);
for (const r of rows) {
  const ok = r.bytes <= TARGET_BYTES && r.median <= TARGET_MS ? 'ok' : 'MISSED';
  const sdk = r.variant === 'lambda' ? 'sdk bundled' : 'sdk external';
  console.log(
    `${sdk.padEnd(20)} ${r.name.padEnd(12)} ${String(r.bytes).padStart(9)}  ${r.median.toFixed(1).padStart(9)}  ${r.min.toFixed(1).padStart(6)}  ${r.max.toFixed(1).padStart(7)}   ${r.preloaded.toFixed(1).padStart(17)}  ${r.variant === 'lambda' ? ok : '(reference)'}`,
  );
}
