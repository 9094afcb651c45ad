/**
 * Synth-time benchmark: builds a stack with 1 and with 10 BedrockBatchSfn fragments in one
 * state machine and synthesizes it with `Template.fromStack`, several times in this process after
 * a warm-up, and prints the median and the spread. Target: under 500 ms for one fragment.
 *
 * Run: `npx -y pnpm@10.34.9 run bench` (add `-- --runs 15` for more runs).
 */
import { performance } from 'node:perf_hooks';
import { App, Stack, aws_s3 as s3, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockBatchSfn } from '../src/index.js';

const TARGET_MS = 500;

function buildAndSynth(fragments: number): number {
  const started = performance.now();
  const app = new App();
  const stack = new Stack(app, `Bench${fragments}`);
  const bucket = new s3.Bucket(stack, 'Bucket');
  const failed = new sfn.Fail(stack, 'Failed', { errorPath: '$.Error', causePath: '$.Cause' });
  let chain = sfn.Chain.start(new sfn.Pass(stack, 'In'));
  for (let i = 0; i < fragments; i += 1) {
    const fragment = new BedrockBatchSfn(stack, `Batch${i}`, {
      bedrockBatchInputBucket: bucket,
      bedrockBatchOutputBucket: bucket,
      resultPath: `$.results${i}`,
    });
    fragment.addCatch(failed);
    chain = chain.next(fragment);
  }
  new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(chain),
  });
  Template.fromStack(stack);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function runsFromArgs(): number {
  const index = process.argv.indexOf('--runs');
  const value = index === -1 ? 9 : Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--runs must be a positive integer (received: ${process.argv[index + 1]})`);
  return value;
}

const runs = runsFromArgs();
const results: Array<{ fragments: number; median: number; min: number; max: number }> = [];
for (const fragments of [1, 10]) {
  buildAndSynth(fragments); // warm-up: module loading and JIT
  const times = Array.from({ length: runs }, () => buildAndSynth(fragments));
  results.push({
    fragments,
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
  });
}

console.log(
  `BedrockBatchSfn synth benchmark (${runs} runs after 1 warm-up, Node ${process.version})`,
);
for (const r of results) {
  console.log(
    `  ${String(r.fragments).padStart(2)} fragment(s): median ${r.median.toFixed(1)} ms (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})`,
  );
}
const one = results[0]?.median ?? Number.POSITIVE_INFINITY;
console.log(`  target < ${TARGET_MS} ms for one fragment: ${one < TARGET_MS ? 'met' : 'NOT met'}`);
