import type { BedrockClient, CreateModelInvocationJobCommandInput } from '@aws-sdk/client-bedrock';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isTerminalJobStatus } from '@bedrock-batch/schema';
import {
  type BedrockEmulator,
  type BedrockEmulatorOptions,
  ManualClock,
  type S3Server,
  startBedrockEmulator,
  startS3Server,
} from '../../src/index.js';
import { getTestEvent } from './events.js';

const INPUT_BUCKET = 'batch-input';
const OUTPUT_BUCKET = 'batch-output';

interface Harness {
  readonly s3: S3Server;
  readonly s3Client: S3Client;
  readonly clock: ManualClock;
  readonly emulator: BedrockEmulator;
  /** A BedrockClient without retries, so each call reaches the emulator once. */
  readonly bedrock: BedrockClient;
  stop(): Promise<void>;
}

/** Starts s3rver (buckets batch-input, batch-output) and the emulator on a manual clock. */
async function startHarness(options: BedrockEmulatorOptions = {}): Promise<Harness> {
  const s3 = await startS3Server({ buckets: [INPUT_BUCKET, OUTPUT_BUCKET] });
  const s3Client = s3.createClient();
  const clock = new ManualClock();
  let emulator: BedrockEmulator;
  try {
    emulator = await startBedrockEmulator({ s3Client, clock, ...options });
  } catch (error) {
    s3Client.destroy();
    await s3.stop();
    throw error;
  }
  const bedrock = emulator.createClient({ maxAttempts: 1 });
  return {
    s3,
    s3Client,
    clock,
    emulator,
    bedrock,
    stop: async () => {
      bedrock.destroy();
      try {
        await emulator.stop();
      } finally {
        s3Client.destroy();
        await s3.stop(); // removes the server's temporary folder
      }
    },
  };
}

/** JSONL lines of `count` records with the fixture model input of `family`. */
function recordLines(count: number, family = 'anthropic-claude', idPrefix = 'REC'): string[] {
  const modelInput = getTestEvent<Record<string, unknown>>('model-input', family);
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      recordId: `${idPrefix}${String(i).padStart(7, '0')}`,
      modelInput: { ...modelInput, n: i },
    }),
  );
}

async function putText(client: S3Client, bucket: string, key: string, text: string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
}

async function getText(client: S3Client, bucket: string, key: string): Promise<string> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await response.Body?.transformToString('utf8')) ?? '';
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const response = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (response.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/** A CreateModelInvocationJob input (from the fixture) with overrides. */
function jobRequest(
  overrides: Partial<CreateModelInvocationJobCommandInput> = {},
): CreateModelInvocationJobCommandInput {
  return {
    ...getTestEvent<CreateModelInvocationJobCommandInput>('create-job', 'valid'),
    ...overrides,
  };
}

/** Input config for `s3://batch-input/<key>`. */
function inputAt(key: string): CreateModelInvocationJobCommandInput['inputDataConfig'] {
  return { s3InputDataConfig: { s3Uri: `s3://${INPUT_BUCKET}/${key}` } };
}

/** Steps the manual clock timer by timer until the job ends (or nothing is left to run). */
async function runToEnd(h: Harness, jobArn: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const status = h.emulator.jobs.get(jobArn)?.status;
    if (isTerminalJobStatus(status)) return;
    if (!(await h.clock.advanceToNext())) return;
  }
}

export type { Harness };
export {
  getText,
  INPUT_BUCKET,
  inputAt,
  jobRequest,
  listKeys,
  OUTPUT_BUCKET,
  putText,
  recordLines,
  runToEnd,
  startHarness,
};
