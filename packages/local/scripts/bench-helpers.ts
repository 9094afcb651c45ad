import { CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { isTerminalJobStatus } from '@bedrock-batch/schema';
import { type BedrockEmulator, startBedrockEmulator, startS3Server } from '../src/index.js';

/** Median of a list of numbers. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Starts s3rver and the emulator (real-time clock, zero phase durations) for a benchmark. */
async function startBench(minRecordsPerJob: number) {
  const s3 = await startS3Server({ buckets: ['bench-input', 'bench-output'] });
  const s3Client = s3.createClient();
  const emulator = await startBedrockEmulator({
    s3Client,
    quotas: { minRecordsPerJob, maxJobsInFlightPerModel: 1000 },
    phaseDurations: { submitted: 0, validating: 0, scheduled: 0, inProgress: 0, stopping: 0 },
  });
  const bedrock = emulator.createClient();
  return {
    s3Client,
    emulator,
    bedrock,
    stop: async () => {
      bedrock.destroy();
      await emulator.stop();
      s3Client.destroy();
      await s3.stop();
    },
  };
}

/** JSONL of `count` Claude records. */
function claudeRecords(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(
      JSON.stringify({
        recordId: `REC${String(i).padStart(8, '0')}`,
        modelInput: {
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 128,
          messages: [
            {
              role: 'user',
              content: [
                {
                  type: 'text',
                  text: `Classify review ${i}: the product arrived on time and works well.`,
                },
              ],
            },
          ],
        },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Resolves with the terminal event's status of `jobArn`. */
function terminalEvent(
  emulator: BedrockEmulator,
  jobArn: () => string | undefined,
): Promise<string> {
  return new Promise((resolve) => {
    const off = emulator.onEvent((event) => {
      if (event.detail.batchJobArn === jobArn() && isTerminalJobStatus(event.detail.status)) {
        off();
        resolve(event.detail.status);
      }
    });
  });
}

/** Uploads the input, creates a job, and returns the wall time (ms) to its terminal event. */
async function timeJob(
  bench: Awaited<ReturnType<typeof startBench>>,
  key: string,
  body: string,
  jobName: string,
): Promise<{ ms: number; status: string }> {
  await bench.s3Client.send(new PutObjectCommand({ Bucket: 'bench-input', Key: key, Body: body }));
  let arn: string | undefined;
  const done = terminalEvent(bench.emulator, () => arn);
  const started = performance.now();
  const created = await bench.bedrock.send(
    new CreateModelInvocationJobCommand({
      jobName,
      roleArn: 'arn:aws:iam::123456789012:role/BenchRole',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://bench-input/${key}` } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://bench-output/out/' } },
    }),
  );
  arn = created.jobArn;
  const status = await done;
  return { ms: performance.now() - started, status };
}

export { claudeRecords, median, startBench, timeJob };
