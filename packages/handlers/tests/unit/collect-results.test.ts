import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { type BatchJobResult, RECORD_NOT_RETURNED } from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type CollectJob,
  type CollectResultsInput,
  collectResults,
} from '../../src/collect-results.js';
import { InvalidInputError } from '../../src/errors.js';
import { createFakeAws } from '../helpers/fake-bedrock.js';
import { addMultipartS3 } from '../helpers/fake-s3-multipart.js';
import { captureLogs } from '../helpers/log-capture.js';
import {
  collectFixture,
  putThreeJobs as putThreeJobsInto,
  threeJobsResult,
} from '../helpers/three-jobs.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'collect-results');
const BUCKET = 'work-bucket';
const WORK = 'bedrock-batch-work/exec-1/';
const RESULTS_KEY = `${WORK}results.jsonl`;

const fake = createFakeAws();
// Small chunks: lines span the chunks of a download.
const multipart = addMultipartS3(fake, { chunkBytes: 37 });

function fixture(name: string): string {
  return collectFixture('three-jobs', name);
}

const jobResult = threeJobsResult;

/** Puts the three-jobs dataset's manifests and outputs into the fake S3; returns the jobs. */
function putThreeJobs(): CollectJob[] {
  return putThreeJobsInto((key, body) => fake.putObject(BUCKET, key, body), WORK);
}

function input(jobs: readonly CollectJob[]): CollectResultsInput {
  return { bucket: BUCKET, workPrefix: WORK, jobs };
}

function resultsText(): string {
  const stored = fake.getObject(BUCKET, RESULTS_KEY);
  if (stored === undefined) throw new Error(`no ${RESULTS_KEY}`);
  return stored.body;
}

