import { afterEach, describe, expect, it } from '@jest/globals';
import type { E2e } from '../helpers/e2e-harness.js';
import { reconcileNextToForeignJobs } from '../helpers/foreign-jobs.js';

const FOREIGN_JOBS = 2_000;
const OUR_JOBS = 3;
const PERIODS = 3;

describe('E2E: reconcile in an account busy with other teams’ jobs', () => {
  let e2e: E2e | undefined;

  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it(`heartbeats and delivers every job of ours next to ${FOREIGN_JOBS} newer foreign jobs, with one Bedrock call per job of ours per run`, async () => {
    // Prepare / Act: every event is lost, so only reconcile keeps our tasks alive and delivers
    // them; the jobs run an hour, longer than the 15-minute heartbeat timeout.
    const run = await reconcileNextToForeignJobs({
      foreignJobs: FOREIGN_JOBS,
      ourJobs: OUR_JOBS,
      periods: PERIODS,
    });
    e2e = run.e2e;
    const result = await e2e.run(run.execution);

    // Assess
    expect(run.heartbeats).toBe(PERIODS * OUR_JOBS);
    expect(run.bedrockCalls).toEqual(Array(PERIODS * OUR_JOBS).fill('GetModelInvocationJob'));
    expect(result.status).toBe('SUCCEEDED');
    expect(e2e.local.stepFunctions.calls.SendTaskSuccess).toBe(OUR_JOBS);
    expect(e2e.local.bedrock.jobs.list()).toHaveLength(FOREIGN_JOBS + OUR_JOBS);
  });
});
