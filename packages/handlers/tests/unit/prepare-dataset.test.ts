import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetPlanSchema, generatedRecordId } from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigurationError, InvalidInputError } from '../../src/errors.js';
import { type PrepareDatasetInput, prepareDataset } from '../../src/prepare-dataset.js';
import { createDatasetS3 } from '../helpers/dataset-s3.js';
import { captureLogs } from '../helpers/log-capture.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'prepare-dataset');
const INPUT = 'dataset-bucket';
const OUTPUT = 'work-bucket';
const WORK = 'runs/exec-1/';
/** Small bounds, so fixtures stay short: 3 to 5 records a job. */
const SMALL = { minRecordsPerJob: 3, maxRecordsPerJob: 5 };

const fake = createDatasetS3();
let logs: ReturnType<typeof captureLogs>;

/** Uploads every fixture file under `data/` of the input bucket (directories keep their names). */
function uploadFixtures(dir = fixtures) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) uploadFixtures(file);
    else fake.put(INPUT, `data/${relative(fixtures, file)}`, readFileSync(file));
  }
}

function input(
  datasetKeys: string[],
  extra: Partial<PrepareDatasetInput> = {},
): PrepareDatasetInput {
  return {
    inputBucket: INPUT,
    datasetKeys,
    outputBucket: OUTPUT,
    workPrefix: WORK,
    quotas: SMALL,
    ...extra,
  };
}

function run(datasetKeys: string[], extra: Partial<PrepareDatasetInput> = {}) {
  return prepareDataset(input(datasetKeys, extra), { s3: fake.s3, logger: logs.logger });
}

