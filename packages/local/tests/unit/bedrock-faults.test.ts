import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { BedrockEmulatorOptions } from '../../src/index.js';
import {
  getText,
  type Harness,
  inputAt,
  jobRequest,
  OUTPUT_BUCKET,
  putText,
  recordLines,
  runToEnd,
  startHarness,
} from '../helpers/harness.js';

const ZERO = { submitted: 0, validating: 0, scheduled: 0, inProgress: 0, stopping: 0 };
let h: Harness | undefined;

async function harness(options: BedrockEmulatorOptions = {}): Promise<Harness> {
  h = await startHarness({ quotas: { minRecordsPerJob: 1 }, phaseDurations: ZERO, ...options });
  await putText(h.s3Client, 'batch-input', 'f/records.jsonl', recordLines(50).join('\n'));
  return h;
}

async function runJob(t: Harness, jobName: string): Promise<string> {
  const { jobArn } = await t.bedrock.send(
    new CreateModelInvocationJobCommand(
      jobRequest({ jobName, inputDataConfig: inputAt('f/records.jsonl') }),
    ),
  );
  await runToEnd(t, jobArn ?? '');
  return jobArn ?? '';
}

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Fault: per-record errors', () => {
  it('fails a seeded share of records and ends PartiallyCompleted', async () => {
    // Prepare
    const t = await harness({ faults: { recordErrorRate: 0.3 }, seed: 7 });

    // Act
    const jobArn = await runJob(t, 'errors-1');

    // Assess
    const job = t.emulator.jobs.get(jobArn);
    const errors = job?.errorRecordCount ?? 0;
    expect(job?.status).toBe('PartiallyCompleted');
    expect(errors).toBeGreaterThan(5);
    expect(errors).toBeLessThan(30);
    expect((job?.successRecordCount ?? 0) + errors).toBe(50);
    const lines = (
      await getText(t.s3Client, OUTPUT_BUCKET, `results/${job?.jobId}/records.jsonl.out`)
    )
      .trim()
      .split('\n');
    const failed = lines.map((l) => JSON.parse(l)).filter((r) => r.error !== undefined);
    expect(failed).toHaveLength(errors);
    expect(failed[0].error).toEqual({
      errorCode: 500,
      errorMessage: 'Internal server error (injected by the emulator).',
    });
  });

  it('gives the same errors for the same seed', async () => {
    // Prepare
    const first = await harness({ faults: { recordErrorRate: 0.3 }, seed: 7 });
    const a = first.emulator.jobs.get(await runJob(first, 'seeded'))?.errorRecordCount;
    await first.stop();
    const second = await harness({ faults: { recordErrorRate: 0.3 }, seed: 7 });

    // Act
    const b = second.emulator.jobs.get(await runJob(second, 'seeded'))?.errorRecordCount;

    // Assess
    expect(b).toBe(a);
  });
});

describe('Fault: forced job outcomes', () => {
  it('fails the matching job only, as many times as asked', async () => {
    // Prepare
    const t = await harness();
    t.emulator.faults.jobOutcomes.push({
      outcome: 'Failed',
      jobName: 'target',
      remaining: 1,
      message: 'Injected failure',
    });

    // Act
    const first = await runJob(t, 'target-1');
    const second = await runJob(t, 'target-2');
    const other = await runJob(t, 'other-1');

    // Assess
    expect(t.emulator.jobs.get(first)).toMatchObject({
      status: 'Failed',
      message: 'Injected failure',
      forcedOutcome: 'Failed',
    });
    expect(t.emulator.jobs.get(second)?.status).toBe('Completed');
    expect(t.emulator.jobs.get(other)?.status).toBe('Completed');
  });

  it('forces PartiallyCompleted with at least one failed record', async () => {
    // Prepare
    const t = await harness({
      faults: { jobOutcomes: [{ outcome: 'PartiallyCompleted', jobName: /^partial-/ }] },
    });

    // Act
    const jobArn = await runJob(t, 'partial-1');

    // Assess
    const job = t.emulator.jobs.get(jobArn);
    expect(job).toMatchObject({
      status: 'PartiallyCompleted',
      errorRecordCount: 5,
      successRecordCount: 45,
    });
    const manifest = JSON.parse(
      await getText(t.s3Client, OUTPUT_BUCKET, `results/${job?.jobId}/manifest.json.out`),
    );
    expect(manifest.errorRecordCount).toBe(5);
  });

  it('forces Expired for a model', async () => {
    // Prepare
    const t = await harness();
    t.emulator.faults.jobOutcomes.push({
      outcome: 'Expired',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    });

    // Act
    const jobArn = await runJob(t, 'expire-1');

    // Assess
    const job = await t.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job.status).toBe('Expired');
    expect(job.message).toBe(
      'The job did not complete within its timeout of 24 hours and has expired.',
    );
  });
});

