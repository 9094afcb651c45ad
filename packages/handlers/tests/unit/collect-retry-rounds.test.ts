import {
  type CollectedDataset,
  CollectedDatasetSchema,
  type DatasetRound,
  RECORD_NOT_RETURNED,
  ResultLineSchema,
  retryDatasetKey,
  validate,
} from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type CollectJob, collectResults } from '../../src/collect-results.js';
import { InvalidInputError } from '../../src/errors.js';
import { createFakeAws } from '../helpers/fake-bedrock.js';
import { addMultipartS3 } from '../helpers/fake-s3-multipart.js';
import { captureLogs } from '../helpers/log-capture.js';
import { collectFixture, putThreeJobs as putThreeJobsInto } from '../helpers/three-jobs.js';

const BUCKET = 'work-bucket';
const WORK = 'bedrock-batch-work/exec-1/';
const RESULTS_KEY = `${WORK}results.jsonl`;

const fake = createFakeAws();
const multipart = addMultipartS3(fake, { chunkBytes: 37 });
const fixture = collectFixture;

/** The three-jobs dataset: rev-05 fails for good (400), rev-07 is not returned, rev-09 and rev-10 lost with their expired job. */
function putThreeJobs(): CollectJob[] {
  return putThreeJobsInto((key, body) => fake.putObject(BUCKET, key, body), WORK);
}

function round(
  number: number,
  previous: CollectedDataset | null,
  overrides: Partial<DatasetRound> = {},
): DatasetRound {
  let before = null;
  if (previous !== null) {
    const { retry: _next, ...result } = previous;
    before = result;
  }
  return {
    number,
    max_record_retries: 2,
    dataset_prefix: WORK,
    min_records_per_job: 100,
    on_demand_below_minimum: true,
    previous: before,
    ...overrides,
  };
}

/** What the next round's preparation would do: its one manifest holds the retry dataset. */
function onDemandRound(
  number: number,
  tokens: { input: number; output: number },
  answered = true,
): CollectJob {
  const retried = fake.getObject(BUCKET, retryDatasetKey(WORK, number));
  if (retried === undefined) throw new Error(`round ${number} has no retry dataset`);
  const manifestKey = `${WORK}round-${number}/manifests/part-00000.jsonl`;
  fake.putObject(BUCKET, manifestKey, retried.body);
  const outputPrefix = `${WORK}round-${number}/on-demand/`;
  if (!answered) return { manifestKey, onDemand: { outputPrefix, tokens } };
  fake.putObject(
    BUCKET,
    `${outputPrefix}part-000000000.jsonl.out`,
    fixture('retry-rounds', `round-${number}.jsonl.out`),
  );
  return { manifestKey, onDemand: { outputPrefix, tokens } };
}

function resultLines(): Record<string, unknown>[] {
  const stored = fake.getObject(BUCKET, RESULTS_KEY);
  if (stored === undefined) throw new Error(`no ${RESULTS_KEY}`);
  return stored.body
    .trimEnd()
    .split('\n')
    .map((line) => validate(ResultLineSchema, JSON.parse(line)) as Record<string, unknown>);
}

function idsIn(key: string): string[] {
  const stored = fake.getObject(BUCKET, key);
  if (stored === undefined) throw new Error(`no ${key}`);
  return stored.body
    .trimEnd()
    .split('\n')
    .map((line) => (JSON.parse(line) as { recordId: string }).recordId);
}

beforeEach(() => {
  fake.reset();
  multipart.reset();
  multipart.install();
});

