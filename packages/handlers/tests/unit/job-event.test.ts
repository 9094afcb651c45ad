import { GetModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  BatchErrorName,
  BatchJobResultSchema,
  type DeliveredTicket,
  DeliveredTicketSchema,
  type JobTicket,
  MANAGED_BY_VALUE,
  ticketKey,
} from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import type { HandlerDeps } from '../../src/handler-deps.js';
import { handleJobEvent } from '../../src/job-event.js';
import { tokenMarker } from '../../src/job-tickets.js';
import { fixClock, releaseClock } from '../helpers/clock.js';
import { getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws, toJobDescription } from '../helpers/fake-bedrock.js';
import { captureLogs, containsSecret } from '../helpers/log-capture.js';
import { BUCKET, JOB_ARN, JOB_NAME, makeTicket } from '../helpers/tickets.js';

const fake = createFakeAws();
const NOW = new Date('2026-11-25T12:00:00Z');
const CN_JOB_ARN = 'arn:aws-cn:bedrock:cn-north-1:123456789012:model-invocation-job/k3j9x0a1b2c3';
const TOKEN = makeTaskToken(900, 'job-event');

/** Deps as the job-event handler builds them from BEDROCK_BATCH_CONTROL_BUCKETS. */
function deps(extra: Partial<HandlerDeps> = {}): HandlerDeps {
  return { clients: fake.clients, controlBuckets: [BUCKET], ...extra };
}

/** Bedrock has the `get-job` fixture job, and its pending ticket names TOKEN. */
function putOwnedJob(variant: string, ticket: Partial<JobTicket> = {}) {
  fake.putJob(toJobDescription(getTestEvent('get-job', variant)));
  fake.putTicket(BUCKET, makeTicket({ taskToken: TOKEN, ...ticket }));
}

function putOutput(options: { manifest?: string | null; pageSize?: number } = {}) {
  const objects: Record<string, string> = {
    'output/abcdefghijkl/reviews-1.jsonl.out': JSON.stringify(
      getTestEvent('output-record', 'success'),
    ),
    'output/abcdefghijkl/reviews-2.jsonl.out': JSON.stringify(
      getTestEvent('output-record', 'error'),
    ),
    'output/abcdefghijkl/reviews-3.jsonl.out': '',
    'output/other-job0000/unrelated.jsonl.out': '',
  };
  const manifest = options.manifest === undefined ? 'complete' : options.manifest;
  if (manifest !== null) {
    objects['output/abcdefghijkl/manifest.json.out'] = JSON.stringify(
      getTestEvent('manifest-out', manifest),
    );
  }
  fake.putObjects(BUCKET, objects, options.pageSize);
}

function successOutput(): Record<string, unknown> {
  const call = fake.sfnMock.commandCalls(SendTaskSuccessCommand)[0];
  if (call === undefined) throw new Error('SendTaskSuccess was not called');
  expect(call.args[0].input.taskToken).toBe(TOKEN);
  return JSON.parse(call.args[0].input.output ?? 'null') as Record<string, unknown>;
}

function pending(owner = MANAGED_BY_VALUE, jobName = JOB_NAME, bucket = BUCKET) {
  return fake.ticketOf<JobTicket>(bucket, owner, jobName, 'pending');
}

function delivered(owner = MANAGED_BY_VALUE, jobName = JOB_NAME, bucket = BUCKET) {
  return fake.ticketOf<DeliveredTicket>(bucket, owner, jobName, 'delivered');
}

/** Every SendTaskSuccess and SendTaskFailure Step Functions received (accepted or not). */
function callbacksReceived(): number {
  return (
    fake.sfnMock.commandCalls(SendTaskSuccessCommand).length +
    fake.sfnMock.commandCalls(SendTaskFailureCommand).length
  );
}

