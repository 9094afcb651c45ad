// Cold-synth benchmark: how much the fragment adds to a CDK app's synth in a fresh process, the
// way `cdk synth` runs an app. Runs scripts/cold-synth-app.cjs with and without the fragment,
// alternating, in new Node processes (the built package, dist/), and prints the medians and the
// difference. Goal: under 300 ms added.
// Run: npx -y pnpm@10.34.9 run bench (after a build); `--runs N` for more runs (default 7).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const GOAL_MS = 300;
const app = join(dirname(fileURLToPath(import.meta.url)), 'cold-synth-app.cjs');
const index = process.argv.indexOf('--runs');
const runs = index === -1 ? 7 : Number(process.argv[index + 1]);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);

function synthOnce(mode) {
  const outdir = mkdtempSync(join(tmpdir(), 'cold-synth-'));
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, [app, mode, outdir], { encoding: 'utf8' });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`synth ${mode} failed: ${result.stderr}`);
    return ms;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

synthOnce('without'); // warm the OS file cache once
const times = { with: [], without: [] };
for (let i = 0; i < runs; i += 1) {
  times.without.push(synthOnce('without'));
  times.with.push(synthOnce('with'));
}
const withMs = median(times.with);
const withoutMs = median(times.without);
const added = withMs - withoutMs;
console.log(`cold synth, fresh process, ${runs} runs each (median, min-max):`);
for (const mode of ['without', 'with']) {
  const values = times[mode];
  console.log(
    `  ${mode.padEnd(7)} the fragment: ${median(values).toFixed(0)} ms (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})`,
  );
}
console.log(
  `  added by the fragment: ${added.toFixed(0)} ms (goal < ${GOAL_MS} ms) ${added < GOAL_MS ? 'OK' : 'OVER'}`,
);