describe('collectResults, retry rounds', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('writes the transient failures, and not the permanent one, as the next round under the minimum (on demand)', async () => {
    const result = await collectResults(
      { bucket: BUCKET, workPrefix: WORK, jobs: putThreeJobs(), round: round(0, null) },
      { s3: fake.clients.s3, logger: logs.logger },
    );

    expect(validate(CollectedDatasetSchema, result).retry).toEqual({
      round: 1,
      dataset_key: `${WORK}round-1/retry.jsonl`,
      records: 3,
    });
    // The manifest lines themselves, in dataset order; rev-05's 400 is permanent.
    expect(fake.getObject(BUCKET, `${WORK}round-1/retry.jsonl`)?.body).toBe(
      [
        fixture('three-jobs', 'part-00001.jsonl').split('\n')[2],
        ...fixture('three-jobs', 'part-00002.jsonl').trimEnd().split('\n'),
      ].join('\n') + '\n',
    );
    const errors = resultLines().filter((line) => line.error !== undefined);
    expect(errors.map((line) => [line.recordId, line.attempts])).toEqual([
      ['rev-05', 1],
      ['rev-07', 1],
      ['rev-09', 1],
      ['rev-10', 1],
    ]);
    expect(result.retries).toEqual({ rounds: 0, records: 0 });
  });

  it('asks for a round over the minimum whether or not on-demand answering is on', async () => {
    const result = await collectResults(
      {
        bucket: BUCKET,
        workPrefix: WORK,
        jobs: putThreeJobs(),
        round: round(0, null, { min_records_per_job: 3, on_demand_below_minimum: false }),
      },
      { s3: fake.clients.s3, logger: logs.logger },
    );

    expect(result.retry?.records).toBe(3);
    expect(idsIn(`${WORK}round-1/retry.jsonl`)).toEqual(['rev-07', 'rev-09', 'rev-10']);
  });

  it('asks for no round under the minimum with on-demand answering off, and writes no retry dataset', async () => {
    const result = await collectResults(
      {
        bucket: BUCKET,
        workPrefix: WORK,
        jobs: putThreeJobs(),
        round: round(0, null, { min_records_per_job: 4, on_demand_below_minimum: false }),
      },
      { s3: fake.clients.s3, logger: logs.logger },
    );

    expect(result.retry).toBeUndefined();
    expect(fake.getObject(BUCKET, `${WORK}round-1/retry.jsonl`)).toBeUndefined();
    expect(logs.text()).toContain('Records not retried');
    expect(result.record_counts).toEqual({ total: 10, success: 6, error: 4 });
  });

  it('asks for no round when max_record_retries is 0', async () => {
    const result = await collectResults(
      {
        bucket: BUCKET,
        workPrefix: WORK,
        jobs: putThreeJobs(),
        round: round(0, null, { max_record_retries: 0 }),
      },
      { s3: fake.clients.s3, logger: logs.logger },
    );

    expect(result.retry).toBeUndefined();
    expect(fake.getObject(BUCKET, `${WORK}round-1/retry.jsonl`)).toBeUndefined();
  });

  it('merges rounds into results.jsonl: answers replace errors in place, counts and tokens add up, attempts count the rounds', async () => {
    const first = await collectResults(
      { bucket: BUCKET, workPrefix: WORK, jobs: putThreeJobs(), round: round(0, null) },
      { s3: fake.clients.s3, logger: logs.logger },
    );
    const before = resultLines();

    // Round 1: rev-07 and rev-09 answered on demand, rev-10 throttled.
    const second = await collectResults(
      {
        bucket: BUCKET,
        workPrefix: WORK,
        jobs: [onDemandRound(1, { input: 20, output: 2 })],
        round: round(1, first),
      },
      { s3: fake.clients.s3, logger: logs.logger },
    );
    const afterOne = resultLines();
    expect(afterOne.map((line) => line.recordId)).toEqual(before.map((line) => line.recordId));
    for (const [index, line] of afterOne.entries()) {
      if (['rev-07', 'rev-09', 'rev-10'].includes(String(line.recordId))) continue;
      expect(line).toEqual(before[index]);
    }
    const byId = new Map(afterOne.map((line) => [line.recordId, line]));
    expect(byId.get('rev-07')).toMatchObject({
      mode: 'on_demand',
      modelOutput: expect.any(Object),
    });
    expect(byId.get('rev-09')).toMatchObject({
      mode: 'on_demand',
      modelOutput: expect.any(Object),
    });
    expect(byId.get('rev-10')).toMatchObject({
      mode: 'on_demand',
      attempts: 2,
      error: { errorCode: 429 },
    });
    expect(byId.get('rev-05')).toMatchObject({
      mode: 'batch',
      attempts: 1,
      error: { errorCode: 400 },
    });
    expect(second).toMatchObject({
      status: 'PartiallyCompleted',
      record_counts: { total: 10, success: 8, error: 2 },
      token_counts: { input: 72 + 20, output: 10 + 2 },
      mode_counts: {
        batch: { records: 7, success: 6, error: 1, input_tokens: 72, output_tokens: 10 },
        on_demand: { records: 3, success: 2, error: 1, input_tokens: 20, output_tokens: 2 },
      },
      retries: { rounds: 1, records: 3 },
      jobs: first.jobs,
      retry: { round: 2, dataset_key: `${WORK}round-2/retry.jsonl`, records: 1 },
    });
    expect(idsIn(`${WORK}round-2/retry.jsonl`)).toEqual(['rev-10']);

    // Round 2, the last: rev-10 fails again and keeps its error, with 3 attempts.
    const third = await collectResults(
      {
        bucket: BUCKET,
        workPrefix: WORK,
        jobs: [onDemandRound(2, { input: 9, output: 0 })],
        round: round(2, second),
      },
      { s3: fake.clients.s3, logger: logs.logger },
    );
    expect(third.retry).toBeUndefined();
    expect(third.retries).toEqual({ rounds: 2, records: 4 });
    expect(third.record_counts).toEqual({ total: 10, success: 8, error: 2 });
    expect(resultLines().find((line) => line.recordId === 'rev-10')).toMatchObject({
      attempts: 3,
      mode: 'on_demand',
      error: { errorCode: 500 },
    });
    expect(fake.getObject(BUCKET, `${WORK}round-3/retry.jsonl`)).toBeUndefined();
  });

  it('gives a retried record its round’s RecordNotReturned when the round returns nothing for it', async () => {
    const first = await collectResults(
      { bucket: BUCKET, workPrefix: WORK, jobs: putThreeJobs(), round: round(0, null) },
      { s3: fake.clients.s3, logger: logs.logger },
    );
    // The round wrote no answer: every record is not returned again.
    const job = onDemandRound(1, { input: 0, output: 0 }, false);

    const second = await collectResults(
      { bucket: BUCKET, workPrefix: WORK, jobs: [job], round: round(1, first) },
      { s3: fake.clients.s3, logger: logs.logger },
    );

    const retried = resultLines().filter((line) =>
      ['rev-07', 'rev-09', 'rev-10'].includes(String(line.recordId)),
    );
    expect(retried.map((line) => [line.mode, line.attempts])).toEqual([
      ['on_demand', 2],
      ['on_demand', 2],
      ['on_demand', 2],
    ]);
    expect(
      retried.every(
        (line) => (line.error as { errorCode: string }).errorCode === RECORD_NOT_RETURNED,
      ),
    ).toBe(true);
    expect(second.retry?.records).toBe(3);
  });

  it('fails with InvalidInputError, and writes nothing, when the previous results lack a retried record', async () => {
    const first = await collectResults(
      { bucket: BUCKET, workPrefix: WORK, jobs: putThreeJobs(), round: round(0, null) },
      { s3: fake.clients.s3, logger: logs.logger },
    );
    const job = onDemandRound(1, { input: 20, output: 2 });
    const original = fake.getObject(BUCKET, RESULTS_KEY)?.body ?? '';
    const truncated = original
      .split('\n')
      .filter((line) => !line.includes('"rev-09"'))
      .join('\n');
    fake.putObject(BUCKET, RESULTS_KEY, truncated);

    await expect(
      collectResults(
        { bucket: BUCKET, workPrefix: WORK, jobs: [job], round: round(1, first) },
        { s3: fake.clients.s3, logger: logs.logger },
      ),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      collectResults(
        { bucket: BUCKET, workPrefix: WORK, jobs: [job], round: round(1, first) },
        { s3: fake.clients.s3, logger: logs.logger },
      ),
    ).rejects.toThrow(/has no line for the retried record "rev-09"/);
    expect(fake.getObject(BUCKET, RESULTS_KEY)?.body).toBe(truncated);
    expect(fake.getObject(BUCKET, `${WORK}round-2/retry.jsonl`)).toBeUndefined();
  });
});
