/**
 * Benchmark: records per second answered on demand (`onDemandTask`, the fragment's on-demand
 * step) against the local runtime's Bedrock runtime API, at several concurrencies, for a manifest
 * of 1,000 generated reviews; then the same with 5% of the calls throttled (retried with backoff;
 * the waits are shortened to 1 ms here, so the figure shows the retry work, not the wait).
 * The emulator answers at once: the figures are this package's own cost per call (the manifest
 * stream, the HTTP round trip, the ordered writer), not a model's latency, which on AWS is
 * seconds per call and makes `concurrency` the real throttle.
 *
 *   pnpm run build && pnpm --filter @bedrock-batch/examples run bench:on-demand
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { invokeOnDemand } from '@bedrock-batch/handlers';
import { startLocalAws } from '@bedrock-batch/local';
import { reviewManifest } from '../src/demo/sample-reviews.js';

// The steps' own INFO lines would bury the table.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const RECORDS = 1_000;
const CONCURRENCIES = [1, 4, 16];
const BUCKET = 'bench-on-demand';
const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';

const local = await startLocalAws({});
try {
  const s3 = local.createS3Client();
  const runtime = local.createRuntimeClient({ maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'manifest.jsonl',
      Body: reviewManifest(1, RECORDS),
    }),
  );
  const rows: Record<string, string | number>[] = [];
  const run = async (concurrency: number, throttleRate: number) => {
    local.bedrock.faults.runtime.throttle.rate = throttleRate;
    const before = local.bedrock.calls.length;
    const started = performance.now();
    const result = await invokeOnDemand(
      {
        bucket: BUCKET,
        manifestKey: 'manifest.jsonl',
        outputKey: `out/c${concurrency}-t${throttleRate}.jsonl.out`,
        modelId: MODEL_ID,
        modelInvocationType: 'InvokeModel',
        concurrency,
      },
      {
        runtime,
        s3,
        remainingTimeMs: () => 600_000,
        sleep: () => new Promise((r) => setTimeout(r, 1)),
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const calls = local.bedrock.calls.slice(before);
    rows.push({
      concurrency,
      'throttled share': `${throttleRate * 100}%`,
      records: result.records,
      answered: result.success,
      'runtime calls': calls.length,
      throttled: calls.filter((call) => call.statusCode === 429).length,
      'records/s': Math.round(result.records / seconds),
    });
  };
  for (const concurrency of CONCURRENCIES) await run(concurrency, 0);
  await run(4, 0.05);
  console.log(
    `Node ${process.version}, ${RECORDS} records, local Bedrock runtime API (answers at once)`,
  );
  console.table(rows);
} finally {
  await local.stop();
}
