import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchErrorName,
  DatasetResultSchema,
  PreparedDatasetSchema,
  RECORD_NOT_RETURNED,
} from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createAwsClients } from '../../src/clients.js';
import { makeCollectResultsHandler } from '../../src/handlers/collect-results.js';
import { makePrepareDatasetHandler } from '../../src/handlers/prepare-dataset.js';
import { lambdaContext } from '../helpers/context.js';
import { createDatasetS3 } from '../helpers/dataset-s3.js';
import { getTestEvent } from '../helpers/events.js';
import { captureLogs } from '../helpers/log-capture.js';
import { rejection } from '../helpers/rejection.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'prepare-dataset');
const WORK =
  'bedrock-batch-work/ReviewsStateMachine/run-42/c8a1f0e2b6d4a9e3f1c7b5a2d8e4f6a0b2c4d6e8f0/';

const fake = createDatasetS3();
const clients = { ...createAwsClients({}), s3: fake.s3 };
let logs: ReturnType<typeof captureLogs>;

function payload(input: Record<string, unknown> = {}): Record<string, unknown> {
  const event = getTestEvent('prepare-dataset', 'mixed');
  return { ...event, input: { ...(event.input as object), ...input } };
}

beforeEach(() => {
  fake.install();
  fake.clear();
  fake.put('dataset-bucket', 'data/mixed.jsonl', readFileSync(join(fixtures, 'mixed.jsonl')));
  logs = captureLogs();
});

afterEach(() => {
  logs.restore();
});

describe('Handler: prepare-dataset', () => {
  it('prepares the dataset under the execution work prefix and fills in the invocation type', async () => {
    // Prepare
    const handler = makePrepareDatasetHandler({ clients, logger: logs.logger });

    // Act
    const prepared = await handler(payload(), lambdaContext);

    // Assess
    expect(PreparedDatasetSchema.parse(prepared)).toEqual(prepared);
    expect(prepared).toMatchObject({
      job_name: 'reviews',
      model_id: 'anthropic.claude-3-haiku-20240307-v1:0',
      model_invocation_type: 'InvokeModel',
      plan: { bucket: 'work-bucket', work_prefix: WORK, total_records: 6 },
    });
    expect(fake.keys('work-bucket')).toEqual([
      `${WORK}manifests/part-00000.jsonl`,
      `${WORK}manifests/part-00001.jsonl`,
    ]);
    const text = logs.text();
    expect(text).toContain('run-42');
    expect(text).not.toContain('great product');
  });

  it('returns round 0 with the defaults: two retries, the batch minimum, no previous result', async () => {
    const handler = makePrepareDatasetHandler({ clients, logger: logs.logger });
    const prepared = await handler({ ...payload(), onDemandBelowMinimum: true }, lambdaContext);
    expect(prepared.fragment_id).toBe('c8a1f0e2b6d4a9e3f1c7b5a2d8e4f6a0b2c4d6e8f0');
    expect(prepared.input.dataset_keys).toEqual(['data/mixed.jsonl']);
    expect(prepared.round).toEqual({
      number: 0,
      max_record_retries: 2,
      dataset_prefix: WORK,
      min_records_per_job: 3,
      on_demand_below_minimum: true,
      previous: null,
    });
  });

  describe('a retry round', () => {
    const previous = getTestEvent('prepare-dataset', 'collected-round-1') as Record<
      string,
      unknown
    >;
    function retryPayload(records: string[], round = 1): Record<string, unknown> {
      const datasetKey = `${WORK}round-${round}/retry.jsonl`;
      fake.put('work-bucket', datasetKey, Buffer.from(records.map((line) => `${line}\n`).join('')));
      return {
        ...payload({ max_record_retries: 3 }),
        onDemandBelowMinimum: true,
        retry: { round, datasetKey, previous },
      };
    }
    const line = (id: string) =>
      JSON.stringify({ recordId: id, modelInput: { inputText: `text of ${id}` } });

    it('prepares the retry dataset from the output bucket into the round folder, with round job ids', async () => {
      const handler = makePrepareDatasetHandler({ clients, logger: logs.logger });
      const ids = ['review-1', 'review-4', 'review-7', 'review-9'];

      const prepared = await handler(retryPayload(ids.map(line), 2), lambdaContext);

      expect(PreparedDatasetSchema.parse(prepared)).toEqual(prepared);
      expect(prepared.fragment_id).toBe('c8a1f0e2b6d4a9e3f1c7b5a2d8e4f6a0b2c4d6e8f0-r2');
      expect(prepared.plan).toMatchObject({
        work_prefix: `${WORK}round-2/`,
        total_records: 4,
        mode: 'batch',
        manifests: [{ key: `${WORK}round-2/manifests/part-00000.jsonl`, record_count: 4 }],
      });
      const { retry: _next, ...result } = previous;
      expect(prepared.round).toMatchObject({
        number: 2,
        max_record_retries: 3,
        dataset_prefix: WORK,
        previous: result,
      });
      // The user's input is kept for the next round; the dataset was not read.
      expect(prepared.input.dataset_keys).toEqual(['data/mixed.jsonl']);
      const manifest = fake.text('work-bucket', `${WORK}round-2/manifests/part-00000.jsonl`);
      expect(
        manifest
          ?.trimEnd()
          .split('\n')
          .map((text) => JSON.parse(text).recordId),
      ).toEqual(ids);
    });

    it('answers a round under the batch minimum on demand', async () => {
      const handler = makePrepareDatasetHandler({ clients, logger: logs.logger });
      const prepared = await handler(
        retryPayload([line('review-4'), line('review-9')]),
        lambdaContext,
      );
      expect(prepared.plan).toMatchObject({ mode: 'on_demand', total_records: 2 });
      expect(prepared.fragment_id).toBe('c8a1f0e2b6d4a9e3f1c7b5a2d8e4f6a0b2c4d6e8f0-r1');
    });
  });

  it("keeps the input's model_invocation_type", async () => {
    const handler = makePrepareDatasetHandler({ clients, logger: logs.logger });
    const prepared = await handler(payload({ model_invocation_type: 'Converse' }), lambdaContext);
    expect(prepared.model_invocation_type).toBe('Converse');
  });

  it.each([
    [{ dataset_keys: undefined, manifest_keys: ['a.jsonl'] }, 'dataset_keys'],
    [{ records_per_job: 0 }, 'records_per_job'],
    [{ model_id: 'not a model' }, 'model_id'],
  ])(
    'fails with BedrockBatch.InvalidInput naming the field, writing nothing (%o)',
    async (input, field) => {
      const handler = makePrepareDatasetHandler({ clients, logger: logs.logger });
      const error = await rejection(handler(payload(input), lambdaContext));
      expect(error.name).toBe(BatchErrorName.InvalidInput);
      expect(error.message).toContain(`${field}: `);
      expect(fake.keys('work-bucket')).toEqual([]);
    },
  );

  it('names a payload field the construct got wrong', async () => {
    const handler = makePrepareDatasetHandler({ clients, logger: logs.logger });
    const error = await rejection(
      handler({ ...payload(), outputBucket: 'Bad_Bucket' }, lambdaContext),
    );
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('outputBucket: ');
    expect(error.message).toContain('Bad_Bucket');
  });
});