/** The parsed lines of a written manifest. */
function manifestLines(key: string): Array<{ recordId: string; modelInput: unknown }> {
  const text = fake.text(OUTPUT, key);
  if (text === undefined) throw new Error(`no manifest ${key}`);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

beforeEach(() => {
  fake.install();
  fake.clear();
  uploadFixtures();
  logs = captureLogs();
});

afterEach(() => {
  logs.restore();
});

describe('Function: prepareDataset', () => {
  it('skips blank lines, generates missing ids from positions, keeps modelInput and drops other fields', async () => {
    const plan = await run(['data/mixed.jsonl']);
    expect(DatasetPlanSchema.parse(plan)).toEqual(plan);
    expect(plan.total_records).toBe(6);
    expect(plan.manifests.map((m) => m.record_count)).toEqual([3, 3]);
    const lines = [
      ...manifestLines(`${WORK}manifests/part-00000.jsonl`),
      ...manifestLines(`${WORK}manifests/part-00001.jsonl`),
    ];
    expect(lines.map((line) => line.recordId)).toEqual([
      'review-1',
      'R00000000001',
      'review-3',
      'R00000000003',
      'review-5',
      'R00000000005',
    ]);
    expect(lines[4]).toEqual({
      recordId: 'review-5',
      modelInput: { inputText: 'extra field kept out' },
    });
    expect(lines[5]).toEqual({
      recordId: 'R00000000005',
      modelInput: { inputText: 'last line, no newline' },
    });
  });

  it('describes each manifest: key, contiguous range and its exact bytes', async () => {
    const plan = await run(['data/mixed.jsonl']);
    expect(plan).toMatchObject({ bucket: OUTPUT, work_prefix: WORK });
    let first = 0;
    for (const [index, manifest] of plan.manifests.entries()) {
      expect(manifest.key).toBe(`${WORK}manifests/part-0000${index}.jsonl`);
      expect(manifest.first_record).toBe(first);
      expect(Buffer.byteLength(fake.text(OUTPUT, manifest.key) ?? '')).toBe(manifest.bytes);
      first += manifest.record_count;
    }
  });

  it('writes one job for a dataset of exactly the minimum', async () => {
    const plan = await run(['data/exact-minimum.jsonl']);
    expect(plan.manifests).toHaveLength(1);
    expect(manifestLines(plan.manifests[0]?.key ?? '').map((l) => l.recordId)).toEqual([
      'min-1',
      'min-2',
      'min-3',
    ]);
  });

  it('splits one record over the maximum into two balanced jobs', async () => {
    const plan = await run(['data/over-maximum.jsonl']);
    expect(plan.manifests.map((m) => [m.first_record, m.record_count])).toEqual([
      [0, 3],
      [3, 3],
    ]);
    expect(manifestLines(plan.manifests[1]?.key ?? '').map((l) => l.recordId)).toEqual([
      'max-4',
      'max-5',
      'max-6',
    ]);
  });

  it('reads several files and a prefix (only .jsonl, in key order) as one dataset', async () => {
    const plan = await run(['data/exact-minimum.jsonl', 'data/several/']);
    expect(plan.total_records).toBe(8);
    const ids = plan.manifests.flatMap((m) => manifestLines(m.key).map((l) => l.recordId));
    expect(ids).toEqual([
      'min-1',
      'min-2',
      'min-3',
      'a-1',
      'R00000000004',
      'b-1',
      'R00000000006',
      'c-2',
    ]);
    expect(fake.calls).not.toContain('GetObject data/several/notes.txt');
  });

  it('lists a prefix page by page', async () => {
    fake.install({ pageSize: 1 });
    for (let index = 0; index < 4; index++) {
      fake.put(INPUT, `paged/part-${index}.jsonl`, `{"modelInput":{"n":${index}}}\n`);
    }
    const plan = await run(['paged/'], { quotas: { minRecordsPerJob: 1, maxRecordsPerJob: 10 } });
    expect(plan.total_records).toBe(4);
    expect(fake.calls.filter((call) => call === 'ListObjectsV2')).toHaveLength(4);
  });

  it('respects records_per_job', async () => {
    const plan = await run(['data/several/', 'data/over-maximum.jsonl'], {
      quotas: { minRecordsPerJob: 3, maxRecordsPerJob: 10 },
      recordsPerJob: 4,
    });
    expect(plan.total_records).toBe(11);
    // 4 + 4 + 3: the remainder reaches the minimum.
    expect(plan.manifests.map((m) => m.record_count)).toEqual([4, 4, 3]);
  });

  it('writes a large manifest as a multipart upload', async () => {
    fake.install({ chunkSize: 64 * 1024 });
    const line = `{"modelInput":{"inputText":"${'x'.repeat(1000)}"}}\n`;
    fake.put(INPUT, 'big/records.jsonl', line.repeat(9000));
    const plan = await run(['big/records.jsonl'], {
      quotas: { minRecordsPerJob: 1, maxRecordsPerJob: 10_000 },
    });
    const key = plan.manifests[0]?.key ?? '';
    expect(fake.calls).toContain(`CreateMultipartUpload ${key}`);
    expect(fake.calls).toContain(`CompleteMultipartUpload ${key}`);
    const lines = manifestLines(key);
    expect(lines).toHaveLength(9000);
    expect(lines[8999]?.recordId).toBe('R00000008999');
    expect(plan.manifests[0]?.bytes).toBe(Buffer.byteLength(fake.text(OUTPUT, key) ?? ''));
  });

  it('logs counts, never record contents', async () => {
    await run(['data/mixed.jsonl']);
    expect(logs.text()).toContain('"records":6');
    expect(logs.text()).not.toContain('great product');
  });
});

describe('Function: prepareDataset, bad input (nothing written)', () => {
  async function expectInvalid(datasetKeys: string[], message: string | RegExp, extra = {}) {
    const error = await rejection(run(datasetKeys, extra));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.name).toBe('BedrockBatch.InvalidInput');
    expect(error.message).toMatch(message);
    expect(fake.keys(OUTPUT)).toEqual([]);
    expect(fake.calls.filter((call) => /Put|Upload/.test(call))).toEqual([]);
  }

  it('names the key and line of a malformed line', async () => {
    await expectInvalid(
      ['data/malformed.jsonl'],
      's3://dataset-bucket/data/malformed.jsonl line 3: is not JSON (received: "{\\"recordId\\":\\"ok-2\\"',
    );
  });

  it('names a line that is not an object', async () => {
    await expectInvalid(
      ['data/not-an-object.jsonl'],
      'data/not-an-object.jsonl line 1: must be a JSON object (received: an array)',
    );
  });

  it('names a modelInput that is not an object, without its content', async () => {
    await expectInvalid(
      ['data/model-input-string.jsonl'],
      'data/model-input-string.jsonl line 2: modelInput must be an object (received: a string)',
    );
  });

  it('names a recordId that is not a string', async () => {
    await expectInvalid(
      ['data/record-id-number.jsonl'],
      'line 2: recordId must be a non-empty string of at most 256 characters (received: 42)',
    );
  });

  it('names both places of a duplicate given id', async () => {
    await expectInvalid(
      ['data/duplicate-given.jsonl'],
      'recordId "dup-1" is used twice: at s3://dataset-bucket/data/duplicate-given.jsonl line 1 and at s3://dataset-bucket/data/duplicate-given.jsonl line 4',
    );
  });

  it('names both places when a given id equals a generated one', async () => {
    await expectInvalid(
      ['data/duplicate-generated.jsonl'],
      'recordId "R00000000000" is used twice: at s3://dataset-bucket/data/duplicate-generated.jsonl line 1 (its generated id) and at s3://dataset-bucket/data/duplicate-generated.jsonl line 3',
    );
  });

  it('finds a duplicate across files', async () => {
    await expectInvalid(['data/exact-minimum.jsonl', 'data/'], /part of the dataset twice/);
    fake.put(INPUT, 'copy/min.jsonl', '{"recordId":"min-2","modelInput":{}}\n');
    await expectInvalid(
      ['data/exact-minimum.jsonl', 'copy/min.jsonl'],
      'at s3://dataset-bucket/data/exact-minimum.jsonl line 2 and at s3://dataset-bucket/copy/min.jsonl line 1',
    );
  });

  it('refuses fewer records than the minimum', async () => {
    await expectInvalid(
      ['data/too-few.jsonl'],
      'The dataset has 2 records; a batch job needs at least 3 (minRecordsPerJob)',
    );
  });

  it('prepares fewer records than the minimum for on-demand answering when asked to', async () => {
    const plan = await run(['data/too-few.jsonl'], {
      onDemandBelowMinimum: true,
      recordsPerJob: 4,
    });
    expect(plan).toMatchObject({ total_records: 2, mode: 'on_demand' });
    expect(plan.manifests).toEqual([
      expect.objectContaining({
        key: `${WORK}manifests/part-00000.jsonl`,
        first_record: 0,
        record_count: 2,
      }),
    ]);
    expect(manifestLines(`${WORK}manifests/part-00000.jsonl`).map((line) => line.recordId)).toEqual(
      ['few-1', 'few-2'],
    );
  });

  it('still runs a dataset of at least the minimum in batch when on demand is allowed', async () => {
    const plan = await run(['data/mixed.jsonl'], { onDemandBelowMinimum: true });
    expect(plan.mode).toBe('batch');
    expect(plan.manifests.map((m) => m.record_count)).toEqual([3, 3]);
  });

  it('refuses records_per_job outside the bounds', async () => {
    await expectInvalid(
      ['data/over-maximum.jsonl'],
      /records_per_job must be an integer from 3 to 5 .*received: 6/,
      {
        recordsPerJob: 6,
      },
    );
  });

  it('names a record bigger than the file size limit', async () => {
    await expectInvalid(
      ['data/mixed.jsonl'],
      /mixed\.jsonl line 1: the record takes 67 bytes in a manifest, more than the 60 bytes a batch input file may hold \(maxInputFileSizeBytes\)/,
      { quotas: { ...SMALL, maxInputFileSizeBytes: 60 } },
    );
  });

  it('names a job over the byte limit', async () => {
    await expectInvalid(
      ['data/exact-minimum.jsonl'],
      /job 0 \(records 0 to 2\) would take 171 bytes, more than the 150 bytes .*choose a smaller records_per_job/,
      { quotas: { ...SMALL, maxJobSizeBytes: 150 } },
    );
  });

  it('names a missing object, a prefix without .jsonl and a key Bedrock refuses', async () => {
    await expectInvalid(
      ['data/absent.jsonl'],
      's3://dataset-bucket/data/absent.jsonl does not exist',
    );
    await expectInvalid(
      ['nothing/'],
      'the prefix s3://dataset-bucket/nothing/ holds no .jsonl object',
    );
    await expectInvalid(
      ['data/a b.jsonl'],
      /dataset_keys\[0\]: has a character Bedrock does not accept/,
    );
  });

  it('throws ConfigurationError for quotas that are not positive integers', async () => {
    const error = await rejection(run(['data/mixed.jsonl'], { quotas: { minRecordsPerJob: 0 } }));
    expect(error).toBeInstanceOf(ConfigurationError);
  });
});

