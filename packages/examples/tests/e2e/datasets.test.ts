import { StopModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import {
  BatchErrorName,
  type DatasetResult,
  DatasetResultSchema,
  RECORD_NOT_RETURNED,
  type ResultLine,
  ResultLineSchema,
  WORK_PREFIX,
} from '@bedrock-batch/schema';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateReviewRecords } from '../../src/demo/sample-reviews.js';
import { type E2e, MODEL_ID, startE2e } from '../helpers/e2e-harness.js';

/**
 * `count` review records as dataset lines; every `withoutIdEvery`-th record (1-based) has no
 * `recordId`, so the fragment generates one from its position.
 */
function datasetText(file: number, count: number, withoutIdEvery = 0): string {
  const { records } = generateReviewRecords(file, count);
  return records
    .map((record, index) =>
      withoutIdEvery > 0 && (index + 1) % withoutIdEvery === 0
        ? JSON.stringify({ modelInput: record.modelInput })
        : JSON.stringify(record),
    )
    .join('\n');
}

/** The ids a dataset's results must carry, in order: given ids, or `R` + 11-digit position. */
function expectedIds(
  files: Array<[file: number, count: number, withoutIdEvery: number]>,
): string[] {
  const ids: string[] = [];
  for (const [file, count, withoutIdEvery] of files) {
    const { records } = generateReviewRecords(file, count);
    records.forEach((record, index) => {
      const generated = withoutIdEvery > 0 && (index + 1) % withoutIdEvery === 0;
      ids.push(generated ? `R${String(ids.length).padStart(11, '0')}` : String(record.recordId));
    });
  }
  return ids;
}

function datasetInput(datasetKeys: string[], extra: Record<string, unknown> = {}) {
  return { job_name: 'reviews', dataset_keys: datasetKeys, model_id: MODEL_ID, ...extra };
}

describe('E2E: a dataset goes in, results come out in dataset order', () => {
  let e2e: E2e;
  const first: [number, number, number] = [11, 130, 7];
  const second: [number, number, number] = [12, 75, 0];
  const third: [number, number, number] = [13, 262, 10];
  const files = [first, second, third];

  beforeAll(async () => {
    // Jobs of at most 200 records, so that this small dataset makes several jobs.
    e2e = await startE2e({ datasetQuotas: { maxRecordsPerJob: 200 } });
    // The first file by key, the other two under a prefix (in key order: a, b).
    await e2e.put('datasets/first.jsonl', datasetText(...first));
    await e2e.put('datasets/rest/a.jsonl', `${datasetText(...second)}\n\n`);
    await e2e.put('datasets/rest/b.jsonl', datasetText(...third));
    await e2e.put('datasets/rest/notes.txt', 'not part of the dataset');
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  async function resultLines(result: DatasetResult): Promise<ResultLine[]> {
    const text = await e2e.text(result.results_key);
    return text
      .trim()
      .split('\n')
      .map((line) => ResultLineSchema.parse(JSON.parse(line)));
  }

  it('splits several files of uneven sizes into balanced jobs and answers every record in order', async () => {
    // Act
    const execution = e2e.start(datasetInput(['datasets/first.jsonl', 'datasets/rest/']));
    const result = await e2e.run(execution);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = DatasetResultSchema.parse(result.output);
    expect(output).toMatchObject({
      status: 'Completed',
      record_counts: { total: 467, success: 467, error: 0 },
    });
    expect(output.results_key).toMatch(
      new RegExp(`^${WORK_PREFIX}[^/]+/${execution.name}/[^/]+/results\\.jsonl$`),
    );
    // 467 records, at most 200 a job: 3 jobs of 155 or 156.
    expect(output.jobs.map((job) => job.record_counts.total)).toEqual([156, 156, 155]);
    expect(output.jobs.every((job) => job.status === 'Completed')).toBe(true);
    expect(output.token_counts.input).toBeGreaterThan(0);
    const lines = await resultLines(output);
    expect(lines.map((line) => line.recordId)).toEqual(expectedIds(files));
    expect(lines.every((line) => 'modelOutput' in line)).toBe(true);
    expect(e2e.jobsInFlight()).toEqual([]);
  });

  it('runs jobs of records_per_job records', async () => {
    const result = await e2e.run(
      e2e.start(datasetInput(['datasets/rest/'], { records_per_job: 110 })),
    );
    expect(result.status).toBe('SUCCEEDED');
    const output = DatasetResultSchema.parse(result.output);
    const sizes = output.jobs.map((job) => job.record_counts.total);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(337);
    expect(sizes.slice(0, -1).every((size) => size === 110)).toBe(true);
    expect(sizes.every((size) => size >= 100 && size <= 200)).toBe(true);
    const lines = await resultLines(output);
    expect(lines).toHaveLength(337);
  });
});

describe('E2E: a bad dataset ends at the Catch before any job is created', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e();
    await e2e.put('bad/malformed.jsonl', `${datasetText(1, 150)}\n{"modelInput": not json\n`);
    await e2e.put('bad/duplicate.jsonl', `${datasetText(2, 120)}\n${datasetText(2, 1)}`);
    await e2e.put('bad/too-few.jsonl', datasetText(3, 60));
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it.each([
    ['a malformed line', 'bad/malformed.jsonl', /bad\/malformed\.jsonl line 151: .*JSON/],
    [
      'an id used twice',
      'bad/duplicate.jsonl',
      /recordId "M2R00001" is used twice: at s3:\/\/[^ ]+\/bad\/duplicate\.jsonl line 1 and at s3:\/\/[^ ]+\/bad\/duplicate\.jsonl line 121/,
    ],
    ['a missing object', 'bad/missing.jsonl', /bad\/missing\.jsonl/],
  ])('fails with BedrockBatch.InvalidInput for %s, naming where', async (_what, key, cause) => {
    const before = e2e.local.bedrock.jobs.size;
    const result = await e2e.run(e2e.start(datasetInput([key])));
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.InvalidInput });
    expect(result.cause).toMatch(cause);
    expect(e2e.local.bedrock.jobs.size).toBe(before);
    expect(await e2e.keys(WORK_PREFIX)).toEqual([]);
  });

  it('rejects an input with both manifest_keys and dataset_keys', async () => {
    const before = e2e.local.bedrock.jobs.size;
    const result = await e2e.run(
      e2e.start(datasetInput(['bad/too-few.jsonl'], { manifest_keys: ['bad/too-few.jsonl'] })),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.InvalidInput });
    expect(result.cause).toContain('dataset_keys');
    expect(e2e.local.bedrock.jobs.size).toBe(before);
  });
});

