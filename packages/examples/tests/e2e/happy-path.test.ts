import { type BatchJobResult, BatchJobResultSchema, validate } from '@bedrock-batch/schema';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { batchInput, type E2e, startE2e } from '../helpers/e2e-harness.js';

describe('E2E: happy path, three manifests', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e();
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('returns one result per manifest with keys, counts and tokens, and leaves no job in flight', async () => {
    // Prepare
    const keys = [await e2e.manifest(1), await e2e.manifest(2), await e2e.manifest(3)];
    // Act
    const result = await e2e.run(e2e.start(batchInput(keys)));
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const jobs = (result.output as unknown[]).map((job) => validate(BatchJobResultSchema, job));
    expect(jobs.map((job) => job.manifest_key)).toEqual(keys);
    for (const job of jobs as BatchJobResult[]) {
      expect(job.status).toBe('Completed');
      expect(job.keys).toEqual([
        expect.stringMatching(/^bedrock-batch\/output\/[a-z0-9]{12}\/part-\d\.jsonl\.out$/),
      ]);
      expect(job.record_counts).toEqual({ total: 100, processed: 100, success: 100, error: 0 });
      expect(job.token_counts?.input).toBeGreaterThan(0);
      expect(job.token_counts?.output).toBeGreaterThan(0);
    }
    expect(e2e.local.bedrock.jobs.size).toBe(3);
    expect(e2e.jobsInFlight()).toEqual([]);
  });
});
