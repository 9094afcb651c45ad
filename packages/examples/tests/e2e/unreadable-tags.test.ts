import { StopModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import type { BedrockEmulatorOptions, ForcedJobOutcome } from '@bedrock-batch/local';
import { BatchErrorName, JobStatus, type JobStatusValue } from '@bedrock-batch/schema';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  batchInput,
  type E2e,
  RECONCILE_PERIOD_MS,
  STEP_MS,
  startE2e,
  startRunningJobs,
} from '../helpers/e2e-harness.js';

/**
 * Bedrock does not promise that a finished job's tags can be read (ListTagsForResource fails
 * for stopped jobs on a real account). Here the tagging calls fail in every status, so these
 * runs prove that no step of a delivery needs them.
 */
const EVERY_STATUS: JobStatusValue[] = Object.values(JobStatus);
const TAG_OPERATIONS = new Set(['ListTagsForResource', 'TagResource', 'UntagResource']);

function options(extra: BedrockEmulatorOptions['faults'] = {}): {
  bedrock: BedrockEmulatorOptions;
} {
  return { bedrock: { faults: { tags: { unreadableIn: EVERY_STATUS }, ...extra } } };
}

/** Callbacks the Step Functions API RECEIVED (a second send counts even when it is refused). */
function callbacksReceived(e2e: E2e): number {
  const { calls } = e2e.local.stepFunctions;
  return (calls.SendTaskSuccess ?? 0) + (calls.SendTaskFailure ?? 0);
}

function tagCalls(e2e: E2e): string[] {
  return e2e.local.bedrock.calls
    .filter((call) => TAG_OPERATIONS.has(call.operation))
    .map((c) => c.operation);
}

describe('E2E: results reach the waiting task although no job tag can be read', () => {
  let e2e: E2e | undefined;

  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  const finalStatuses: Array<{
    outcome: ForcedJobOutcome | 'Completed';
    events: 'delivered' | 'lost';
  }> = [];
  for (const outcome of ['Completed', 'PartiallyCompleted', 'Failed', 'Expired'] as const) {
    for (const events of ['delivered', 'lost'] as const) finalStatuses.push({ outcome, events });
  }

  it.each(finalStatuses)(
    'delivers a $outcome job once, its events $events',
    async ({ outcome, events }) => {
      // Prepare
      e2e = await startE2e(
        options({
          ...(outcome === 'Completed' ? {} : { jobOutcomes: [{ outcome }] }),
          events: { dropRate: events === 'lost' ? 1 : 0 },
        }),
      );
      const keys = [await e2e.manifest(1)];
      // Act
      const result = await e2e.run(e2e.start(batchInput(keys)));
      const end = e2e.clock.now();
      await e2e.driveUntil(
        () => (e2e?.clock.now() ?? end) - end > RECONCILE_PERIOD_MS,
        'one more reconcile period',
      );
      // Assess
      if (outcome === 'Completed' || outcome === 'PartiallyCompleted') {
        expect(result.status).toBe('SUCCEEDED');
        expect((result.output as Array<{ status: string }>)[0]?.status).toBe(outcome);
      } else {
        expect(result).toMatchObject({ status: 'FAILED', error: outcome });
      }
      expect(callbacksReceived(e2e)).toBe(1);
      expect(tagCalls(e2e)).toEqual([]);
      expect(e2e.jobsInFlight()).toEqual([]);
    },
  );

  it.each(['delivered', 'lost'] as const)(
    'reports a job stopped outside the workflow as Stopped, not as a heartbeat timeout (events %s)',
    async (events) => {
      // Prepare
      e2e = await startE2e(options({ events: { dropRate: events === 'lost' ? 1 : 0 } }));
      const execution = await startRunningJobs(e2e, [await e2e.manifest(1)]);
      const [job] = e2e.local.bedrock.jobs.list();
      // Act
      const bedrock = e2e.local.bedrock.createClient();
      await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: job?.jobArn }));
      bedrock.destroy();
      const result = await e2e.run(execution);
      // Assess
      expect(result).toMatchObject({
        status: 'FAILED',
        error: BatchErrorName.Stopped,
      });
      expect(result.cause).toMatch(/stopped/i);
      expect(callbacksReceived(e2e)).toBe(1);
    },
  );

  it('stops the jobs of an aborted execution within one reconcile period', async () => {
    // Prepare
    e2e = await startE2e(options());
    const execution = await startRunningJobs(e2e, [await e2e.manifest(1), await e2e.manifest(2)]);
    // Act
    execution.abort();
    const abortedAt = e2e.clock.now();
    await e2e.driveUntil(() => e2e?.jobsInFlight().length === 0, 'the jobs to be stopped');
    // Assess
    expect((await execution.result).status).toBe('ABORTED');
    const stoppedAt = Math.max(...e2e.local.bedrock.jobs.list().map((job) => job.endTime ?? 0));
    expect(stoppedAt - abortedAt).toBeLessThanOrEqual(RECONCILE_PERIOD_MS + 10 * 60_000 + STEP_MS);
    expect(e2e.local.bedrock.jobs.list().map((job) => job.status)).toEqual(['Stopped', 'Stopped']);
    expect(tagCalls(e2e)).toEqual([]);
  });

  it('sends each result once when every event arrives twice and out of order', async () => {
    // Prepare
    e2e = await startE2e(options({ events: { duplicateRate: 1, reorderRate: 0.5 } }));
    const keys = [await e2e.manifest(1), await e2e.manifest(2), await e2e.manifest(3)];
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    const end = e2e.clock.now();
    await e2e.driveUntil(
      () => (e2e?.clock.now() ?? end) - end > 2 * RECONCILE_PERIOD_MS,
      'two reconcile periods',
    );
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(e2e.local.stepFunctions.calls.SendTaskSuccess).toBe(3);
    expect(e2e.local.stepFunctions.calls.SendTaskFailure ?? 0).toBe(0);
  });
});
