import {
  AccessDeniedException,
  ConflictException,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  InternalServerException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import {
  BatchErrorName,
  buildJobName,
  type CreateJobPayload,
  type DeliveredTicket,
  JobTagKey,
  type JobTicket,
  JobTicketSchema,
  MANAGED_BY_VALUE,
  RESERVED_TAG_KEY_PREFIX,
  ticketKey,
} from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { deriveClientRequestToken } from '../../src/client-request-token.js';
import { createJob } from '../../src/create-job.js';
import { InvalidInputError } from '../../src/errors.js';
import { tokenMarker } from '../../src/job-tickets.js';
import { reconcile } from '../../src/reconcile.js';
import { after, fixClock, releaseClock, setClock } from '../helpers/clock.js';
import { getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws } from '../helpers/fake-bedrock.js';
import { captureLogs, containsSecret } from '../helpers/log-capture.js';
import { rejection } from '../helpers/rejection.js';

const fake = createFakeAws();
const NOW = new Date('2026-11-25T12:00:00Z');
const BUCKET = 'my-batch-bucket';
const CLIENT_REQUEST_TOKEN = /^[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}$/;

function payload(variant = 'valid'): CreateJobPayload {
  return getTestEvent<CreateJobPayload>('create-job', variant);
}

function createInput() {
  const call = fake.bedrockMock.commandCalls(CreateModelInvocationJobCommand)[0];
  if (call === undefined) throw new Error('CreateModelInvocationJob was not called');
  return call.args[0].input;
}

function pendingTicket(jobName: string, owner = MANAGED_BY_VALUE): JobTicket | undefined {
  return fake.ticketOf<JobTicket>(BUCKET, owner, jobName, 'pending');
}

function expectNoTagCalls() {
  expect(fake.tagCallsReceived()).toEqual([]);
}

describe('Function: createJob', () => {
  beforeEach(() => {
    fixClock(NOW);
  });

  afterEach(() => {
    releaseClock();
    fake.reset();
  });

  it('creates the job with a valid name, an idempotency token and the product tags, never the token', async () => {
    // Prepare
    const event = payload();

    // Act
    const result = await createJob(event, { clients: fake.clients });

    // Assess
    const input = createInput();
    expect(result.replayed).toBe(false);
    expect(result.delivery).toBeUndefined();
    expect(input.jobName).toMatch(
      /^test-job-5c1b7a7e-2f3d-4b8a-9c1e-0d2f4a6b8c9e-0--[a-z0-9]{12}$/,
    );
    expect(input.jobName?.length).toBeLessThanOrEqual(63);
    expect(input.clientRequestToken).toMatch(CLIENT_REQUEST_TOKEN);
    expect(input.modelId).toBe(event.modelId);
    expect(input.roleArn).toBe(event.roleArn);
    expect(input.inputDataConfig).toEqual(event.inputDataConfig);
    expect(input.outputDataConfig).toEqual(event.outputDataConfig);
    expect(input.timeoutDurationInHours).toBe(48);
    expect(input.tags).toEqual([
      { key: JobTagKey.ManagedBy, value: MANAGED_BY_VALUE },
      { key: JobTagKey.ExecutionArn, value: event.executionArn },
    ]);
    expect(containsSecret(JSON.stringify(input), event.taskToken)).toBe(false);
    expectNoTagCalls();
  });

  it('writes the ticket, with the token, to the output bucket before it creates the job', async () => {
    // Prepare
    const event = payload();

    // Act
    const result = await createJob(event, { clients: fake.clients });

    // Assess: the first PutObject (unconditional) precedes CreateModelInvocationJob
    const puts = fake.s3Mock.commandCalls(PutObjectCommand);
    const [create] = fake.bedrockMock.commandCalls(CreateModelInvocationJobCommand);
    expect(puts).toHaveLength(2);
    expect(create).toBeDefined();
    const [first, second] = puts;
    if (first === undefined || second === undefined || create === undefined) return;
    expect(first.calledBefore(create)).toBe(true);
    expect(second.calledAfter(create)).toBe(true);
    const key = ticketKey(MANAGED_BY_VALUE, result.jobName, 'pending');
    expect(first.args[0].input).toMatchObject({ Bucket: BUCKET, Key: key });
    expect(first.args[0].input.IfMatch).toBeUndefined();
    const written = JobTicketSchema.parse(JSON.parse(String(first.args[0].input.Body)));
    expect(written).toEqual({
      version: 1,
      owner: MANAGED_BY_VALUE,
      jobName: result.jobName,
      executionArn: event.executionArn,
      taskToken: event.taskToken,
      clientRequestToken: result.clientRequestToken,
      createdAt: NOW.toISOString(),
    });
  });

  it('rewrites the ticket with the job ARN, conditionally on the ETag it wrote', async () => {
    // Prepare
    const event = payload();

    // Act
    const result = await createJob(event, { clients: fake.clients });

    // Assess
    const [first, second] = fake.s3Mock.commandCalls(PutObjectCommand);
    const firstEtag = await first?.returnValue;
    expect(second?.args[0].input.IfMatch).toBe((firstEtag as { ETag?: string }).ETag);
    expect(pendingTicket(result.jobName)).toEqual({
      version: 1,
      owner: MANAGED_BY_VALUE,
      jobName: result.jobName,
      executionArn: event.executionArn,
      taskToken: event.taskToken,
      clientRequestToken: result.clientRequestToken,
      createdAt: NOW.toISOString(),
      jobArn: result.jobArn,
    });
    expect(fake.listKeys(BUCKET, 'bedrock-batch-control/')).toEqual([
      ticketKey(MANAGED_BY_VALUE, result.jobName, 'pending'),
    ]);
  });

  it('files the ticket under the owner', async () => {
    // Act
    const result = await createJob(payload(), { clients: fake.clients, owner: 'team-search:prod' });

    // Assess
    expect(fake.listKeys(BUCKET, 'bedrock-batch-control/')).toEqual([
      `bedrock-batch-control/team-search%3Aprod/pending/${result.jobName}.json`,
    ]);
    expect(pendingTicket(result.jobName, 'team-search:prod')?.owner).toBe('team-search:prod');
    expect(createInput().tags).toContainEqual({
      key: JobTagKey.ManagedBy,
      value: 'team-search:prod',
    });
  });

  it('leaves a ticket that another attempt rewrote meanwhile as it is, and logs nothing secret', async () => {
    // Prepare: a retried attempt rewrites the ticket with its token while this one creates the job
    const event = payload();
    const retryToken = makeTaskToken(700, 'meanwhile');
    fake.beforeS3(
      'PutObject',
      (input) => (input as { IfMatch?: string }).IfMatch !== undefined,
      () => {
        const ticket = fake.ticketOf<JobTicket>(
          BUCKET,
          MANAGED_BY_VALUE,
          createInput().jobName ?? '',
        );
        if (ticket === undefined) throw new Error('test bug: no ticket');
        fake.putTicket(BUCKET, { ...ticket, taskToken: retryToken });
      },
    );

    const logs = captureLogs();

    // Act
    let result: Awaited<ReturnType<typeof createJob>>;
    try {
      result = await createJob(event, { clients: fake.clients, logger: logs.logger });
    } finally {
      logs.restore();
    }

    // Assess
    expect(result.replayed).toBe(false);
    const ticket = pendingTicket(result.jobName);
    expect(ticket?.taskToken).toBe(retryToken);
    expect(ticket?.jobArn).toBeUndefined();
    expect(logs.records()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'The job ticket changed while the job was created; left as it is',
        jobArn: result.jobArn,
      }),
    );
    expect(containsSecret(logs.text(), event.taskToken)).toBe(false);
    expect(containsSecret(logs.text(), retryToken)).toBe(false);
  });

  it('gives two fragments running the same manifest their own job name and token', async () => {
    // Prepare
    const base = payload();
    // Act
    for (const fragmentId of ['fragmentone', 'fragmenttwo', 'fragmentone']) {
      await createJob({ ...base, fragmentId }, { clients: fake.clients });
    }
    // Assess
    const inputs = fake.bedrockMock
      .commandCalls(CreateModelInvocationJobCommand)
      .map((call) => call.args[0].input);
    expect(new Set(inputs.map((input) => input.jobName)).size).toBe(2);
    expect(new Set(inputs.map((input) => input.clientRequestToken)).size).toBe(2);
    expect(inputs[2]?.jobName).toBe(inputs[0]?.jobName);
    expect(inputs[2]?.clientRequestToken).toBe(inputs[0]?.clientRequestToken);
    expect(fake.listKeys(BUCKET, 'bedrock-batch-control/')).toHaveLength(2);
  });

  it('passes the optional API fields and merges user tags before the product tags', async () => {
    // Prepare
    const event = payload('with-user-tags');

    // Act
    await createJob(event, { clients: fake.clients, owner: 'team-search' });

    // Assess
    const input = createInput();
    expect(input.jobName).toBe(buildJobName('reviews', '5c1b7a7e-2f3d-4b8a-9c1e-0d2f4a6b8c9e', 3));
    expect(input.modelInvocationType).toBe('Converse');
    expect(input.tags).toEqual([
      ...(event.tags ?? []),
      { key: JobTagKey.ManagedBy, value: 'team-search' },
      { key: JobTagKey.ExecutionArn, value: event.executionArn },
    ]);
  });

  it('keeps a 2,048-character task token in the ticket, not in the job tags', async () => {
    // Prepare
    const event = { ...payload(), taskToken: makeTaskToken(2048) };

    // Act
    const { jobArn, jobName } = await createJob(event, { clients: fake.clients });

    // Assess
    expect(pendingTicket(jobName)?.taskToken).toBe(event.taskToken);
    const tags = fake.tagsOf(jobArn);
    expect(tags.map((tag) => tag.key)).toEqual([JobTagKey.ManagedBy, JobTagKey.ExecutionArn]);
    expect(containsSecret(JSON.stringify(tags), event.taskToken)).toBe(false);
  });

  it('accepts a token with characters no tag could hold, since tags no longer carry it', async () => {
    // Prepare
    const event = { ...payload(), taskToken: `${makeTaskToken(300)}#${makeTaskToken(40, 'tail')}` };

    // Act
    const { jobName } = await createJob(event, { clients: fake.clients });

    // Assess
    expect(pendingTicket(jobName)?.taskToken).toBe(event.taskToken);
  });

  it('fails when the task token is longer than 2,048 characters, without echoing it', async () => {
    // Prepare
    const event = { ...payload(), taskToken: makeTaskToken(2049) };

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('taskToken');
    expect(error.message).toContain('[redacted, 2049 characters]');
    expect(containsSecret(error.message, event.taskToken)).toBe(false);
    expect(fake.s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('derives the same clientRequestToken for the same execution, item and manifest only', async () => {
    // Prepare
    const event = payload();
    const otherItem = { ...event, itemIndex: 1 };
    const otherManifest = {
      ...event,
      inputDataConfig: {
        s3InputDataConfig: { s3Uri: 's3://my-batch-bucket/input/reviews-2.jsonl' },
      },
    };

    // Act
    const first = await createJob(event, { clients: fake.clients });
    const retry = await createJob({ ...event }, { clients: fake.clients });
    const second = await createJob(otherItem, { clients: fake.clients });
    // Same execution and item, so the same job name with another token: the ticket of the
    // first job names another clientRequestToken, so nothing is sent and its ticket stays.
    const conflict = await rejection(createJob(otherManifest, { clients: fake.clients }));

    // Assess
    expect(retry.clientRequestToken).toBe(first.clientRequestToken);
    expect(retry.jobArn).toBe(first.jobArn);
    expect(second.clientRequestToken).not.toBe(first.clientRequestToken);
    expect(conflict.name).toBe(BatchErrorName.ValidationException);
    expect(conflict.message).toContain('already used by another job');
    expect(fake.bedrockMock.commandCalls(CreateModelInvocationJobCommand)).toHaveLength(3);
    expect(
      deriveClientRequestToken(
        event.executionArn,
        event.itemIndex,
        otherManifest.inputDataConfig.s3InputDataConfig.s3Uri,
        event.fragmentId,
      ),
    ).not.toBe(first.clientRequestToken);
  });

  it('treats a job Bedrock created within the same second as this attempt as new, not a replay', async () => {
    // Prepare: the same attempt's request reaches Bedrock twice (an SDK retry)
    const event = payload();
    await createJob(event, { clients: fake.clients });
    setClock(after(NOW, 900));

    // Act
    const result = await createJob(event, { clients: fake.clients });

    // Assess
    expect(result.replayed).toBe(false);
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  describe('an idempotent replay (a retried task gets the earlier attempt\u2019s job back)', () => {
    it('points the ticket at the new task and leaves a running job to its event', async () => {
      // Prepare: the earlier attempt created the job; tags are unreadable, as for finished jobs
      fake.failTagOperations();
      const first = { ...payload(), taskToken: makeTaskToken(1000, 'first') };
      const retried = { ...payload(), taskToken: makeTaskToken(600, 'retry') };
      const { jobArn, jobName } = await createJob(first, { clients: fake.clients });
      fake.updateJob(jobArn, { status: 'InProgress' });
      setClock(after(NOW, 10 * 60_000));

      // Act
      const result = await createJob(retried, { clients: fake.clients });

      // Assess
      expect(result.replayed).toBe(true);
      expect(result.jobArn).toBe(jobArn);
      expect(result.delivery?.outcome).toBe('in-flight');
      expect(pendingTicket(jobName)).toMatchObject({
        taskToken: retried.taskToken,
        jobArn,
        createdAt: after(NOW, 10 * 60_000).toISOString(),
      });
      expect(pendingTicket(jobName)?.claim).toBeUndefined();
      expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
      expect(fake.bedrockMock).toHaveReceivedCommandTimes(CreateModelInvocationJobCommand, 2);
      expectNoTagCalls();
    });

    it('delivers right away to the new task when the replayed job already finished', async () => {
      // Prepare
      fake.failTagOperations();
      const first = { ...payload(), taskToken: makeTaskToken(700, 'first') };
      const retried = { ...payload(), taskToken: makeTaskToken(700, 'retry') };
      const { jobArn, jobName } = await createJob(first, { clients: fake.clients });
      const jobId = jobArn.slice(-12);
      fake.updateJob(jobArn, {
        status: 'Completed',
        totalRecordCount: 100,
        processedRecordCount: 100,
        successRecordCount: 100,
        errorRecordCount: 0,
      });
      fake.putObjects(BUCKET, {
        [`output/${jobId}/reviews-1.jsonl.out`]: '{}',
        [`output/${jobId}/manifest.json.out`]: JSON.stringify(
          getTestEvent('manifest-out', 'complete'),
        ),
      });
      setClock(after(NOW, 3_600_000));

      // Act
      const result = await createJob(retried, { clients: fake.clients });

      // Assess
      expect(result.replayed).toBe(true);
      expect(result.delivery).toMatchObject({
        outcome: 'delivered',
        sent: 'success',
        marked: true,
      });
      expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
      expect(fake.sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe(
        retried.taskToken,
      );
      expect(pendingTicket(jobName)).toBeUndefined();
      const delivered = fake.ticketOf<DeliveredTicket>(
        BUCKET,
        MANAGED_BY_VALUE,
        jobName,
        'delivered',
      );
      expect(delivered).toMatchObject({
        jobArn,
        marker: tokenMarker(retried.taskToken),
        outcome: 'delivered',
        jobStatus: 'Completed',
      });
      expect(containsSecret(JSON.stringify(delivered), retried.taskToken)).toBe(false);
      expectNoTagCalls();
    });
  });

  it('keeps the job of an earlier attempt stoppable when the retry is throttled', async () => {
    // Prepare: attempt A created the job and then failed (its GetModelInvocationJob was
    // throttled); the retry B is throttled by CreateModelInvocationJob, and its retries run out,
    // so the execution fails while the job runs on.
    const first = { ...payload(), taskToken: makeTaskToken(700, 'first') };
    const retried = { ...payload(), taskToken: makeTaskToken(700, 'retry') };
    const { jobArn } = await createJob(first, { clients: fake.clients });
    fake.updateJob(jobArn, { status: 'InProgress' });
    setClock(after(NOW, 10 * 60_000));
    fake.failNextBedrockCall(
      'CreateModelInvocationJob',
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }),
    );
    const error = await rejection(createJob(retried, { clients: fake.clients }));
    fake.putExecution(first.executionArn, 'FAILED');
    fake.sfnMock
      .on(SendTaskHeartbeatCommand)
      .rejects(new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }));

    // Act: reconcile, an hour later
    setClock(after(NOW, 3_600_000));
    const summary = await reconcile({ clients: fake.clients, controlBuckets: [BUCKET] });

    // Assess: a job that exists keeps a ticket, so reconcile stops it instead of leaving it billing
    expect(error.name).toBe(BatchErrorName.Throttled);
    expect(summary).toMatchObject({ tickets: 1, stops: 1 });
    expect(fake.describeJob(jobArn).status).toBe('Stopping');
  });

  it('fails with BedrockBatch.InvalidInput naming the field and value, never the token', async () => {
    // Prepare
    const event = payload('invalid');

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('itemIndex');
    expect(error.message).toContain('(received: -1)');
    expect(error.message).toContain('roleArn');
    expect(error.message).not.toContain(event.taskToken.slice(0, 40));
    expect(fake.bedrockMock).not.toHaveReceivedCommand(CreateModelInvocationJobCommand);
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('fails when a user tag uses the reserved key prefix', async () => {
    // Act
    const error = await rejection(createJob(payload('reserved-tag'), { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toBe(
      `tags[0].key: keys starting with "${RESERVED_TAG_KEY_PREFIX}" are reserved for this product (received: "bedrock-batch:managed-by")`,
    );
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('rejects the reserved prefix in any letter case', async () => {
    // Prepare
    const tags = [{ key: 'Bedrock-Batch:Delivered', value: 'x' }];

    // Act
    const error = await rejection(createJob({ ...payload(), tags }, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('(received: "Bedrock-Batch:Delivered")');
  });

  it('fails when user tags and product tags exceed 200 tags', async () => {
    // Prepare
    const tags = Array.from({ length: 199 }, (_, index) => ({ key: `k${index}`, value: 'v' }));

    // Act
    const error = await rejection(createJob({ ...payload(), tags }, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toBe(
      'tags: a job holds at most 200 tags and this product needs 2, so at most 198 user tags fit (received: 199 tags)',
    );
    expect(fake.bedrockMock).not.toHaveReceivedCommand(CreateModelInvocationJobCommand);
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('accepts 198 user tags, the most that fit beside the two product tags', async () => {
    // Prepare
    const tags = Array.from({ length: 198 }, (_, index) => ({ key: `k${index}`, value: 'v' }));

    // Act
    await createJob({ ...payload(), tags }, { clients: fake.clients });

    // Assess
    expect(createInput().tags).toHaveLength(200);
  });

  it('fails when the execution ARN is too long to fit a tag', async () => {
    // Prepare
    const executionArn = `arn:aws:states:us-east-1:123456789012:execution:${'S'.repeat(80)}:${'e'.repeat(150)}`;

    // Act
    const error = await rejection(
      createJob({ ...payload(), executionArn }, { clients: fake.clients }),
    );

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toBe(
      `executionArn: must be at most 256 characters to fit a tag (received: ${executionArn.length} characters)`,
    );
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('fails when a user tag key appears twice', async () => {
    // Prepare
    const tags = [
      { key: 'team', value: 'a' },
      { key: 'team', value: 'b' },
    ];

    // Act
    const error = await rejection(createJob({ ...payload(), tags }, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('tags[1].key: appears more than once (received: "team")');
  });

  it.each([
    [
      new ValidationException({
        message: 'The provided role cannot be assumed',
        $metadata: { httpStatusCode: 400 },
      }),
      BatchErrorName.ValidationException,
    ],
    [
      new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }),
      BatchErrorName.AccessDenied,
    ],
    [
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }),
      BatchErrorName.Throttled,
    ],
    [
      Object.assign(new Error('Too many requests'), { name: 'TooManyRequestsException' }),
      BatchErrorName.Throttled,
    ],
    [
      new ServiceQuotaExceededException({
        message: 'Too many jobs in progress',
        $metadata: { httpStatusCode: 400 },
      }),
      BatchErrorName.QuotaExceeded,
    ],
  ])(
    'throws %p from Bedrock as the error Step Functions retries or catches',
    async (serviceError, name) => {
      // Prepare
      fake.bedrockMock.on(CreateModelInvocationJobCommand).rejects(serviceError);

      // Act
      const error = await rejection(createJob(payload(), { clients: fake.clients }));

      // Assess
      expect(error.name).toBe(name);
      expect(error.message).toBe(serviceError.message);
      expect(error.cause).toBe(serviceError);
    },
  );

  it.each([
    [
      'ValidationException',
      new ValidationException({ message: 'bad role', $metadata: { httpStatusCode: 400 } }),
    ],
    [
      'AccessDeniedException',
      new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }),
    ],
  ])(
    'removes the ticket when Bedrock refuses the job (%s): no job will ever need it',
    async (_name, serviceError) => {
      // Prepare
      fake.bedrockMock.on(CreateModelInvocationJobCommand).rejects(serviceError);

      // Act
      await rejection(createJob(payload(), { clients: fake.clients }));

      // Assess: it was written first, then removed
      expect(fake.s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
      expect(fake.listKeys(BUCKET, 'bedrock-batch-control/')).toEqual([]);
    },
  );

  it.each([
    [
      'an HTTP 500',
      new InternalServerException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
    ],
    ['no HTTP answer at all', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })],
  ])(
    'keeps the ticket after %s: the job may exist, and the retry replays it',
    async (_case, serviceError) => {
      // Prepare
      fake.bedrockMock.on(CreateModelInvocationJobCommand).rejects(serviceError);

      // Act
      const error = await rejection(createJob(payload(), { clients: fake.clients }));

      // Assess
      expect(error).toBe(serviceError);
      const input = createInput();
      expect(pendingTicket(input.jobName ?? '')).toMatchObject({
        clientRequestToken: input.clientRequestToken,
      });
    },
  );

  it('fails with BedrockBatch.ValidationException when the job name is taken', async () => {
    // Prepare
    const serviceError = new ConflictException({
      message: 'A batch inference job with the name x already exists.',
      $metadata: { httpStatusCode: 409 },
    });
    fake.bedrockMock.on(CreateModelInvocationJobCommand).rejects(serviceError);

    // Act
    const error = await rejection(createJob(payload(), { clients: fake.clients }));

    // Assess
    expect(error.name).toBe('BedrockBatch.ValidationException');
    expect(error.message).toBe(serviceError.message);
  });

  it('throws other Bedrock errors as they are', async () => {
    // Prepare
    const serviceError = new InternalServerException({
      message: 'internal',
      $metadata: { httpStatusCode: 500 },
    });
    fake.bedrockMock.on(CreateModelInvocationJobCommand).rejects(serviceError);

    // Act
    const error = await rejection(createJob(payload(), { clients: fake.clients }));

    // Assess
    expect(error).toBe(serviceError);
    expect(error.name).toBe('InternalServerException');
  });

  it('throws service messages with the task token redacted', async () => {
    // Prepare
    const event = payload();
    const part = event.taskToken.slice(256, 512);
    fake.bedrockMock.on(CreateModelInvocationJobCommand).rejects(
      new ValidationException({
        message: `Value '${part}' at 'tags.4.member.value' failed`,
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.ValidationException);
    expect(error.message).toBe("Value '[redacted]' at 'tags.4.member.value' failed");
  });

  it('fails without creating a job when the ticket cannot be written', async () => {
    // Prepare
    fake.s3Mock
      .on(PutObjectCommand)
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    // Act
    const error = await rejection(createJob(payload(), { clients: fake.clients }));

    // Assess
    expect(error.name).toBe('AccessDenied');
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
  });

  it('sends no failure callback itself when creation fails', async () => {
    // Prepare
    fake.bedrockMock
      .on(CreateModelInvocationJobCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    await rejection(createJob(payload(), { clients: fake.clients }));

    // Assess
    expect(fake.sfnMock).not.toHaveReceivedCommand(SendTaskFailureCommand);
    expect(fake.bedrockMock).not.toHaveReceivedCommand(GetModelInvocationJobCommand);
  });
});