describe('Function: prepareDataset, JSON read without JSON.parse', () => {
  /** The manifest lines `JSON.parse` and `JSON.stringify` give for a fixture's records. */
  function expectedLines(name: string): string[] {
    const lines = readFileSync(join(fixtures, name)).toString('utf8').split(/\r?\n/);
    const expected: string[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as { recordId?: string; modelInput: unknown };
      const recordId = record.recordId ?? generatedRecordId(expected.length);
      expected.push(JSON.stringify({ recordId, modelInput: record.modelInput }));
    }
    return expected;
  }

  it.each([7, 64 * 1024])(
    'writes the manifest JSON.stringify would for escaped ids, unicode, braces in strings, white space, numbers, keys JSON.parse reorders or drops, and invalid UTF-8 (chunks of %i bytes)',
    async (chunkSize) => {
      fake.install({ chunkSize });
      uploadFixtures();
      const plan = await run(['data/json-variants/records.jsonl'], {
        quotas: { minRecordsPerJob: 1, maxRecordsPerJob: 100 },
      });
      const expected = expectedLines('json-variants/records.jsonl');
      expect(plan.total_records).toBe(expected.length);
      const written = plan.manifests.flatMap((manifest) =>
        (fake.text(OUTPUT, manifest.key) ?? '').split('\n').filter((line) => line !== ''),
      );
      expect(written).toEqual(expected);
      const bytes = plan.manifests.reduce((sum, manifest) => sum + manifest.bytes, 0);
      expect(bytes).toBe(Buffer.byteLength(expected.map((line) => `${line}\n`).join('')));
    },
  );

  it('still names the line of a record that only looks plain', async () => {
    fake.put(
      INPUT,
      'looks/plain.jsonl',
      '{"recordId":"a","modelInput":{}}\n{"recordId":"b","modelInput":{"x":01}}\n',
    );
    const error = await rejection(run(['looks/plain.jsonl']));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^s3:\/\/dataset-bucket\/looks\/plain.jsonl line 2: is not JSON/);
  });

  it('finds a duplicate id written once escaped and once plain', async () => {
    fake.put(
      INPUT,
      'dup/escaped.jsonl',
      '{"recordId":"same","modelInput":{}}\n{"recordId":"s\\u0061me","modelInput":{}}\n{"recordId":"c","modelInput":{}}\n',
    );
    const error = await rejection(run(['dup/escaped.jsonl']));
    expect(error.message).toBe(
      'recordId "same" is used twice: at s3://dataset-bucket/dup/escaped.jsonl line 1 and at s3://dataset-bucket/dup/escaped.jsonl line 2',
    );
  });
});
