/**
 * Emulator throughput: records per second through one job of 50,000 records (input read from
 * s3rver, records answered, output and manifest written back), zero phase durations.
 * Target: >= 50,000 records/s. Run: `pnpm run bench`.
 */
import { claudeRecords, median, startBench, timeJob } from './bench-helpers.js';

const RECORDS = 50_000;
const RUNS = 3;

const bench = await startBench(100);
try {
  const body = claudeRecords(RECORDS);
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { ms, status } = await timeJob(
      bench,
      `throughput/run-${run}.jsonl`,
      body,
      `throughput-${run}`,
    );
    if (status !== 'Completed') throw new Error(`run ${run} ended ${status}`);
    rates.push(RECORDS / (ms / 1000));
    console.log(
      `run ${run + 1}: ${RECORDS} records in ${ms.toFixed(0)} ms = ${(RECORDS / (ms / 1000)).toFixed(0)} records/s`,
    );
  }
  const result = median(rates);
  console.log(
    `throughput median of ${RUNS}: ${result.toFixed(0)} records/s (input ${(Buffer.byteLength(body) / 1e6).toFixed(1)} MB; target >= 50000) ${result >= 50_000 ? 'OK' : 'BELOW TARGET'}`,
  );
} finally {
  await bench.stop();
}
