import { BatchErrorName } from '@bedrock-batch/schema';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { batchInput, type E2e, MODEL_ID, startE2e } from '../helpers/e2e-harness.js';

describe('E2E: bad input ends at the Catch with a clear error, and no job in flight', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e();
    await e2e.manifest(1);
    await e2e.manifest(2, 40);
    await e2e.put(
      'input/malformed.jsonl',
      `${'{"modelInput":{"inputText":"ok"}}\n'.repeat(120)}{"modelInput": not json\n`,
    );
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('rejects empty manifest_keys before creating any job', async () => {
    const before = e2e.local.bedrock.jobs.size;
    const result = await e2e.run(e2e.start(batchInput([])));
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.InvalidInput });
    expect(result.cause).toContain('manifest_keys');
    expect(e2e.local.bedrock.jobs.size).toBe(before);
  });

  it('rejects a list whose third key has a space before any job, naming manifest_keys[2]', async () => {
    const before = e2e.local.bedrock.jobs.size;
    const keys = ['input/part-1.jsonl', 'input/part-1.jsonl', 'input/part 3.jsonl'];
    const result = await e2e.run(e2e.start(batchInput(keys)));
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.InvalidInput });
    expect(result.cause).toBe(
      'Invalid CreateJobPayload: manifest_keys[2]: has a character Bedrock does not accept in an S3 URI (" " at position 11); ' +
        'allowed: letters, digits and -!_*\'(). between single slashes (received: "input/part 3.jsonl")',
    );
    expect(e2e.local.bedrock.jobs.size).toBe(before);
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('fails the job of a manifest key with no object, naming the key', async () => {
    const result = await e2e.run(e2e.start(batchInput(['input/missing.jsonl'])));
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.Failed });
    expect(result.cause).toContain('input/missing.jsonl');
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('fails the job of a manifest with fewer records than the minimum', async () => {
    const result = await e2e.run(e2e.start(batchInput(['input/part-2.jsonl'])));
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.Failed });
    expect(result.cause).toMatch(/40/);
    expect(result.cause).toMatch(/100/);
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('fails the job of a manifest with a malformed JSONL line, naming the line', async () => {
    const result = await e2e.run(e2e.start(batchInput(['input/malformed.jsonl'])));
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.Failed });
    expect(result.cause).toMatch(/line 121/i);
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('fails with the service validation error on an unknown model id, naming the model', async () => {
    const before = e2e.local.bedrock.jobs.size;
    const result = await e2e.run(
      e2e.start({ ...batchInput(['input/part-1.jsonl']), model_id: 'acme.unknown-model-v9' }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.ValidationException });
    expect(result.cause).toContain('acme.unknown-model-v9');
    expect(e2e.local.bedrock.jobs.size).toBe(before);
  });

  it('runs a job_name with characters Bedrock rejects, under a sanitized name', async () => {
    const result = await e2e.run(
      e2e.start(batchInput(['input/part-1.jsonl'], 'Q4 reviews / test_job #1')),
    );
    expect(result.status).toBe('SUCCEEDED');
    const [job] = result.output as Array<{ job_name: string; status: string }>;
    expect(job?.status).toBe('Completed');
    expect(job?.job_name).toMatch(/^Q4-reviews-test-job-1-[A-Za-z0-9.+-]*--[a-z0-9]{12}$/);
    expect(job?.job_name.length).toBeLessThanOrEqual(63);
    expect(MODEL_ID).toBeDefined();
    expect(e2e.jobsInFlight()).toEqual([]);
  });
});
