/**
 * Fixed overhead: wall time of a 100-record job from CreateModelInvocationJob to its terminal
 * event, zero phase durations. Target: median < 200 ms. Run: `pnpm run bench`.
 */
import { claudeRecords, median, startBench, timeJob } from './bench-helpers.js';

const RUNS = 15;

const bench = await startBench(100);
try {
  const body = claudeRecords(100);
  await timeJob(bench, 'overhead/warmup.jsonl', body, 'overhead-warmup');
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { ms, status } = await timeJob(
      bench,
      `overhead/run-${run}.jsonl`,
      body,
      `overhead-${run}`,
    );
    if (status !== 'Completed') throw new Error(`run ${run} ended ${status}`);
    times.push(ms);
  }
  const result = median(times);
  console.log(
    `overhead (100 records, create -> terminal event), ${RUNS} runs: median ${result.toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (target < 200 ms) ${result < 200 ? 'OK' : 'ABOVE TARGET'}`,
  );
} finally {
  await bench.stop();
}
