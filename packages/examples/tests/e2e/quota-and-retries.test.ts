import { afterEach, describe, expect, it } from '@jest/globals';
import { batchInput, type E2e, startE2e } from '../helpers/e2e-harness.js';

describe('E2E: quotas, throttling and retried tasks', () => {
  let e2e: E2e | undefined;

  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it('retries creates over a quota of 2 jobs per model until all 6 complete, never creating a job twice', async () => {
    // Prepare
    e2e = await startE2e({ bedrock: { quotas: { maxJobsInFlightPerModel: 2 } } });
    const keys: string[] = [];
    for (let n = 1; n <= 6; n += 1) keys.push(await e2e.manifest(n));
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as Array<{ status: string }>).map((job) => job.status)).toEqual(
      Array(6).fill('Completed'),
    );
    const quotaRejections = e2e.local.bedrock.calls.filter(
      (call) => call.errorType === 'ServiceQuotaExceededException',
    );
    expect(quotaRejections.length).toBeGreaterThan(0);
    expect(result.history.some((event) => event.type === 'TaskRetryScheduled')).toBe(true);
    expect(e2e.local.bedrock.jobs.size).toBe(6);
    expect(new Set(e2e.local.bedrock.jobs.list().map((job) => job.clientRequestToken)).size).toBe(
      6,
    );
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('creates exactly one job when the create-job task fails after Bedrock accepted the job, and is retried', async () => {
    // Prepare: create-job reads the new job right after creating it; throttle that read past
    // the SDK's own retries, so the task attempt fails with the job already created.
    e2e = await startE2e({
      bedrock: { faults: { throttle: { nextCalls: 3, operations: ['GetModelInvocationJob'] } } },
    });
    const keys = [await e2e.manifest(1)];
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const retries = result.history.filter((event) => event.type === 'TaskRetryScheduled');
    expect(retries.map((event) => event.details?.error)).toEqual(['BedrockBatch.Throttled']);
    expect(
      e2e.local.bedrock.calls.filter((call) => call.operation === 'CreateModelInvocationJob'),
    ).toHaveLength(2);
    expect(e2e.local.bedrock.jobs.size).toBe(1);
    expect(e2e.jobsInFlight()).toEqual([]);
  });
});