describe('E2E: records no job returned', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e({ datasetQuotas: { maxRecordsPerJob: 150 } });
    await e2e.put('data/reviews.jsonl', datasetText(21, 300));
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  /** Starts the dataset and stops one of its jobs as soon as it runs, outside the workflow. */
  async function runWithStoppedJob(extra: Record<string, unknown>) {
    const execution = e2e.start(datasetInput(['data/reviews.jsonl'], extra));
    await e2e.driveUntil(
      () => e2e.local.bedrock.jobs.list().some((job) => job.status === 'InProgress'),
      'a job in progress',
    );
    const [victim] = e2e.local.bedrock.jobs
      .list()
      .filter((job) => job.status === 'InProgress')
      .sort((a, b) => b.jobName.localeCompare(a.jobName));
    const bedrock = e2e.local.bedrock.createClient();
    await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: victim?.jobArn }));
    bedrock.destroy();
    return { victim, result: await e2e.run(execution) };
  }

  it('gives the records of a stopped job RecordNotReturned and the dataset PartiallyCompleted, without retries', async () => {
    // Act
    const { result } = await runWithStoppedJob({ max_record_retries: 0 });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = DatasetResultSchema.parse(result.output);
    expect(output.status).toBe('PartiallyCompleted');
    const lines = (await e2e.text(output.results_key))
      .trim()
      .split('\n')
      .map((line) => ResultLineSchema.parse(JSON.parse(line)));
    expect(lines).toHaveLength(300);
    const missing = lines.flatMap((line) =>
      'error' in line && line.error.errorCode === RECORD_NOT_RETURNED ? [line.error] : [],
    );
    expect(missing.length).toBe(output.record_counts.error);
    expect(missing.length).toBeGreaterThan(0);
    expect(output.record_counts).toEqual({
      total: 300,
      success: 300 - missing.length,
      error: missing.length,
    });
    expect(missing[0]?.errorMessage).toContain('Stopped');
    expect(output.retries).toEqual({ rounds: 0, records: 0 });
    expect(lines.every((line) => !('error' in line) || line.attempts === 1)).toBe(true);
  });

  it('retries the records of a stopped job in a round of its own and answers them all', async () => {
    // Act
    const before = new Set(e2e.local.bedrock.jobs.list().map((job) => job.jobName));
    const { victim, result } = await runWithStoppedJob({});

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = DatasetResultSchema.parse(result.output);
    expect(output.status).toBe('Completed');
    expect(output.record_counts).toEqual({ total: 300, success: 300, error: 0 });
    expect(output.retries.rounds).toBe(1);
    const retried = output.retries.records;
    expect(retried).toBeGreaterThan(0);
    const lines = (await e2e.text(output.results_key))
      .trim()
      .split('\n')
      .map((line) => ResultLineSchema.parse(JSON.parse(line)));
    expect(lines.map((line) => line.recordId)).toEqual(expectedIds([[21, 300, 0]]));
    // The round ran as a batch job when it held the minimum (100), else on demand.
    const roundMode = retried >= 100 ? 'batch' : 'on_demand';
    const jobs = e2e.local.bedrock.jobs.list().filter((job) => !before.has(job.jobName));
    expect(jobs).toHaveLength(roundMode === 'batch' ? 3 : 2);
    expect(new Set(jobs.map((job) => job.jobName)).size).toBe(jobs.length);
    expect(jobs.filter((job) => job.status === 'Stopped').map((job) => job.jobName)).toEqual([
      victim?.jobName,
    ]);
    expect(output.mode_counts[roundMode].records).toBeGreaterThanOrEqual(retried);
    expect(output.mode_counts.batch.records + output.mode_counts.on_demand.records).toBe(300);
  });
});