describe('Fault: events', () => {
  it('drops every event at rate 1 and logs them as dropped', async () => {
    // Prepare
    const t = await harness({ faults: { events: { dropRate: 1 } } });

    // Act
    await runJob(t, 'drop-1');

    // Assess
    expect(t.emulator.events).toEqual([]);
    expect(t.emulator.droppedEvents.map((e) => e.detail.status)).toEqual([
      'Submitted',
      'Validating',
      'Scheduled',
      'InProgress',
      'Completed',
    ]);
  });

  it('delivers every event twice at duplicate rate 1, with the same id', async () => {
    // Prepare
    const t = await harness();
    t.emulator.faults.events.duplicateRate = 1;
    const received: string[] = [];
    t.emulator.onEvent((e) => {
      received.push(`${e.id}:${e.detail.status}`);
    });

    // Act
    await runJob(t, 'dup-1');

    // Assess
    expect(received).toHaveLength(10);
    expect(received[0]).toBe(received[1]);
    expect(received.at(-1)).toMatch(/:Completed$/);
  });

  it('delays delivery on the clock', async () => {
    // Prepare
    const t = await harness({ faults: { events: { delayMs: 60_000 } } });
    const { jobArn } = await t.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({ inputDataConfig: inputAt('f/records.jsonl') }),
      ),
    );

    // Act
    await t.clock.advance(0);
    const before = t.emulator.events.length;
    await t.clock.advance(60_000);

    // Assess
    expect(t.emulator.jobs.get(jobArn ?? '')?.status).toBe('Completed');
    expect(before).toBe(0);
    expect(t.emulator.events.map((e) => e.detail.status)).toEqual([
      'Submitted',
      'Validating',
      'Scheduled',
      'InProgress',
      'Completed',
    ]);
  });

  it('reorders events: a held event arrives after the next one', async () => {
    // Prepare
    const t = await harness({ faults: { events: { reorderRate: 1 } } });

    // Act
    await runJob(t, 'reorder-1');
    await t.clock.advance(60_000);

    // Assess
    expect(t.emulator.events.map((e) => e.detail.status)).toEqual([
      'Validating',
      'Submitted',
      'InProgress',
      'Scheduled',
      'Completed',
    ]);
  });

  it('keeps delivering to other listeners when one throws, and stops after unsubscribe', async () => {
    // Prepare
    const t = await harness();
    const seen: string[] = [];
    t.emulator.onEvent(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = t.emulator.onEvent((e) => {
      seen.push(e.detail.status);
      if (e.detail.status === 'Scheduled') unsubscribe();
    });

    // Act
    await runJob(t, 'listeners-1');

    // Assess
    expect(seen).toEqual(['Submitted', 'Validating', 'Scheduled']);
  });
});

