import { afterEach, describe, expect, it } from '@jest/globals';
import { batchInput, type E2e, startE2e } from '../helpers/e2e-harness.js';

describe('E2E: two fragments in one state machine, two stacks in one app', () => {
  let e2e: E2e | undefined;

  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it('runs two fragments one after the other in one state machine', async () => {
    e2e = await startE2e({ twoFragments: true });
    const keys = [await e2e.manifest(1), await e2e.manifest(2)];
    const result = await e2e.run(e2e.start(batchInput(keys)));
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as {
      first: Array<{ status: string }>;
      second: Array<{ status: string }>;
    };
    expect(output.first.map((job) => job.status)).toEqual(['Completed', 'Completed']);
    expect(output.second.map((job) => job.status)).toEqual(['Completed', 'Completed']);
    expect(e2e.local.bedrock.jobs.size).toBe(4);
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('runs both stacks of one app side by side, each delivering only its own jobs', async () => {
    e2e = await startE2e({ stacks: ['Alpha', 'Beta'] });
    const alphaKeys = [await e2e.manifest(1, 100, 'Alpha')];
    const betaKeys = [await e2e.manifest(2, 100, 'Beta'), await e2e.manifest(3, 100, 'Beta')];
    const alpha = e2e.start(batchInput(alphaKeys, 'alpha'), 'Alpha');
    const beta = e2e.start(batchInput(betaKeys, 'beta'), 'Beta');
    const [alphaResult, betaResult] = [await e2e.run(alpha), await e2e.run(beta)];
    expect(alphaResult.status).toBe('SUCCEEDED');
    expect(betaResult.status).toBe('SUCCEEDED');
    expect((alphaResult.output as Array<{ bucket: string }>).map((job) => job.bucket)).toEqual([
      e2e.app.bucket('Alpha/Data').name,
    ]);
    expect((betaResult.output as Array<{ bucket: string }>).map((job) => job.bucket)).toEqual([
      e2e.app.bucket('Beta/Data').name,
      e2e.app.bucket('Beta/Data').name,
    ]);
    const owners = e2e.local.bedrock.jobs.list().map((job) => job.tags['bedrock-batch:managed-by']);
    expect(new Set(owners)).toEqual(new Set(['Alpha', 'Beta']));
    expect(e2e.jobsInFlight()).toEqual([]);
  });
});
