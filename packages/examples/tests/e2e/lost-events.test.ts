import { afterEach, describe, expect, it } from '@jest/globals';
import {
  batchInput,
  type E2e,
  RECONCILE_PERIOD_MS,
  STEP_MS,
  startE2e,
} from '../helpers/e2e-harness.js';

describe('E2E: events that are lost, duplicated or reordered', () => {
  let e2e: E2e | undefined;

  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it('completes within one reconcile period of the jobs ending when every event is dropped', async () => {
    // Prepare
    e2e = await startE2e({ bedrock: { faults: { events: { dropRate: 1 } } } });
    const keys = [await e2e.manifest(1), await e2e.manifest(2)];
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(e2e.local.bedrock.events).toHaveLength(0);
    expect(e2e.local.bedrock.droppedEvents.length).toBeGreaterThan(0);
    const lastJobEnd = Math.max(
      ...e2e.local.bedrock.jobs.list().map((job) => job.endTime ?? Number.POSITIVE_INFINITY),
    );
    const executionEnd = result.history.at(-1)?.timestamp ?? 0;
    expect(executionEnd - lastJobEnd).toBeLessThanOrEqual(RECONCILE_PERIOD_MS + STEP_MS);
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('delivers each result once when events arrive twice and out of order', async () => {
    // Prepare
    e2e = await startE2e({
      bedrock: { faults: { events: { duplicateRate: 1, reorderRate: 0.5 } } },
    });
    const keys = [await e2e.manifest(1), await e2e.manifest(2), await e2e.manifest(3)];
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    // Drive on, so late duplicates and the next reconcile runs also come through.
    const end = e2e.clock.now();
    await e2e.driveUntil(
      () => e2e?.clock.now() !== undefined && e2e.clock.now() - end > 2 * RECONCILE_PERIOD_MS,
      'two reconcile periods',
    );
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(
      (result.output as Array<{ manifest_key: string }>).map((job) => job.manifest_key),
    ).toEqual(keys);
    // Counted in calls the API received: a handler that sent twice would show here, even though
    // the second call would be refused. Two copies handled at once race for the ticket's claim.
    expect(e2e.local.stepFunctions.calls.SendTaskSuccess).toBe(3);
    expect(e2e.local.stepFunctions.calls.SendTaskFailure ?? 0).toBe(0);
    expect(e2e.jobsInFlight()).toEqual([]);
  });
});
