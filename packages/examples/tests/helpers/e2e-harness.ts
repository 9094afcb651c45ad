import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { BedrockBatchDatasetQuotas } from '@bedrock-batch/construct';
import {
  type BedrockEmulatorOptions,
  type Clock,
  type ExecutionResult,
  type LocalApp,
  type LocalAws,
  type LocalExecution,
  ManualClock,
} from '@bedrock-batch/local';
import { isTerminalJobStatus } from '@bedrock-batch/schema';
import { synthesizeApp } from '../../src/apps/synthesize-app.js';
import { reviewManifest } from '../../src/demo/sample-reviews.js';
import { startLocalApp } from '../../src/local/start-local-app.js';
import { E2eStack } from './e2e-stack.js';

const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
const RECONCILE_PERIOD_MS = 5 * 60_000;
const STEP_MS = 10_000;

/** Where the tests' virtual time starts unless a test passes its own clock. */
const E2E_START = Date.parse('2026-11-25T00:00:00Z');

/** What a test needs: the local AWS on a clock (manual by default), the app loaded, and helpers. */
interface E2e {
  readonly local: LocalAws;
  readonly app: LocalApp;
  readonly clock: Clock;
  /** Uploads text to the stack's bucket. */
  put(key: string, body: string, stack?: string): Promise<void>;
  /** The text of an object of the stack's bucket. */
  text(key: string, stack?: string): Promise<string>;
  /** The keys of the stack's bucket under `prefix`. */
  keys(prefix: string, stack?: string): Promise<string[]>;
  /** Uploads `count` generated review records as one manifest; returns its key. */
  manifest(n: number, count?: number, stack?: string): Promise<string>;
  /** Starts an execution of `<stack>/Pipeline`. */
  start(input: unknown, stack?: string): LocalExecution;
  /**
   * Moves virtual time in steps (a manual clock) or waits (a clock that runs by itself) until the
   * execution ends; returns its result.
   */
  run(execution: LocalExecution, maxVirtualMs?: number): Promise<ExecutionResult>;
  /** Moves virtual time in steps (or waits, see `run`) until `condition` holds. */
  driveUntil(condition: () => boolean, what: string, maxVirtualMs?: number): Promise<void>;
  /** Jobs of the emulator still in flight (not in a terminal status). */
  jobsInFlight(): string[];
  stop(): Promise<void>;
}

/** Synthesizes an app of E2eStack(s) into a fresh folder. */
function synthE2eApp(
  options: {
    stacks?: readonly string[];
    twoFragments?: boolean;
    maxConcurrency?: number;
    slowStepMs?: number;
    datasetQuotas?: BedrockBatchDatasetQuotas;
    onDemandBelowMinimum?: boolean;
  } = {},
): string {
  return synthesizeApp('bedrock-batch-e2e-', (app) => {
    for (const name of options.stacks ?? ['E2e']) {
      new E2eStack(app, name, {
        twoFragments: options.twoFragments ?? false,
        ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
        ...(options.slowStepMs !== undefined ? { slowStepMs: options.slowStepMs } : {}),
        ...(options.datasetQuotas !== undefined ? { datasetQuotas: options.datasetQuotas } : {}),
        ...(options.onDemandBelowMinimum !== undefined
          ? { onDemandBelowMinimum: options.onDemandBelowMinimum }
          : {}),
      });
    }
  });
}

/**
 * Starts the local AWS on a clock (by default a manual one started on 2026-11-25, moved one
 * virtual step at a time) and loads a synthesized E2eStack app.
 */
async function startE2e(
  options: {
    stacks?: readonly string[];
    twoFragments?: boolean;
    maxConcurrency?: number;
    slowStepMs?: number;
    datasetQuotas?: BedrockBatchDatasetQuotas;
    onDemandBelowMinimum?: boolean;
    bedrock?: BedrockEmulatorOptions;
    clock?: Clock;
  } = {},
): Promise<E2e> {
  const clock = options.clock ?? new ManualClock({ start: E2E_START });
  const { local, app, stop } = await startLocalApp(synthE2eApp(options), {
    clock,
    retrySeed: 7,
    bedrock: { seed: 7, ...options.bedrock },
  });
  const s3 = local.createS3Client();
  const defaultStack = options.stacks?.[0] ?? 'E2e';
  const step = async (): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, clock instanceof ManualClock ? 2 : 20));
    if (clock instanceof ManualClock) await clock.advance(STEP_MS);
  };
  const driveUntil = async (
    condition: () => boolean,
    what: string,
    maxVirtualMs = 48 * 3_600_000,
  ) => {
    const start = clock.now();
    while (!condition()) {
      if (clock.now() - start > maxVirtualMs)
        throw new Error(`${what}: not reached in ${maxVirtualMs / 60_000} virtual minutes`);
      await step();
    }
  };
  const e2e: E2e = {
    local,
    app,
    clock,
    put: async (key, body, stack = defaultStack) => {
      const bucket = app.bucket(`${stack}/Data`).name;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    text: async (key, stack = defaultStack) => {
      const bucket = app.bucket(`${stack}/Data`).name;
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await response.Body?.transformToString('utf8')) ?? '';
    },
    keys: async (prefix, stack = defaultStack) => {
      const bucket = app.bucket(`${stack}/Data`).name;
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2(
        { client: s3 },
        { Bucket: bucket, Prefix: prefix },
      )) {
        keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      }
      return keys;
    },
    manifest: async (n, count = 100, stack = defaultStack) => {
      const key = `input/part-${n}.jsonl`;
      await e2e.put(key, reviewManifest(n, count), stack);
      return key;
    },
    start: (input, stack = defaultStack) => app.startExecution(`${stack}/Pipeline`, input),
    run: async (execution, maxVirtualMs) => {
      await driveUntil(() => !execution.running, 'the execution to end', maxVirtualMs);
      return execution.result;
    },
    driveUntil,
    jobsInFlight: () =>
      local.bedrock.jobs
        .list()
        .filter((job) => !isTerminalJobStatus(job.status))
        .map((job) => `${job.jobName}: ${job.status}`),
    stop,
  };
  return e2e;
}

/**
 * Starts an execution with one manifest per key and moves time on until all of its jobs are
 * `InProgress`; returns the running execution.
 */
async function startRunningJobs(e2e: E2e, keys: readonly string[]): Promise<LocalExecution> {
  const execution = e2e.start(batchInput(keys));
  await e2e.driveUntil(
    () =>
      e2e.local.bedrock.jobs.list().filter((job) => job.status === 'InProgress').length ===
      keys.length,
    `${keys.length} jobs in progress`,
  );
  return execution;
}

/** The fragment input the tests send. */
function batchInput(manifestKeys: readonly string[], jobName = 'reviews'): Record<string, unknown> {
  return { job_name: jobName, manifest_keys: manifestKeys, model_id: MODEL_ID };
}

export type { E2e };
export {
  batchInput,
  E2E_START,
  MODEL_ID,
  RECONCILE_PERIOD_MS,
  STEP_MS,
  startE2e,
  startRunningJobs,
  synthE2eApp,
};
