import {
  GetModelInvocationJobCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-bedrock';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { BatchErrorName, BatchJobResultSchema, JobTagKey } from '@bedrock-batch/schema';
import { afterEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { handleJobEvent } from '../../src/job-event.js';
import { deliveredMarker } from '../../src/job-tags.js';
import { getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws, toJobDescription } from '../helpers/fake-bedrock.js';
import { ownedJobTags } from '../helpers/job-tags.js';

const fake = createFakeAws();
const JOB_ARN = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl';
const CN_JOB_ARN = 'arn:aws-cn:bedrock:cn-north-1:123456789012:model-invocation-job/k3j9x0a1b2c3';
const TOKEN = makeTaskToken(900, 'job-event');

function putOwnedJob(variant: string, tags = ownedJobTags(TOKEN)) {
  fake.putJob(toJobDescription(getTestEvent('get-job', variant)), tags);
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
  fake.putObjects('my-batch-bucket', objects, options.pageSize);
}

function successOutput(): Record<string, unknown> {
  const call = fake.sfnMock.commandCalls(SendTaskSuccessCommand)[0];
  if (call === undefined) throw new Error('SendTaskSuccess was not called');
  expect(call.args[0].input.taskToken).toBe(TOKEN);
  return JSON.parse(call.args[0].input.output ?? 'null') as Record<string, unknown>;
}

describe('Handler: job-event (handleJobEvent)', () => {
  afterEach(() => {
    fake.reset();
  });

  it('delivers a Completed job as a BatchJobResult with every output key, counts and tokens', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput({ pageSize: 2 });

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(result).toMatchObject({ outcome: 'delivered', sent: 'success', marked: true });
    const output = successOutput();
    expect(BatchJobResultSchema.parse(output)).toEqual({
      status: 'Completed',
      bucket: 'my-batch-bucket',
      keys: [
        'output/abcdefghijkl/reviews-1.jsonl.out',
        'output/abcdefghijkl/reviews-2.jsonl.out',
        'output/abcdefghijkl/reviews-3.jsonl.out',
      ],
      job_arn: JOB_ARN,
      job_name: 'test-job-0--3kd92jf83kd0',
      manifest_key: 'input/reviews-1.jsonl',
      record_counts: { total: 1000, processed: 1000, success: 1000, error: 0 },
      token_counts: { input: 151000, output: 24000 },
    });
    expect(fake.s3Mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
    expect(fake.s3Mock).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Bucket: 'my-batch-bucket',
      Prefix: 'output/abcdefghijkl/',
    });
    expect(fake.s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(fake.s3Mock).toHaveReceivedCommandWith(GetObjectCommand, {
      Key: 'output/abcdefghijkl/manifest.json.out',
    });
    expect(fake.tagsOf(JOB_ARN)).toContainEqual({
      key: JobTagKey.Delivered,
      value: deliveredMarker(TOKEN),
    });
  });

  it('delivers a PartiallyCompleted job as a result with its error count', async () => {
    // Prepare
    putOwnedJob('partially-completed');
    putOutput();

    // Act
    await handleJobEvent(getTestEvent('job-state-change', 'completed'), { clients: fake.clients });

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
    await handleJobEvent(getTestEvent('job-state-change', 'completed'), { clients: fake.clients });

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
    await handleJobEvent(getTestEvent('job-state-change', 'completed'), { clients: fake.clients });

    // Assess
    const output = successOutput();
    expect(output.token_counts).toBeUndefined();
    expect(BatchJobResultSchema.safeParse(output).success).toBe(true);
  });

  it('fails the task with BedrockBatch.NoOutput when a completed job wrote no output file', async () => {
    // Prepare
    putOwnedJob('completed');
    fake.putObjects('my-batch-bucket', {
      'output/abcdefghijkl/manifest.json.out': JSON.stringify(
        getTestEvent('manifest-out', 'complete'),
      ),
    });

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

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
    await handleJobEvent(getTestEvent('job-state-change', 'failed-without-message'), {
      clients: fake.clients,
    });

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
    await handleJobEvent(getTestEvent('job-state-change', 'failed-without-message'), {
      clients: fake.clients,
    });

    // Assess
    const call = fake.sfnMock.commandCalls(SendTaskFailureCommand)[0];
    expect(call?.args[0].input.error).toBe(status);
    expect(call?.args[0].input.cause).toContain(cause);
    expect(call?.args[0].input.cause).toContain(JOB_ARN);
  });

  it('delivers once when the same event arrives twice', async () => {
    // Prepare
    putOwnedJob('completed');
    putOutput();
    const event = getTestEvent('job-state-change', 'completed');

    // Act
    const first = await handleJobEvent(event, { clients: fake.clients });
    const second = await handleJobEvent(structuredClone(event), { clients: fake.clients });

    // Assess
    expect(first.outcome).toBe('delivered');
    expect(second.outcome).toBe('already-delivered');
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('trusts the real status, not the event, when events arrive out of order', async () => {
    // Prepare: the Completed event arrives while Bedrock still reports InProgress
    putOwnedJob('in-progress');
    putOutput();

    // Act
    const early = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });
    fake.updateJob(JOB_ARN, toJobDescription(getTestEvent('get-job', 'completed')));
    const late = await handleJobEvent(getTestEvent('job-state-change', 'in-progress'), {
      clients: fake.clients,
    });
    const stale = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(early.outcome).toBe('in-flight');
    expect(late.outcome).toBe('delivered');
    expect(stale.outcome).toBe('already-delivered');
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('ignores quietly a job with no managed-by tag', async () => {
    // Prepare
    putOwnedJob('completed', [{ key: 'team', value: 'other-tool' }]);

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(result.outcome).toBe('not-ours');
    expect(fake.bedrockMock).not.toHaveReceivedCommand(GetModelInvocationJobCommand);
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('ignores quietly a job managed by another owner', async () => {
    // Prepare
    putOwnedJob('completed', ownedJobTags(TOKEN, 'other-deployment'));

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
      owner: 'this-deployment',
    });

    // Assess
    expect(result.outcome).toBe('not-ours');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(fake.bedrockMock).not.toHaveReceivedCommand(TagResourceCommand);
  });

  it('ignores an event that does not parse, without calling AWS', async () => {
    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'not-a-job-event'), {
      clients: fake.clients,
    });

    // Assess
    expect(result.outcome).toBe('ignored');
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
  });

  it('ignores an event whose batchJobArn is not a job ARN', async () => {
    // Prepare
    const event = getTestEvent<{ detail: { batchJobArn: string } }>(
      'job-state-change',
      'completed',
    );
    event.detail.batchJobArn = 'arn:aws:bedrock:us-east-1:123456789012:custom-model/x';

    // Act
    const result = await handleJobEvent(event, { clients: fake.clients });

    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason: 'detail.batchJobArn is not a job ARN' });
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
  });

  it('ignores a job Bedrock does not know', async () => {
    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(result.outcome).toBe('not-found');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  it.each([
    new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }),
    new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }),
    new InvalidToken({ message: 'Invalid token', $metadata: {} }),
  ])('treats a dead token (%p) as done and marks the job delivered', async (sfnError) => {
    // Prepare
    putOwnedJob('failed');
    fake.sfnMock.on(SendTaskFailureCommand).rejects(sfnError);

    // Act
    const result = await handleJobEvent(
      getTestEvent('job-state-change', 'failed-without-message'),
      {
        clients: fake.clients,
      },
    );
    const again = await handleJobEvent(getTestEvent('job-state-change', 'failed-without-message'), {
      clients: fake.clients,
    });

    // Assess
    expect(result.outcome).toBe('token-not-waiting');
    expect(again.outcome).toBe('already-delivered');
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
  });

  it('rethrows other Step Functions errors so the event is retried, and does not mark the job', async () => {
    // Prepare
    putOwnedJob('failed');
    const sfnError = Object.assign(new Error(`boom for ${TOKEN}`), { name: 'ServiceUnavailable' });
    fake.sfnMock.on(SendTaskFailureCommand).rejects(sfnError);

    // Act
    const promise = handleJobEvent(getTestEvent('job-state-change', 'failed-without-message'), {
      clients: fake.clients,
    });

    // Assess
    await expect(promise).rejects.toThrow('boom for [redacted]');
    expect(fake.tagsOf(JOB_ARN).some((tag) => tag.key === JobTagKey.Delivered)).toBe(false);
  });

  it('delivers a job of the aws-cn partition, reading its output folder', async () => {
    // Prepare
    fake.putJob(toJobDescription(getTestEvent('get-job', 'aws-cn-completed')), ownedJobTags(TOKEN));
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
  });

  it('reports a job whose token tags are broken as no-token, without a callback', async () => {
    // Prepare
    const tags = ownedJobTags(TOKEN).filter(
      (tag) => tag.key !== `${JobTagKey.TaskTokenPartPrefix}1`,
    );
    putOwnedJob('completed', tags);

    // Act
    const result = await handleJobEvent(getTestEvent('job-state-change', 'completed'), {
      clients: fake.clients,
    });

    // Assess
    expect(result.outcome).toBe('no-token');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 1);
  });
});
