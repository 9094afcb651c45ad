import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type BedrockEmulatorOptions,
  type Clock,
  type ExecutionResult,
  type LocalApp,
  type LocalAws,
  type LocalExecution,
  ManualClock,
  startLocalAws,
} from '@bedrock-batch/local';
import { isTerminalJobStatus } from '@bedrock-batch/schema';
import { App } from 'aws-cdk-lib';
import { generateReviewRecords } from '../../src/demo/sample-reviews.js';
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
  } = {},
): string {
  const outdir = mkdtempSync(join(tmpdir(), 'bedrock-batch-e2e-'));
  try {
    const app = new App({ outdir });
    for (const name of options.stacks ?? ['E2e']) {
      new E2eStack(app, name, {
        twoFragments: options.twoFragments ?? false,
        ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
        ...(options.slowStepMs !== undefined ? { slowStepMs: options.slowStepMs } : {}),
      });
    }
    app.synth();
    return outdir;
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
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
    bedrock?: BedrockEmulatorOptions;
    clock?: Clock;
  } = {},
): Promise<E2e> {
  const outdir = synthE2eApp(options);
  const clock = options.clock ?? new ManualClock({ start: E2E_START });
  const removeOutdir = (): void => rmSync(outdir, { recursive: true, force: true });
  const local = await startLocalAws({
    clock,
    retrySeed: 7,
    bedrock: { seed: 7, ...options.bedrock },
  }).catch((error: unknown) => {
    removeOutdir();
    throw error;
  });
  const app = await local.loadApp(outdir).catch(async (error: unknown) => {
    await local.stop();
    removeOutdir();
    throw error;
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
    manifest: async (n, count = 100, stack = defaultStack) => {
      const key = `input/part-${n}.jsonl`;
      const { records } = generateReviewRecords(n, count);
      await e2e.put(key, `${records.map((record) => JSON.stringify(record)).join('\n')}\n`, stack);
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
    stop: async () => {
      try {
        await local.stop();
      } finally {
        removeOutdir();
      }
    },
  };
  return e2e;
}

/** The fragment input the tests send. */
function batchInput(manifestKeys: readonly string[], jobName = 'reviews'): Record<string, unknown> {
  return { job_name: jobName, manifest_keys: manifestKeys, model_id: MODEL_ID };
}

export type { E2e };
export { batchInput, E2E_START, MODEL_ID, RECONCILE_PERIOD_MS, STEP_MS, startE2e, synthE2eApp };
