import {
  type DatasetResult,
  DatasetResultSchema,
  type ResultLine,
  ResultLineSchema,
} from '@bedrock-batch/schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { generateReviewRecords } from '../../src/demo/sample-reviews.js';
import { type E2e, MODEL_ID, startE2e } from '../helpers/e2e-harness.js';

/** `count` review records of sample file `file`, one dataset line each. */
function datasetText(file: number, count: number): string {
  return generateReviewRecords(file, count)
    .records.map((record) => JSON.stringify(record))
    .join('\n');
}

function idsOf(file: number, count: number): string[] {
  return generateReviewRecords(file, count).records.map((record) => String(record.recordId));
}

describe('E2E: failed records are retried until every record is answered', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e();
    await e2e.put('data/thousand.jsonl', datasetText(41, 1000));
  });

  afterEach(() => {
    e2e.local.bedrock.faults.recordErrors.length = 0;
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  async function resultLines(result: DatasetResult): Promise<ResultLine[]> {
    return (await e2e.text(result.results_key))
      .trim()
      .split('\n')
      .map((line) => ResultLineSchema.parse(JSON.parse(line)));
  }

  /** Runs the dataset; returns its output, the jobs it created and the runtime calls it made. */
  async function runDataset(extra: Record<string, unknown> = {}) {
    const jobsBefore = new Set(e2e.local.bedrock.jobs.list().map((job) => job.jobArn));
    const callsBefore = e2e.local.bedrock.calls.length;
    const result = await e2e.run(
      e2e.start({
        job_name: 'reviews',
        dataset_keys: ['data/thousand.jsonl'],
        model_id: MODEL_ID,
        ...extra,
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    const output = DatasetResultSchema.parse(result.output);
    const jobs = e2e.local.bedrock.jobs.list().filter((job) => !jobsBefore.has(job.jobArn));
    const invokes = e2e.local.bedrock.calls
      .slice(callsBefore)
      .filter((call) => call.operation === 'InvokeModel');
    return { output, jobs, invokes, lines: await resultLines(output) };
  }

  it('answers all of 1,000 records when 5% fail for a transient reason: one on-demand round', async () => {
    // Prepare: 5% of the records of every batch job are throttled (429, transient).
    e2e.local.bedrock.faults.recordErrors.push({ rate: 0.05, errorCode: 429 });

    // Act
    const { output, jobs, invokes, lines } = await runDataset();

    // Assess: about 50 records failed in the job; fewer than the batch minimum of 100, they
    // were answered on demand in round 1.
    expect(jobs).toHaveLength(1);
    const failed = (jobs[0]?.errorRecordCount ?? 0) as number;
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(100);
    expect(output).toMatchObject({
      status: 'Completed',
      record_counts: { total: 1000, success: 1000, error: 0 },
      retries: { rounds: 1, records: failed },
    });
    expect(output.mode_counts.batch).toMatchObject({
      records: 1000 - failed,
      success: 1000 - failed,
      error: 0,
    });
    expect(output.mode_counts.on_demand).toMatchObject({
      records: failed,
      success: failed,
      error: 0,
    });
    expect(invokes.filter((call) => call.statusCode === 200)).toHaveLength(failed);
    expect(output.token_counts.input).toBe(
      output.mode_counts.batch.input_tokens + output.mode_counts.on_demand.input_tokens,
    );
    expect(lines.map((line) => line.recordId)).toEqual(idsOf(41, 1000));
    expect(lines.filter((line) => line.mode === 'on_demand')).toHaveLength(failed);
    expect(lines.every((line) => 'modelOutput' in line)).toBe(true);
  });

  it('keeps the error of records that failed for good, with one attempt, and retries nothing', async () => {
    // Prepare: 5% of the records fail with 400 (invalid input for the model: permanent).
    e2e.local.bedrock.faults.recordErrors.push({ rate: 0.05, errorCode: 400 });

    // Act
    const { output, jobs, invokes, lines } = await runDataset();

    // Assess
    expect(jobs).toHaveLength(1);
    const failed = (jobs[0]?.errorRecordCount ?? 0) as number;
    expect(failed).toBeGreaterThan(20);
    expect(invokes).toEqual([]);
    expect(output).toMatchObject({
      status: 'PartiallyCompleted',
      record_counts: { total: 1000, success: 1000 - failed, error: failed },
      retries: { rounds: 0, records: 0 },
    });
    const errors = lines.flatMap((line) => ('error' in line ? [line] : []));
    expect(errors).toHaveLength(failed);
    expect(
      errors.every(
        (line) => line.error.errorCode === 400 && line.attempts === 1 && line.mode === 'batch',
      ),
    ).toBe(true);
    expect(await e2e.keys(`${output.results_key.replace(/results\.jsonl$/, '')}round-1/`)).toEqual(
      [],
    );
  });

  it('runs a round over the minimum as a batch job, a smaller one on demand, and keeps permanent errors', async () => {
    // Prepare: 20% throttled, 2% invalid: round 1 holds about 200 records (a batch job), round 2
    // about 40 (on demand); the 400s are never retried.
    e2e.local.bedrock.faults.recordErrors.push(
      { rate: 0.2, errorCode: 429 },
      { rate: 0.02, errorCode: 400 },
    );

    // Act
    const { output, jobs, invokes, lines } = await runDataset();

    // Assess
    expect(jobs).toHaveLength(2);
    const [first, second] = jobs.sort((a, b) => (a.submitTime ?? 0) - (b.submitTime ?? 0));
    expect(second?.jobName).not.toBe(first?.jobName);
    expect(second?.totalRecordCount).toBeGreaterThanOrEqual(100);
    expect(output.retries.rounds).toBe(2);
    const permanent = lines.flatMap((line) => ('error' in line ? [line] : []));
    expect(permanent.length).toBeGreaterThan(0);
    expect(permanent.every((line) => line.error.errorCode === 400)).toBe(true);
    // A 400 of round 1 was made on the record's second attempt.
    expect(new Set(permanent.map((line) => line.attempts))).toEqual(new Set([1, 2]));
    expect(output.record_counts).toEqual({
      total: 1000,
      success: 1000 - permanent.length,
      error: permanent.length,
    });
    const onDemand = lines.filter((line) => line.mode === 'on_demand');
    expect(onDemand.length).toBeGreaterThan(0);
    expect(onDemand.length).toBeLessThan(100);
    expect(invokes.filter((call) => call.statusCode === 200)).toHaveLength(onDemand.length);
    expect(output.retries.records).toBe((second?.totalRecordCount ?? 0) + onDemand.length);
    expect(output.mode_counts.batch.records + output.mode_counts.on_demand.records).toBe(1000);
    expect(output.jobs).toHaveLength(2);
    expect(lines.map((line) => line.recordId)).toEqual(idsOf(41, 1000));
  });
});
