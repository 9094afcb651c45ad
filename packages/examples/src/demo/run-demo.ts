import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { RealTimeClock, startLocalAws } from '@bedrock-batch/local';
import { type BatchJobResult, DatasetResultSchema, validate } from '@bedrock-batch/schema';
import { App, Duration } from 'aws-cdk-lib';
import { ReviewsStack } from '../apps/reviews-stack.js';
import { estimateCost, loadPriceBook } from './prices.js';
import { type JobProgress, progressLine, statusLine, summaryTable } from './render.js';
import { reviewManifest } from './sample-reviews.js';
import { sentimentResponder } from './sentiment-responder.js';

/** Options of {@link runDemo}. */
interface DemoOptions {
  /**
   * Reviews in the dataset (one JSONL file).
   * @default 3250
   */
  readonly records?: number;
  /**
   * Records per Bedrock job (`records_per_job`); the fragment splits the file into jobs.
   * @default 1000
   */
  readonly recordsPerJob?: number;
  /**
   * Real milliseconds per virtual hour.
   * @default 2000
   */
  readonly msPerVirtualHour?: number;
  /**
   * Share of each batch job's records the emulator throttles (an injected fault, HTTP 429), which
   * the fragment then retries; 0 turns it off.
   * @default 0.02
   */
  readonly throttledShare?: number;
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
const DATASET_KEY = 'reviews/reviews.jsonl';
/** Result lines the demo prints, and the characters it shows of each. */
const SHOWN_LINES = 3;
const SHOWN_CHARACTERS = 320;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The demo: synthesizes the reviews pipeline, starts the local runtime, uploads one file of
 * generated product reviews, runs the state machine (the fragment splits the file into jobs)
 * and shows each Bedrock job's progress, then prints how the dataset was split, a summary with
 * token counts and the estimated cost in batch mode beside on-demand, and where the merged
 * `results.jsonl` is, with its first lines. Resolves to the exit code (0 when the execution
 * succeeded).
 *
 * @example
 * ```ts
 * process.exitCode = await runDemo({ records: 3250, recordsPerJob: 1000 });
 * ```
 */
async function runDemo(options: DemoOptions = {}): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const say = (line = '') => write(`${line}\n`);
  const records = options.records ?? 3250;
  const recordsPerJob = options.recordsPerJob ?? 1000;
  const interactive = options.interactive ?? Boolean(process.stdout.isTTY);
  const workDir = options.workDir ?? join(packageDir, '.demo');
  const msPerVirtualHour = options.msPerVirtualHour ?? 2000;
  const throttledShare = options.throttledShare ?? 0.02;
  rmSync(workDir, { recursive: true, force: true });

  say(`Synthesizing the reviews pipeline (${STACK}) ...`);
  const outdir = join(workDir, 'cdk.out');
  const app = new App({ outdir });
  new ReviewsStack(app, STACK, {
    modelId: MODEL_ID,
    maxConcurrency: 3,
    reconcilePeriod: Duration.minutes(5),
    recordsPerJob,
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
      ...(throttledShare > 0
        ? { faults: { recordErrors: [{ rate: throttledShare, errorCode: 429 }] } }
        : {}),
    },
  });
  try {
    const localApp = await local.loadApp(outdir);
    const bucket = localApp.bucket(`${STACK}/ReviewsBucket`).name;
    const s3 = local.createS3Client();
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: DATASET_KEY, Body: reviewManifest(1, records) }),
    );
    say(`Uploaded one file of ${records} reviews: s3://${bucket}/${DATASET_KEY} (local S3)`);
    say(
      `Running the state machine: the fragment splits the file into jobs of ${recordsPerJob} records, runs them, and merges the answers; one virtual hour lasts ${msPerVirtualHour} ms.`,
    );
    if (throttledShare > 0) {
      say(
        `The emulator throttles ${throttledShare * 100}% of each job's records (an injected fault, HTTP 429): the fragment retries them.`,
      );
    }
    say();

    const execution = localApp.startExecution(`${STACK}/ReviewsPipeline`, {
      dataset_keys: [DATASET_KEY],
    });
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
      dataset: unknown;
      report: { summary: Record<string, unknown> };
    };
    const dataset = validate(DatasetResultSchema, output.dataset);
    // Manifest keys are shown relative to the execution's work folder, which is printed once.
    const workPrefix = dataset.results_key.slice(0, dataset.results_key.lastIndexOf('/') + 1);
    const jobs: BatchJobResult[] = dataset.jobs.map((job) => ({
      ...job,
      manifest_key: job.manifest_key.slice(workPrefix.length),
    }));
    say(`Work folder of this execution: s3://${dataset.bucket}/${workPrefix}`);
    say(`Prepared ${jobs.length} manifests (one job each), contiguous ranges of the file:`);
    let first = 1;
    for (const job of jobs) {
      const last = first + job.record_counts.total - 1;
      say(`  ${job.manifest_key}  reviews ${first} to ${last}`);
      first = last + 1;
    }
    say();
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
    const counts = dataset.record_counts;
    say(
      `Dataset: ${dataset.status}, ${counts.total} records, ${counts.success} answered, ${counts.error} errors.`,
    );
    const { retries } = dataset;
    if (retries.rounds > 0) {
      const onDemand = dataset.mode_counts.on_demand;
      const cost = estimateCost(prices, MODEL_ID, {
        input: onDemand.input_tokens,
        output: onDemand.output_tokens,
      });
      const rounds = `${retries.rounds} round${retries.rounds === 1 ? '' : 's'}`;
      const onDemandPart =
        onDemand.records === 0
          ? ''
          : `; ${onDemand.records} records were answered on demand, a round under the batch minimum (${onDemand.input_tokens} input and ${onDemand.output_tokens} output tokens, about $${cost.onDemand.toFixed(4)} at on-demand prices)`;
      say(
        `Retried ${retries.records} records that failed for a transient reason, in ${rounds}${onDemandPart}.`,
      );
    }
    say(
      `Sentiments counted by SummarizeResults from results.jsonl: ${JSON.stringify(output.report.summary.sentiments)}`,
    );
    say(
      `Prices: ${prices.models[MODEL_ID]?.name} on-demand per 1M tokens, batch at ${prices.batchDiscount * 100}%; ${prices.source}, checked ${prices.checkedOn}.`,
    );
    say(
      `Emulated: no model ran. The answers come from the emulator's keyword responder (src/demo/sentiment-responder.ts), not ${prices.models[MODEL_ID]?.name}; token counts are its estimate (about 4 characters per token), priced as that model's tokens.`,
    );
    say();

    const object = await s3.send(
      new GetObjectCommand({ Bucket: dataset.bucket, Key: dataset.results_key }),
    );
    const text = await (
      object.Body as { transformToString(): Promise<string> }
    ).transformToString();
    const file = join(workDir, 'output', 'results.jsonl');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    say(
      `Results, one line per review in dataset order: s3://${dataset.bucket}/${dataset.results_key}`,
    );
    say(`  downloaded to ${relative(process.cwd(), file)}; its first lines:`);
    for (const line of text.split('\n').slice(0, SHOWN_LINES)) {
      say(`  ${line.length > SHOWN_CHARACTERS ? `${line.slice(0, SHOWN_CHARACTERS - 1)}…` : line}`);
    }
    say(`Virtual time: ${((clock.now() - startedAt) / 3_600_000).toFixed(1)} hours.`);
    return 0;
  } finally {
    await local.stop();
  }
}

export type { DemoOptions };
export { runDemo };