describe('Handler: collect-results', () => {
  it('answers every record of a job that ended without a result with RecordNotReturned, in order', async () => {
    // Prepare
    const prepared = await makePrepareDatasetHandler({ clients, logger: logs.logger })(
      payload(),
      lambdaContext,
    );
    const handler = makeCollectResultsHandler({ clients, logger: logs.logger });
    const [first, second] = prepared.plan.manifests;

    // Act
    const result = await handler(
      {
        bucket: prepared.plan.bucket,
        workPrefix: prepared.plan.work_prefix,
        jobs: [
          { manifestKey: first?.key, failure: { error: 'Stopped', cause: 'stopped by a user' } },
          { manifestKey: second?.key, failure: { error: 'Failed', cause: 'role not allowed' } },
        ],
      },
      lambdaContext,
    );

    // Assess
    expect(DatasetResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      status: 'PartiallyCompleted',
      results_key: `${WORK}results.jsonl`,
      record_counts: { total: 6, success: 0, error: 6 },
      jobs: [],
    });
    const lines = (fake.text('work-bucket', `${WORK}results.jsonl`) ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.recordId)).toEqual([
      'review-1',
      'R00000000001',
      'review-3',
      'R00000000003',
      'review-5',
      'R00000000005',
    ]);
    expect(lines.every((line) => line.error.errorCode === RECORD_NOT_RETURNED)).toBe(true);
    expect(lines[0].error.errorMessage).toContain('ended with Stopped: stopped by a user');
    expect(lines[5].error.errorMessage).toContain('ended with Failed: role not allowed');
  });

  it('rejects an event that is not a CollectResultsPayload, naming the field', async () => {
    const handler = makeCollectResultsHandler({ clients, logger: logs.logger });
    const error = await rejection(handler({ bucket: 'work-bucket', jobs: [] }, lambdaContext));
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('workPrefix');
  });
});