describe('E2E: a dataset under the batch minimum is answered on demand', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e();
    await e2e.put('small/reviews.jsonl', datasetText(31, 7, 3));
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('answers 7 records through the runtime API, in order, with no batch job, as the invoker role narrowed to the model', async () => {
    // Act
    const result = await e2e.run(e2e.start(datasetInput(['small/reviews.jsonl'])));

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(e2e.local.bedrock.jobs.size).toBe(0);
    const output = DatasetResultSchema.parse(result.output);
    expect(output).toMatchObject({
      status: 'Completed',
      record_counts: { total: 7, success: 7, error: 0 },
      jobs: [],
    });
    expect(output.mode_counts.batch).toEqual({
      records: 0,
      success: 0,
      error: 0,
      input_tokens: 0,
      output_tokens: 0,
    });
    expect(output.mode_counts.on_demand).toMatchObject({ records: 7, success: 7, error: 0 });
    expect(output.mode_counts.on_demand.input_tokens).toBeGreaterThan(0);
    expect(output.token_counts.input).toBe(output.mode_counts.on_demand.input_tokens);
    const lines = (await e2e.text(output.results_key))
      .trim()
      .split('\n')
      .map((line) => ResultLineSchema.parse(JSON.parse(line)));
    expect(lines.map((line) => line.recordId)).toEqual(expectedIds([[31, 7, 3]]));
    expect(lines.every((line) => line.mode === 'on_demand' && 'modelOutput' in line)).toBe(true);
    const invokes = e2e.local.bedrock.calls.filter((call) => call.operation === 'InvokeModel');
    expect(invokes).toHaveLength(7);
    // Every call was made by a session of the invoker role narrowed to this execution's model.
    const sessions = new Map(
      e2e.local.sts.sessions.map((session) => [session.accessKeyId, session]),
    );
    for (const call of invokes) {
      expect(call.modelId).toBe(MODEL_ID);
      const session = sessions.get(call.accessKeyId ?? '');
      expect(session?.roleArn).toMatch(/:role\/.*OnDemandInvokerRole/);
      expect(session?.policy).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TheExecutionModel',
            Effect: 'Allow',
            Action: 'bedrock:InvokeModel',
            Resource: `arn:aws:bedrock:us-east-1::foundation-model/${MODEL_ID}`,
          },
        ],
      });
    }
    expect(e2e.local.sts.sessions.length).toBeGreaterThan(0);
  });

  it('retries throttled calls and still answers every record', async () => {
    // Prepare: the next 4 runtime calls are throttled
    e2e.local.bedrock.faults.runtime.throttle.nextCalls = 4;
    const before = e2e.local.bedrock.calls.length;

    // Act
    const result = await e2e.run(e2e.start(datasetInput(['small/reviews.jsonl'])));

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = DatasetResultSchema.parse(result.output);
    expect(output.record_counts).toEqual({ total: 7, success: 7, error: 0 });
    const calls = e2e.local.bedrock.calls.slice(before);
    expect(calls.filter((call) => call.statusCode === 429)).toHaveLength(4);
    expect(
      calls.filter((call) => call.operation === 'InvokeModel' && call.statusCode === 200),
    ).toHaveLength(7);
    expect(e2e.local.bedrock.jobs.size).toBe(0);
  });
});

describe('E2E: with on-demand answering off, a dataset under the minimum is refused', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e({ onDemandBelowMinimum: false });
    await e2e.put('bad/too-few.jsonl', datasetText(3, 60));
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('fails with BedrockBatch.InvalidInput at the Catch, with nothing created', async () => {
    const result = await e2e.run(e2e.start(datasetInput(['bad/too-few.jsonl'])));
    expect(result).toMatchObject({ status: 'FAILED', error: BatchErrorName.InvalidInput });
    expect(result.cause).toMatch(/60 records.*100/);
    expect(e2e.local.bedrock.jobs.size).toBe(0);
    expect(e2e.local.bedrock.calls.filter((call) => call.operation === 'InvokeModel')).toEqual([]);
    expect(await e2e.keys(WORK_PREFIX)).toEqual([]);
  });
});
