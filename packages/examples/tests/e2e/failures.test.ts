import { BatchErrorName } from '@bedrock-batch/schema';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  batchInput,
  type E2e,
  RECONCILE_PERIOD_MS,
  STEP_MS,
  startE2e,
  startRunningJobs,
} from '../helpers/e2e-harness.js';

describe('E2E: jobs that fail, partly fail, or are abandoned', () => {
  let e2e: E2e | undefined;

  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it('routes a Failed job to the Catch with its error and cause, and stops the other jobs', async () => {
    // Prepare
    // The third manifest holds 10 records, under the minimum of 100: its job fails while it is
    // validated, while the other two jobs are still running.
    e2e = await startE2e();
    const keys = [await e2e.manifest(1), await e2e.manifest(2), await e2e.manifest(3, 10)];
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    const failedAt = e2e.clock.now();
    await e2e.driveUntil(
      () => e2e?.jobsInFlight().length === 0,
      'the other jobs to stop',
      RECONCILE_PERIOD_MS + 2 * 60_000,
    );
    // Assess
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.Failed });
    expect(result.cause).toMatch(/10 records.*100|100.*10 records/);
    const statuses = e2e.local.bedrock.jobs
      .list()
      .map((job) => job.status)
      .sort();
    expect(statuses).toEqual(['Failed', 'Stopped', 'Stopped']);
    expect(e2e.clock.now() - failedAt).toBeLessThanOrEqual(RECONCILE_PERIOD_MS + 60_000 + STEP_MS);
  });

  it('returns a PartiallyCompleted job as a result that carries its error counts', async () => {
    // Prepare
    e2e = await startE2e({ bedrock: { faults: { recordErrorRate: 0.1 } } });
    const keys = [await e2e.manifest(1)];
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const [job] = result.output as Array<{ status: string; record_counts: Record<string, number> }>;
    expect(job?.status).toBe('PartiallyCompleted');
    expect(job?.record_counts.total).toBe(100);
    expect(job?.record_counts.error).toBeGreaterThan(0);
    expect((job?.record_counts.success ?? 0) + (job?.record_counts.error ?? 0)).toBe(100);
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('stops the jobs of an aborted execution within one reconcile period', async () => {
    // Prepare
    e2e = await startE2e();
    const execution = await startRunningJobs(e2e, [await e2e.manifest(1), await e2e.manifest(2)]);
    // Act
    execution.abort();
    const abortedAt = e2e.clock.now();
    await e2e.driveUntil(
      () =>
        e2e?.local.bedrock.jobs
          .list()
          .every((job) => job.status === 'Stopping' || job.status === 'Stopped') === true,
      'the jobs to be stopped',
      RECONCILE_PERIOD_MS + 2 * STEP_MS,
    );
    const stoppedWithin = e2e.clock.now() - abortedAt;
    await e2e.driveUntil(
      () => e2e?.jobsInFlight().length === 0,
      'the jobs to reach Stopped',
      10 * 60_000,
    );
    // Assess
    expect((await execution.result).status).toBe('ABORTED');
    expect(stoppedWithin).toBeLessThanOrEqual(RECONCILE_PERIOD_MS + STEP_MS);
    expect(e2e.local.bedrock.jobs.list().map((job) => job.status)).toEqual(['Stopped', 'Stopped']);
  });
});
