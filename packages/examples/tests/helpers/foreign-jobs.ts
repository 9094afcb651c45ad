import {
  CreateModelInvocationJobCommand,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import type { LocalExecution } from '@bedrock-batch/local';
import { type E2e, RECONCILE_PERIOD_MS, startE2e, startRunningJobs } from './e2e-harness.js';

/** The model of the other teams' jobs: its own quotas, so ours are not held back by them. */
const FOREIGN_MODEL_ID = 'amazon.nova-micro-v1:0';
/** Quotas that let thousands of one-record foreign jobs exist side by side. */
const FOREIGN_MODEL_QUOTAS = {
  [FOREIGN_MODEL_ID]: { minRecordsPerJob: 1, maxJobsInFlightPerModel: 100_000 },
};

/**
 * Fills the account with `count` batch jobs of other teams: created (half of them tagged as
 * another deployment's, half untagged) and stopped at once, so they are the newest jobs of the
 * account and cost no record processing. Their events are whatever the emulator's faults say.
 *
 * @returns the foreign jobs' ARNs
 */
async function seedForeignJobs(e2e: E2e, count: number, batchSize = 50): Promise<string[]> {
  await e2e.put(
    'foreign/one.jsonl',
    `${JSON.stringify({ recordId: 'R1', modelInput: { messages: [] } })}\n`,
  );
  const bucket = e2e.app.bucket('E2e/Data').name;
  const bedrock = e2e.local.bedrock.createClient();
  const arns: string[] = [];
  try {
    for (let start = 0; start < count; start += batchSize) {
      const batch = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
      const created = await Promise.all(
        batch.map((n) =>
          bedrock.send(
            new CreateModelInvocationJobCommand({
              jobName: `other-team-${n}`,
              roleArn: 'arn:aws:iam::123456789012:role/OtherTeamBatchRole',
              modelId: FOREIGN_MODEL_ID,
              inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${bucket}/foreign/one.jsonl` } },
              outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${bucket}/foreign-out/` } },
              ...(n % 2 === 0
                ? { tags: [{ key: 'bedrock-batch:managed-by', value: 'OtherStack' }] }
                : {}),
            }),
          ),
        ),
      );
      await Promise.all(
        created.map((job) =>
          bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: job.jobArn })),
        ),
      );
      arns.push(...created.map((job) => job.jobArn ?? ''));
    }
  } finally {
    bedrock.destroy();
  }
  return arns;
}

/** What {@link reconcileNextToForeignJobs} saw while our jobs ran. */
interface BusyAccountRun {
  readonly e2e: E2e;
  /** The execution running our jobs (still running). */
  readonly execution: LocalExecution;
  /** Operations of the Bedrock calls made during the measured periods, in order. */
  readonly bedrockCalls: readonly string[];
  /** Heartbeats the Step Functions API received during the measured periods. */
  readonly heartbeats: number;
  /** Real milliseconds the measured periods took. */
  readonly realMs: number;
}

/**
 * Starts the local runtime with every event lost and jobs that run an hour, runs `ourJobs` jobs
 * of ours, adds `foreignJobs` newer foreign jobs, then drives `periods` reconcile periods and
 * records the Bedrock calls and heartbeats made meanwhile (only reconcile runs then). The
 * caller stops `e2e`.
 */
async function reconcileNextToForeignJobs(options: {
  foreignJobs: number;
  ourJobs: number;
  periods: number;
}): Promise<BusyAccountRun> {
  const e2e = await startE2e({
    bedrock: {
      modelQuotas: FOREIGN_MODEL_QUOTAS,
      phaseDurations: { inProgress: 60 * 60_000 },
      faults: { events: { dropRate: 1 }, tags: { unreadableIn: ['Stopping', 'Stopped'] } },
    },
  });
  try {
    const keys: string[] = [];
    for (let n = 1; n <= options.ourJobs; n += 1) keys.push(await e2e.manifest(n));
    const execution = await startRunningJobs(e2e, keys);
    await seedForeignJobs(e2e, options.foreignJobs);
    const { bedrock, stepFunctions } = e2e.local;
    const callsBefore = bedrock.calls.length;
    const heartbeatsBefore = stepFunctions.calls.SendTaskHeartbeat ?? 0;
    const from = e2e.clock.now();
    const started = performance.now();
    await e2e.driveUntil(
      () => e2e.clock.now() - from >= options.periods * RECONCILE_PERIOD_MS,
      `${options.periods} reconcile periods`,
    );
    return {
      e2e,
      execution,
      bedrockCalls: bedrock.calls.slice(callsBefore).map((call) => call.operation),
      heartbeats: (stepFunctions.calls.SendTaskHeartbeat ?? 0) - heartbeatsBefore,
      realMs: performance.now() - started,
    };
  } catch (error) {
    await e2e.stop();
    throw error;
  }
}

export type { BusyAccountRun };
export { FOREIGN_MODEL_ID, FOREIGN_MODEL_QUOTAS, reconcileNextToForeignJobs, seedForeignJobs };