function resultLines(): Record<string, unknown>[] {
  return resultsText()
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A manifest of `count` records `${prefix}-<n>` and its output, shuffled, all answered. */
function syntheticJob(index: number, prefix: string, count: number, pad = 0): CollectJob {
  const ids = Array.from({ length: count }, (_, n) => `${prefix}-${String(n).padStart(6, '0')}`);
  const manifestKey = `${WORK}manifests/part-${String(index).padStart(5, '0')}.jsonl`;
  const filler = 'x'.repeat(pad);
  fake.putObject(
    BUCKET,
    manifestKey,
    ids.map((id) => `${JSON.stringify({ recordId: id, modelInput: { q: id } })}\n`).join(''),
  );
  // A fixed permutation (odd positions reversed, then even ones): no randomness.
  const shuffled = [
    ...ids.filter((_, n) => n % 2 === 1).reverse(),
    ...ids.filter((_, n) => n % 2 === 0),
  ];
  const outputKey = `output/job${index}/part-${index}.jsonl.out`;
  fake.putObject(
    BUCKET,
    outputKey,
    shuffled
      .map(
        (id) =>
          `${JSON.stringify({ recordId: id, modelInput: { q: id }, modelOutput: { a: id, filler } })}\n`,
      )
      .join(''),
  );
  const result: BatchJobResult = {
    ...jobResult(0),
    keys: [outputKey],
    job_name: `job-${index}`,
    manifest_key: manifestKey,
    record_counts: { total: count, processed: count, success: count, error: 0 },
    token_counts: { input: count * 10, output: count },
  };
  return { manifestKey, result };
}

beforeEach(() => {
  fake.reset();
  multipart.reset();
  multipart.install();
});

describe('collectResults', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('merges shuffled outputs, an error line, a missing line and a failed job into results.jsonl in dataset order', async () => {
    const jobs = putThreeJobs();

    const result = await collectResults(input(jobs), { s3: fake.clients.s3, logger: logs.logger });

    expect(resultsText()).toBe(fixture('results.expected.jsonl'));
    expect(result).toEqual({
      status: 'PartiallyCompleted',
      bucket: BUCKET,
      results_key: RESULTS_KEY,
      record_counts: { total: 10, success: 6, error: 4 },
      token_counts: { input: 72, output: 10 },
      mode_counts: {
        batch: { records: 10, success: 6, error: 4, input_tokens: 72, output_tokens: 10 },
        on_demand: { records: 0, success: 0, error: 0, input_tokens: 0, output_tokens: 0 },
      },
      retries: { rounds: 0, records: 0 },
      jobs: [jobResult(0), jobResult(1)],
    });
  });

  it('merges a manifest answered on demand from its parts, in order, with mode on_demand and its own counts', async () => {
    // Prepare: the first manifest of the fixture, answered in two on-demand parts
    const manifestKey = `${WORK}manifests/part-00000.jsonl`;
    fake.putObject(BUCKET, manifestKey, fixture('part-00000.jsonl'));
    const output = fixture('part-00000.jsonl.out').trimEnd().split('\n');
    const half = Math.ceil(output.length / 2);
    fake.putObject(
      BUCKET,
      `${WORK}on-demand/part-000000000.jsonl.out`,
      `${output.slice(0, half).join('\n')}\n`,
    );
    fake.putObject(
      BUCKET,
      `${WORK}on-demand/part-000000003.jsonl.out`,
      `${output.slice(half).join('\n')}\n`,
    );
    fake.putObject(BUCKET, `${WORK}on-demand/notes.txt`, 'not an output part');

    // Act
    const result = await collectResults(
      input([
        {
          manifestKey,
          onDemand: { outputPrefix: `${WORK}on-demand/`, tokens: { input: 31, output: 4 } },
        },
      ]),
      { s3: fake.clients.s3, logger: logs.logger },
    );

    // Assess: the same lines as in batch, but answered on demand
    const batchLines = fixture('results.expected.jsonl')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const lines = resultLines();
    expect(lines).toEqual(
      batchLines.slice(0, lines.length).map((line) => ({ ...line, mode: 'on_demand' })),
    );
    expect(lines.every((line) => line.mode === 'on_demand')).toBe(true);
    expect(result.mode_counts).toEqual({
      batch: { records: 0, success: 0, error: 0, input_tokens: 0, output_tokens: 0 },
      on_demand: {
        records: lines.length,
        success: result.record_counts.success,
        error: result.record_counts.error,
        input_tokens: 31,
        output_tokens: 4,
      },
    });
    expect(result.token_counts).toEqual({ input: 31, output: 4 });
    expect(result.jobs).toEqual([]);
  });

  it('gives every record of a failed job RecordNotReturned, naming the job and its error', async () => {
    const jobs = putThreeJobs();

    await collectResults(input(jobs), { s3: fake.clients.s3, logger: logs.logger });

    const failed = resultLines().filter((line) =>
      ['rev-09', 'rev-10'].includes(String(line.recordId)),
    );
    expect(failed).toHaveLength(2);
    for (const line of failed) {
      expect(line.error).toEqual({
        errorCode: RECORD_NOT_RETURNED,
        errorMessage: expect.stringContaining('part-00002.jsonl ended with Expired'),
      });
    }
  });

  it('logs an output line whose recordId is in no manifest, without its content, and ignores it', async () => {
    const jobs = putThreeJobs();

    await collectResults(input(jobs), { s3: fake.clients.s3, logger: logs.logger });

    expect(resultsText()).not.toContain('stray-99');
    const warning = logs.records().find((line) => String(line.message).includes('not in the job'));
    expect(warning).toMatchObject({
      level: 'WARN',
      manifestKey: `${WORK}manifests/part-00000.jsonl`,
      lines: 1,
      firstRecordIds: ['stray-99'],
    });
    expect(logs.text()).not.toContain('secret stray answer');
    expect(logs.text()).not.toContain('Classify');
  });

  it('is Completed when every record has a modelOutput, and keeps the order of many jobs', async () => {
    const jobs = [syntheticJob(0, 'a', 120), syntheticJob(1, 'b', 7), syntheticJob(2, 'c', 300)];

    const result = await collectResults(input(jobs), { s3: fake.clients.s3 });

    const ids = resultLines().map((line) => line.recordId);
    const expected = [
      ...Array.from({ length: 120 }, (_, n) => `a-${String(n).padStart(6, '0')}`),
      ...Array.from({ length: 7 }, (_, n) => `b-${String(n).padStart(6, '0')}`),
      ...Array.from({ length: 300 }, (_, n) => `c-${String(n).padStart(6, '0')}`),
    ];
    expect(ids).toEqual(expected);
    expect(
      resultLines().every((line) => (line.modelOutput as { a: string }).a === line.recordId),
    ).toBe(true);
    expect(result.status).toBe('Completed');
    expect(result.record_counts).toEqual({ total: 427, success: 427, error: 0 });
    expect(result.token_counts).toEqual({ input: 4270, output: 427 });
    expect(result.jobs.map((job) => job.job_name)).toEqual(['job-0', 'job-1', 'job-2']);
  });

  it('reads every output object of a job', async () => {
    const job = syntheticJob(0, 'a', 4);
    const result = job.result as BatchJobResult;
    const [first = ''] = result.keys;
    const lines = (fake.getObject(BUCKET, first)?.body ?? '').trimEnd().split('\n');
    fake.putObject(BUCKET, first, `${lines.slice(0, 2).join('\n')}\n`);
    fake.putObject(BUCKET, 'output/job0/more.jsonl.out', lines.slice(2).join('\n'));

    const out = await collectResults(
      input([{ ...job, result: { ...result, keys: [first, 'output/job0/more.jsonl.out'] } }]),
      { s3: fake.clients.s3 },
    );

    expect(out.record_counts).toEqual({ total: 4, success: 4, error: 0 });
  });

  it('writes results larger than a part with a multipart upload, in order', async () => {
    // 6,000 records of about 1 KiB: more than the 5 MiB part size.
    const jobs = [syntheticJob(0, 'a', 3000, 1000), syntheticJob(1, 'b', 3000, 1000)];

    const result = await collectResults(input(jobs), { s3: fake.clients.s3 });

    expect(multipart.completedKeys()).toEqual([RESULTS_KEY]);
    expect(fake.s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    const lines = resultLines();
    expect(lines).toHaveLength(6000);
    expect(lines[2999]?.recordId).toBe('a-002999');
    expect(lines[3000]?.recordId).toBe('b-000000');
    expect(result.record_counts.success).toBe(6000);
  });

  it('keeps a modelOutput over an error line for the same recordId, and skips output lines that are no record', async () => {
    const job = syntheticJob(0, 'a', 2);
    const key = job.result?.keys[0] ?? '';
    const body = fake.getObject(BUCKET, key)?.body ?? '';
    fake.putObject(
      BUCKET,
      key,
      `${JSON.stringify({ recordId: 'a-000000', modelInput: {}, error: { errorCode: 500, errorMessage: 'x' } })}\nnot json\n{"modelOutput":{}}\n${body}`,
    );

    const result = await collectResults(input([job]), { s3: fake.clients.s3, logger: logs.logger });

    expect(result.record_counts).toEqual({ total: 2, success: 2, error: 0 });
    const problems = logs
      .records()
      .filter((line) => String(line.message).startsWith('Skipped an output line'));
    expect(problems.map((line) => [line.line, line.problem])).toEqual([
      [2, 'is not JSON'],
      [3, 'has no recordId'],
    ]);
  });

  it('names the field and the value of an invalid input, before reading anything', async () => {
    const jobs = putThreeJobs();
    const bad = [jobs[0], { manifestKey: `${WORK}manifests/x.jsonl` }] as CollectJob[];

    const error = await collectResults(input(bad), { s3: fake.clients.s3 }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('jobs[1]');
    expect((error as Error).message).toContain('exactly one of result, failure and onDemand');
    expect(fake.getObject(BUCKET, RESULTS_KEY)).toBeUndefined();
  });

  it('fails on a manifest line without recordId, naming the object and line, and writes no results', async () => {
    const job = syntheticJob(0, 'a', 3);
    fake.putObject(
      BUCKET,
      job.manifestKey,
      '{"recordId":"a-000000","modelInput":{}}\n{"modelInput":{}}\n',
    );

    await expect(collectResults(input([job]), { s3: fake.clients.s3 })).rejects.toThrow(
      `s3://${BUCKET}/${job.manifestKey} line 2: recordId must be a non-empty string (received: undefined)`,
    );
    expect(fake.getObject(BUCKET, RESULTS_KEY)).toBeUndefined();
  });

  it('names a missing output object', async () => {
    const job = syntheticJob(0, 'a', 3);
    const missing = { ...(job.result as BatchJobResult), keys: ['output/none.jsonl.out'] };

    await expect(
      collectResults(input([{ ...job, result: missing }]), { s3: fake.clients.s3 }),
    ).rejects.toThrow(`s3://${BUCKET}/output/none.jsonl.out: could not be read (NoSuchKey`);
  });

  it('aborts the multipart upload when a part fails, and leaves no results object', async () => {
    const jobs = [syntheticJob(0, 'a', 3000, 1000), syntheticJob(1, 'b', 3000, 1000)];
    multipart.failNext(
      'UploadPart',
      new S3ServiceException({
        name: 'InternalError',
        $fault: 'server',
        message: 'We encountered an internal error. Please try again.',
        $metadata: { httpStatusCode: 500 },
      }),
    );

    await expect(collectResults(input(jobs), { s3: fake.clients.s3 })).rejects.toThrow(
      'internal error',
    );
    expect(fake.getObject(BUCKET, RESULTS_KEY)).toBeUndefined();
    expect(multipart.openUploads()).toEqual([]);
    expect(multipart.abortedUploads()).toHaveLength(1);
  });
});

describe('collectResults, output lines read without JSON.parse', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
    fake.reset();
    multipart.reset();
    multipart.install();
  });
  afterEach(() => logs.restore());

  /** The results lines `JSON.parse` and `JSON.stringify` give for the json-variants job. */
  function expectedResults(manifest: Buffer, output: Buffer): string[] {
    const answers = new Map<string, { modelOutput?: unknown; error?: unknown }>();
    for (const line of output.toString('utf8').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      let parsed: { recordId?: unknown; modelOutput?: unknown; error?: unknown };
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      const isObject = (value: unknown) =>
        typeof value === 'object' && value !== null && !Array.isArray(value);
      if (typeof parsed.recordId !== 'string' || parsed.recordId === '') continue;
      const answer = isObject(parsed.modelOutput)
        ? { modelOutput: parsed.modelOutput }
        : isObject(parsed.error)
          ? { error: parsed.error }
          : undefined;
      if (answer === undefined) continue;
      const existing = answers.get(parsed.recordId);
      if (existing === undefined || (existing.modelOutput === undefined && answer.modelOutput)) {
        answers.set(parsed.recordId, answer);
      }
    }
    return manifest
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const { recordId } = JSON.parse(line) as { recordId: string };
        const answer = answers.get(recordId);
        return answer === undefined
          ? `${recordId} not returned`
          : JSON.stringify({
              recordId,
              ...answer,
              mode: 'batch',
              ...(answer.modelOutput === undefined ? { attempts: 1 } : {}),
            });
      });
  }

  it('writes what JSON.parse and JSON.stringify would, for any way of writing JSON', async () => {
    const dir = join(fixtures, 'json-variants');
    const manifestBytes = readFileSync(join(dir, 'part-00000.jsonl'));
    const outputBytes = readFileSync(join(dir, 'part-00000.jsonl.out'));
    const manifestKey = `${WORK}manifests/part-00000.jsonl`;
    const result = { ...jobResult(0), keys: ['output/variants/part-00000.jsonl.out'] };
    fake.putObject(BUCKET, manifestKey, manifestBytes.toString('utf8'));
    fake.putObject(BUCKET, 'output/variants/part-00000.jsonl.out', outputBytes.toString('utf8'));
    await collectResults(input([{ manifestKey, result }]), {
      s3: fake.clients.s3,
      logger: logs.logger,
    });
    const written = resultsText()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const { recordId, error } = JSON.parse(line) as {
          recordId: string;
          error?: { errorCode?: string };
        };
        return error?.errorCode === RECORD_NOT_RETURNED ? `${recordId} not returned` : line;
      });
    expect(written).toEqual(expectedResults(manifestBytes, outputBytes));
    expect(written).toContain('m-11 not returned');
    expect(written).toContain('m-20 not returned');
  });
});