describe('Fault: throttling', () => {
  it('throttles the next N calls with ThrottlingException (HTTP 429)', async () => {
    // Prepare
    const t = await harness({ faults: { throttle: { nextCalls: 2 } } });

    // Act
    const first = t.bedrock.send(new ListModelInvocationJobsCommand({}));
    await expect(first).rejects.toBeInstanceOf(ThrottlingException);
    const second = t.bedrock.send(new ListModelInvocationJobsCommand({}));
    await expect(second).rejects.toMatchObject({
      message: 'Too many requests, please wait before trying again.',
      $metadata: { httpStatusCode: 429 },
    });
    const third = await t.bedrock.send(new ListModelInvocationJobsCommand({}));

    // Assess
    expect(third.invocationJobSummaries).toEqual([]);
    expect(t.emulator.faults.throttle.nextCalls).toBe(0);
  });

  it('lets the SDK retry through throttled calls', async () => {
    // Prepare
    const t = await harness();
    const retrying = t.emulator.createClient({ maxAttempts: 3 });
    t.emulator.faults.throttle.nextCalls = 2;

    // Act
    const result = await retrying.send(new ListModelInvocationJobsCommand({}));
    retrying.destroy();

    // Assess
    expect(result.$metadata.attempts).toBe(3);
    expect(t.emulator.calls.map((c) => c.statusCode)).toEqual([429, 429, 200]);
  });

  it('throttles at a rate, only the operations listed', async () => {
    // Prepare
    const t = await harness({
      faults: { throttle: { rate: 1, operations: ['CreateModelInvocationJob'] } },
    });

    // Act
    const create = t.bedrock.send(new CreateModelInvocationJobCommand(jobRequest()));
    const list = await t.bedrock.send(new ListModelInvocationJobsCommand({}));

    // Assess
    await expect(create).rejects.toBeInstanceOf(ThrottlingException);
    expect(list.invocationJobSummaries).toEqual([]);
    t.emulator.faults.throttle.rate = 0;
    await expect(
      t.bedrock.send(new CreateModelInvocationJobCommand(jobRequest())),
    ).resolves.toHaveProperty('jobArn');
  });
});

describe('Options: invalid faults', () => {
  it('throws InvalidOptionError for a rate above 1', async () => {
    // Act / Assess
    await expect(harness({ faults: { events: { dropRate: 2 } } })).rejects.toThrow(
      'Invalid option faults.events.dropRate: must be a number from 0 to 1 (received: 2)',
    );
  });
});

describe('Fault: tags unreadable in chosen statuses', () => {
  it('fails the tagging calls of a job only while it is in a listed status', async () => {
    // Prepare
    const t = await harness({ faults: { tags: { unreadableIn: ['Completed'] } } });
    const { jobArn = '' } = await t.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({ jobName: 'tags-1', inputDataConfig: inputAt('f/records.jsonl') }),
      ),
    );
    const readable = await t.bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn }));

    // Act
    await runToEnd(t, jobArn);
    const caught = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);
    const list = await caught(
      t.bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn })),
    );
    const tag = await caught(
      t.bedrock.send(
        new TagResourceCommand({ resourceARN: jobArn, tags: [{ key: 'k', value: 'v' }] }),
      ),
    );
    const untag = await caught(
      t.bedrock.send(new UntagResourceCommand({ resourceARN: jobArn, tagKeys: ['k'] })),
    );

    // Assess
    expect(readable.tags).toBeDefined();
    expect(list).toBeInstanceOf(ValidationException);
    expect(list).toMatchObject({
      message: expect.stringContaining('in status Completed'),
      $metadata: { httpStatusCode: 400 },
    });
    expect(tag).toBeInstanceOf(ValidationException);
    expect(untag).toBeInstanceOf(ValidationException);
  });

  it('can fail with ResourceNotFoundException and only for the operations listed', async () => {
    // Prepare
    const t = await harness({
      faults: {
        tags: {
          unreadableIn: ['Completed'],
          error: 'ResourceNotFoundException',
          operations: ['ListTagsForResource'],
        },
      },
    });
    const jobArn = await runJob(t, 'tags-2');

    // Act
    const list = await t.bedrock
      .send(new ListTagsForResourceCommand({ resourceARN: jobArn }))
      .catch((error: unknown) => error);
    await t.bedrock.send(
      new TagResourceCommand({ resourceARN: jobArn, tags: [{ key: 'k', value: 'v' }] }),
    );

    // Assess
    expect(list).toBeInstanceOf(ResourceNotFoundException);
    expect(t.emulator.jobs.get(jobArn)?.tags).toMatchObject({ k: 'v' });
  });

  it('rejects an unknown tag operation or error, naming the option', async () => {
    // Act
    const start = startHarness({
      faults: { tags: { operations: ['GetModelInvocationJob' as never] } },
    });

    // Assess
    await expect(start).rejects.toThrow('faults.tags.operations[0]');
  });
});