describe('Handler: job-event (handleJobEvent)', () => {
  beforeEach(() => {
    fixClock(NOW);
  });

  afterEach(() => {
    releaseClock();
    fake.reset();
  });

  it('delivers a Completed job as a BatchJobResult with every output key, counts and tokens', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput({ pageSize: 2 });

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    expect(result).toEqual({
      outcome: 'delivered',
      jobArn: JOB_ARN,
      jobStatus: 'Completed',
      sent: 'success',
      marked: true,
    });
    const output = successOutput();
    expect(BatchJobResultSchema.parse(output)).toEqual({
      status: 'Completed',
      bucket: BUCKET,
      keys: [
        'output/abcdefghijkl/reviews-1.jsonl.out',
        'output/abcdefghijkl/reviews-2.jsonl.out',
        'output/abcdefghijkl/reviews-3.jsonl.out',
      ],
      job_arn: JOB_ARN,
      job_name: JOB_NAME,
      manifest_key: 'input/reviews-1.jsonl',
      record_counts: { total: 1000, processed: 1000, success: 1000, error: 0 },
      token_counts: { input: 151000, output: 24000 },
    });
    expect(fake.s3Mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
    expect(fake.s3Mock).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Bucket: BUCKET,
      Prefix: 'output/abcdefghijkl/',
    });
    const reads = fake.s3Mock
      .commandCalls(GetObjectCommand)
      .map((call) => call.args[0].input.Key ?? '');
    expect(reads.filter((key) => key.startsWith('output/'))).toEqual([
      'output/abcdefghijkl/manifest.json.out',
    ]);
  });

  it('moves the ticket to delivered/, keeping a hash of the token and never the token', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput();

    // Act
    await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    expect(pending()).toBeUndefined();
    const done = delivered();
    expect(DeliveredTicketSchema.parse(done)).toEqual({
      version: 1,
      owner: MANAGED_BY_VALUE,
      jobName: JOB_NAME,
      jobArn: JOB_ARN,
      executionArn: makeTicket().executionArn,
      marker: tokenMarker(TOKEN),
      outcome: 'delivered',
      jobStatus: 'Completed',
      deliveredAt: NOW.toISOString(),
    });
    expect(containsSecret(JSON.stringify(done), TOKEN)).toBe(false);
    expect(fake.listKeys(BUCKET, 'bedrock-batch-control/')).toEqual([
      ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'delivered'),
    ]);
  });

  it.each([
    ['Completed', 'completed', 'success', undefined],
    ['PartiallyCompleted', 'partially-completed', 'success', undefined],
    ['Failed', 'failed', 'failure', 'Failed'],
    ['Stopped', 'stopped', 'failure', 'Stopped'],
    ['Expired', 'expired', 'failure', 'Expired'],
  ])(
    'delivers a %s job whose tags Bedrock no longer serves',
    async (status, variant, sent, error) => {
      // Prepare: every tagging call fails, as on a real account for finished jobs
      fake.failTagOperations();
      putOwnedJob(variant);
      putOutput();

      // Act
      const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

      // Assess
      expect(result).toMatchObject({ outcome: 'delivered', jobStatus: status, sent, marked: true });
      expect(callbacksReceived()).toBe(1);
      if (error !== undefined) {
        expect(result).toMatchObject({ error });
        expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
          taskToken: TOKEN,
          error,
        });
      } else {
        expect(successOutput().status).toBe(status);
      }
      expect(fake.tagCallsReceived()).toEqual([]);
    },
  );

  it('delivers a PartiallyCompleted job as a result with its error count', async () => {
    // Prepare
    putOwnedJob('partially-completed');
    putOutput();

    // Act
    await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    const output = successOutput();
    expect(output.status).toBe('PartiallyCompleted');
    expect(output.record_counts).toEqual({ total: 1000, processed: 1000, success: 998, error: 2 });
  });

  it('reads record counts from manifest.json.out when the job description has none', async () => {
    // Prepare
    putOwnedJob('completed-without-counts');
    putOutput();

    // Act
    await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    expect(successOutput().record_counts).toEqual({
      total: 1000,
      processed: 1000,
      success: 998,
      error: 2,
    });
  });

  it.each([
    ['has no token counts', 'without-token-counts'],
    ['is missing', null],
  ])('leaves token counts out when manifest.json.out %s', async (_case, manifest) => {
    // Prepare
    putOwnedJob('completed');
    putOutput({ manifest });

    // Act
    await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    const output = successOutput();
    expect(output.token_counts).toBeUndefined();
    expect(BatchJobResultSchema.safeParse(output).success).toBe(true);
  });

  it('fails the task with BedrockBatch.NoOutput when a completed job wrote no output file', async () => {
    // Prepare
    putOwnedJob('completed');
    fake.putObjects(BUCKET, {
      'output/abcdefghijkl/manifest.json.out': JSON.stringify(
        getTestEvent('manifest-out', 'complete'),
      ),
    });

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    expect(result).toMatchObject({
      outcome: 'delivered',
      sent: 'failure',
      error: BatchErrorName.NoOutput,
    });
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: BatchErrorName.NoOutput,
      cause: `Bedrock batch job ${JOB_ARN} ended Completed but wrote no .jsonl.out file under s3://my-batch-bucket/output/abcdefghijkl/.`,
    });
    expect(fake.sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('fails the task with the status as error and the service message as cause', async () => {
    // Prepare
    putOwnedJob('failed');

    // Act
    await handleJobEvent(getTestEvent('job-state-change', 'failed-without-message'), deps());

    // Assess
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: 'Failed',
      cause:
        'Input file s3://my-batch-bucket/input/reviews-1.jsonl has 12 records; the minimum is 100.',
    });
  });

  it.each([
    ['failed-without-message', 'Failed', 'ended with status Failed and gave no message'],
    ['stopped', 'Stopped', 'was stopped before it finished'],
    ['expired', 'Expired', 'expired before it finished'],
  ])('fails the task with a clear default cause for a %s job', async (variant, status, cause) => {
    // Prepare
    putOwnedJob(variant);

    // Act
    await handleJobEvent(getTestEvent('job-state-change', 'failed-without-message'), deps());

    // Assess
    const call = fake.sfnMock.commandCalls(SendTaskFailureCommand)[0];
    expect(call?.args[0].input.error).toBe(status);
    expect(call?.args[0].input.cause).toContain(cause);
    expect(call?.args[0].input.cause).toContain(JOB_ARN);
  });

  it('sends exactly one callback when the same event arrives twice', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput();
    const event = getTestEvent('job-state-change', 'completed');

    // Act
    const first = await handleJobEvent(event, deps());
    const second = await handleJobEvent(structuredClone(event), deps());

    // Assess
    expect(first.outcome).toBe('delivered');
    expect(second.outcome).toBe('already-delivered');
    expect(callbacksReceived()).toBe(1);
  });

  it('sends exactly one callback when the same event is handled twice at once', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput();
    const event = getTestEvent('job-state-change', 'completed');

    // Act
    const results = await Promise.all([
      handleJobEvent(event, deps()),
      handleJobEvent(structuredClone(event), deps()),
    ]);

    // Assess
    expect(results.map((result) => result.outcome).sort()).toEqual(['delivered', 'in-delivery']);
    expect(callbacksReceived()).toBe(1);
    expect(delivered()?.marker).toBe(tokenMarker(TOKEN));
  });

  it('trusts the real status, not the event, when events arrive out of order', async () => {
    // Prepare: the Completed event arrives while Bedrock still reports InProgress
    putOwnedJob('in-progress');
    putOutput();

    // Act
    const early = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());
    fake.updateJob(JOB_ARN, toJobDescription(getTestEvent('get-job', 'completed')));
    const late = await handleJobEvent(getTestEvent('job-state-change', 'in-progress'), deps());
    const stale = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    expect(early).toEqual({ outcome: 'in-flight', jobArn: JOB_ARN, jobStatus: 'InProgress' });
    expect(late.outcome).toBe('delivered');
    expect(stale.outcome).toBe('already-delivered');
    expect(callbacksReceived()).toBe(1);
  });

  it('ignores quietly a job no ticket names, without asking Bedrock or Step Functions', async () => {
    // Prepare: a job of someone else, no ticket
    fake.putJob(toJobDescription(getTestEvent('get-job', 'completed')));

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    expect(result).toEqual({ outcome: 'not-ours', jobArn: JOB_ARN });
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('ignores quietly a job whose ticket belongs to another owner', async () => {
    // Prepare
    fake.putJob(toJobDescription(getTestEvent('get-job', 'completed')));
    fake.putTicket(BUCKET, makeTicket({ taskToken: TOKEN, owner: 'other-deployment' }));

    // Act
    const result = await handleJobEvent(
      getTestEvent('job-state-change', 'completed'),
      deps({ owner: 'this-deployment' }),
    );

    // Assess
    expect(result.outcome).toBe('not-ours');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(pending('other-deployment')?.taskToken).toBe(TOKEN);
  });

  it('ignores a ticket of the same name that names another job', async () => {
    // Prepare: the name's ticket belongs to a later job of that name
    putOwnedJob('completed', {
      jobArn: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz',
    });
    putOutput();

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());

    // Assess
    expect(result.outcome).toBe('not-ours');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(pending()?.taskToken).toBe(TOKEN);
  });

  it('finds the ticket in the job output bucket when no control bucket is configured', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput();

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(result.outcome).toBe('delivered');
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(GetModelInvocationJobCommand, 1);
    expect(fake.s3Mock).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: BUCKET,
      Key: ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'pending'),
    });
    expect(delivered()?.outcome).toBe('delivered');
  });

  it('looks only in the configured control buckets', async () => {
    // Prepare: the ticket is in the output bucket, which is not a control bucket
    putOwnedJob('completed');
    putOutput();

    // Act
    const result = await handleJobEvent(
      getTestEvent('job-state-change', 'completed'),
      deps({ controlBuckets: ['another-bucket'] }),
    );

    // Assess
    expect(result.outcome).toBe('not-ours');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('ignores an event that does not parse, without calling AWS', async () => {
    // Act
    const result = await handleJobEvent(
      getTestEvent('job-state-change', 'not-a-job-event'),
      deps(),
    );

    // Assess
    expect(result.outcome).toBe('ignored');
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('ignores an event whose batchJobArn is not a job ARN', async () => {
    // Prepare
    const event = getTestEvent<{ detail: { batchJobArn: string } }>(
      'job-state-change',
      'completed',
    );
    event.detail.batchJobArn = 'arn:aws:bedrock:us-east-1:123456789012:custom-model/x';

    // Act
    const result = await handleJobEvent(event, deps());

    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason: 'detail.batchJobArn is not a job ARN' });
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('reports a job Bedrock does not know as not-found, without a callback', async () => {
    // Prepare: a ticket, but Bedrock has no such job
    fake.putTicket(BUCKET, makeTicket({ taskToken: TOKEN }));

    // Act
    const withTicket = await handleJobEvent(getTestEvent('job-state-change', 'completed'), deps());
    const withoutBuckets = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(withTicket.outcome).toBe('not-found');
    expect(withoutBuckets.outcome).toBe('not-found');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(pending()?.taskToken).toBe(TOKEN);
  });

  it.each([
    new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }),
    new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }),
    new InvalidToken({ message: 'Invalid token', $metadata: {} }),
  ])(
    'treats a dead token (%p) as done and still moves the ticket to delivered/',
    async (sfnError) => {
      // Prepare
      putOwnedJob('failed');
      fake.sfnMock.on(SendTaskFailureCommand).rejects(sfnError);

      // Act
      const result = await handleJobEvent(
        getTestEvent('job-state-change', 'failed-without-message'),
        deps(),
      );
      const again = await handleJobEvent(
        getTestEvent('job-state-change', 'failed-without-message'),
        deps(),
      );

      // Assess
      expect(result).toEqual({
        outcome: 'token-not-waiting',
        jobArn: JOB_ARN,
        jobStatus: 'Failed',
        marked: true,
      });
      expect(again.outcome).toBe('already-delivered');
      expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
      expect(pending()).toBeUndefined();
      expect(delivered()).toMatchObject({ outcome: 'token-not-waiting', jobStatus: 'Failed' });
    },
  );

  it('rethrows other Step Functions errors without the token, and gives the claim back', async () => {
    // Prepare
    putOwnedJob('failed');
    const before = fake.getObject(BUCKET, ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'pending'));
    const sfnError = Object.assign(new Error(`boom for ${TOKEN}`), { name: 'ServiceUnavailable' });
    fake.sfnMock.on(SendTaskFailureCommand).rejects(sfnError);

    // Act
    const promise = handleJobEvent(
      getTestEvent('job-state-change', 'failed-without-message'),
      deps(),
    );

    // Assess
    await expect(promise).rejects.toThrow('boom for [redacted]');
    expect(fake.getObject(BUCKET, ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'pending'))?.body).toBe(
      before?.body,
    );
    expect(delivered()).toBeUndefined();
  });

  it('delivers a job of the aws-cn partition, reading its output folder', async () => {
    // Prepare
    const job = toJobDescription(getTestEvent('get-job', 'aws-cn-completed'));
    fake.putJob(job);
    fake.putTicket(
      'cn-batch-bucket',
      makeTicket({
        taskToken: TOKEN,
        jobArn: CN_JOB_ARN,
        jobName: 'cn-job-0',
        executionArn: 'arn:aws-cn:states:cn-north-1:123456789012:execution:Reviews:run-1',
      }),
    );
    fake.putObjects('cn-batch-bucket', {
      'results/k3j9x0a1b2c3/records.jsonl.out': '',
      'results/k3j9x0a1b2c3/manifest.json.out': JSON.stringify(
        getTestEvent('manifest-out', 'complete'),
      ),
    });

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'aws-cn-completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(result.outcome).toBe('delivered');
    const output = successOutput();
    expect(output.job_arn).toBe(CN_JOB_ARN);
    expect(output.bucket).toBe('cn-batch-bucket');
    expect(output.keys).toEqual(['results/k3j9x0a1b2c3/records.jsonl.out']);
    expect(BatchJobResultSchema.safeParse(output).success).toBe(true);
    expect(delivered(MANAGED_BY_VALUE, 'cn-job-0', 'cn-batch-bucket')?.jobArn).toBe(CN_JOB_ARN);
  });

  it.each([
    ['is not JSON', (token: string) => `{"taskToken": "${token}", oops`, 'is not JSON'],
    [
      'is not a ticket',
      (token: string) => JSON.stringify({ version: 1, secret: token, owner: MANAGED_BY_VALUE }),
      'is not a ticket (fields: ',
    ],
  ])(
    'reports a job whose ticket %s as no-token, logging why but never its content',
    async (_case, body, reason) => {
      // Prepare
      fake.putJob(toJobDescription(getTestEvent('get-job', 'completed')));
      fake.putObject(BUCKET, ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'pending'), body(TOKEN));
      const logs = captureLogs();

      // Act
      let result: Awaited<ReturnType<typeof handleJobEvent>>;
      try {
        result = await handleJobEvent(
          getTestEvent('job-state-change', 'completed'),
          deps({ logger: logs.logger }),
        );
      } finally {
        logs.restore();
      }

      // Assess
      expect(result.outcome).toBe('no-token');
      expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
      const line = logs.records().find((record) => record.level === 'ERROR');
      expect(line).toMatchObject({
        message: 'The job ticket is unreadable; its result cannot be delivered',
        jobArn: JOB_ARN,
      });
      expect(String(line?.reason)).toContain(
        `s3://${BUCKET}/${ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'pending')}`,
      );
      expect(String(line?.reason)).toContain(reason);
      expect(containsSecret(logs.text(), TOKEN)).toBe(false);
    },
  );

  it('never logs the token or record contents at any level', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput();
    const logs = captureLogs();

    // Act
    try {
      await handleJobEvent(
        getTestEvent('job-state-change', 'completed'),
        deps({ logger: logs.logger }),
      );
    } finally {
      logs.restore();
    }

    // Assess
    expect(logs.records().some((record) => record.message === 'Delivered job result')).toBe(true);
    expect(containsSecret(logs.text(), TOKEN)).toBe(false);
    expect(logs.text()).not.toContain('SECRET-RECORD-CONTENT');
  });

  it('writes nothing to S3 for a job still in flight', async () => {
    // Prepare
    putOwnedJob('in-progress');

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'in-progress'), deps());

    // Assess
    expect(result.outcome).toBe('in-flight');
    expect(fake.s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });
});
