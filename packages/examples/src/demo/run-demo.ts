import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { RealTimeClock, startLocalAws } from '@bedrock-batch/local';
import { type BatchJobResult, BatchJobResultSchema, validate } from '@bedrock-batch/schema';
import { App, Duration } from 'aws-cdk-lib';
import { ReviewsStack } from '../apps/reviews-stack.js';
import { estimateCost, loadPriceBook } from './prices.js';
import { type JobProgress, progressLine, statusLine, summaryTable } from './render.js';
import { reviewManifest } from './sample-reviews.js';
import { sentimentResponder } from './sentiment-responder.js';

/** Options of {@link runDemo}. */
interface DemoOptions {
  /**
   * Manifests (one Bedrock job each).
   * @default 3
   */
  readonly manifests?: number;
  /**
   * Review records per manifest.
   * @default 1000
   */
  readonly recordsPerManifest?: number;
  /**
   * Real milliseconds per virtual hour.
   * @default 2000
   */
  readonly msPerVirtualHour?: number;
  /**
   * Draw progress bars in place (a terminal) or print a line per status change.
   * @default process.stdout.isTTY
   */
  readonly interactive?: boolean;
  /**
   * Where the demo writes the synthesized app and the downloaded output files.
   * @default packages/examples/.demo
   */
  readonly workDir?: string;
  /** @default process.stdout.write */
  readonly write?: (text: string) => void;
}

const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
const STACK = 'ReviewsDemo';
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The demo: synthesizes the reviews pipeline, starts the local runtime, uploads generated
 * product reviews, runs the state machine and shows each Bedrock job's progress, then prints a
 * summary with token counts and the estimated cost in batch mode beside on-demand, and where the
 * output files are on disk. Resolves to the exit code (0 when the execution succeeded).
 *
 * @example
 * ```ts
 * process.exitCode = await runDemo({ manifests: 3, recordsPerManifest: 1000 });
 * ```
 */
async function runDemo(options: DemoOptions = {}): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const say = (line = '') => write(`${line}\n`);
  const manifests = options.manifests ?? 3;
  const recordsPerManifest = options.recordsPerManifest ?? 1000;
  const interactive = options.interactive ?? Boolean(process.stdout.isTTY);
  const workDir = options.workDir ?? join(packageDir, '.demo');
  const msPerVirtualHour = options.msPerVirtualHour ?? 2000;
  rmSync(workDir, { recursive: true, force: true });

  say(`Synthesizing the reviews pipeline (${STACK}) ...`);
  const outdir = join(workDir, 'cdk.out');
  const app = new App({ outdir });
  new ReviewsStack(app, STACK, {
    modelId: MODEL_ID,
    maxConcurrency: 3,
    reconcilePeriod: Duration.minutes(5),
  });
  app.synth();

  const clock = new RealTimeClock({ msPerVirtualHour });
  const startedAt = clock.now();
  const local = await startLocalAws({
    clock,
    bedrock: {
      responder: sentimentResponder,
      phaseDurations: {
        submitted: 60_000,
        validating: 10 * 60_000,
        scheduled: 20 * 60_000,
        inProgress: 2 * 3_600_000,
      },
      progressSteps: 20,
    },
  });
  try {
    const localApp = await local.loadApp(outdir);
    const bucket = localApp.bucket(`${STACK}/ReviewsBucket`).name;
    const s3 = local.createS3Client();
    const keys: string[] = [];
    for (let manifest = 1; manifest <= manifests; manifest += 1) {
      const key = `reviews/part-${manifest}.jsonl`;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: reviewManifest(manifest, recordsPerManifest),
        }),
      );
      keys.push(key);
    }
    say(
      `Uploaded ${manifests} manifests of ${recordsPerManifest} reviews to s3://${bucket}/reviews/ (local S3)`,
    );
    say(`Running the state machine; one virtual hour lasts ${msPerVirtualHour} ms.`);
    say();

    const execution = localApp.startExecution(`${STACK}/ReviewsPipeline`, { manifest_keys: keys });
    const seen = new Map<string, string>();
    let drawn = 0;
    const render = (): void => {
      const jobs: JobProgress[] = local.bedrock.jobs.list().map((job) => ({
        name: job.jobName,
        status: job.status,
        processed: job.processedRecordCount ?? 0,
        total: job.totalRecordCount ?? 0,
      }));
      if (interactive) {
        const width = Math.max(0, ...jobs.map((job) => job.name.length));
        if (drawn > 0) write(`\u001b[${drawn}A`);
        for (const job of jobs) write(`\u001b[2K${progressLine(job, width)}\n`);
        drawn = jobs.length;
        return;
      }
      for (const job of jobs) {
        if (seen.get(job.name) === job.status) continue;
        seen.set(job.name, job.status);
        say(statusLine(job, (clock.now() - startedAt) / 3_600_000));
      }
    };
    const ticker = setInterval(render, interactive ? 100 : 50);
    const result = await execution.result;
    clearInterval(ticker);
    render();
    say();

    if (result.status !== 'SUCCEEDED') {
      say(`The execution ended ${result.status}: ${result.error ?? ''}: ${result.cause ?? ''}`);
      return 1;
    }
    const output = result.output as {
      jobs: unknown[];
      report: { summary: Record<string, unknown> };
    };
    const jobs: BatchJobResult[] = output.jobs.map((job) => validate(BatchJobResultSchema, job));
    const prices = loadPriceBook();
    say(
      summaryTable(
        jobs.map((job) => ({
          result: job,
          cost: job.token_counts ? estimateCost(prices, MODEL_ID, job.token_counts) : undefined,
        })),
      ).join('\n'),
    );
    say();
    say(
      `Sentiments counted by SummarizeResults: ${JSON.stringify(output.report.summary.sentiments)}`,
    );
    say(
      `Prices: ${prices.models[MODEL_ID]?.name} on-demand per 1M tokens, batch at ${prices.batchDiscount * 100}%; ${prices.source}, checked ${prices.checkedOn}.`,
    );
    say(
      `Emulated: no model ran. The answers come from the emulator's keyword responder (src/demo/sentiment-responder.ts), not ${prices.models[MODEL_ID]?.name}; token counts are its estimate (about 4 characters per token), priced as that model's tokens.`,
    );

    const downloads = join(workDir, 'output');
    for (const job of jobs) {
      for (const key of job.keys) {
        const object = await s3.send(new GetObjectCommand({ Bucket: job.bucket, Key: key }));
        const file = join(downloads, key);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(
          file,
          await (object.Body as { transformToString(): Promise<string> }).transformToString(),
        );
      }
    }
    say(
      `Output files: ${relative(process.cwd(), downloads) || '.'}/ (${jobs.reduce((n, job) => n + job.keys.length, 0)} files, one per manifest)`,
    );
    say(`Virtual time: ${((clock.now() - startedAt) / 3_600_000).toFixed(1)} hours.`);
    return 0;
  } finally {
    await local.stop();
  }
}

export type { DemoOptions };
export { runDemo };
