import {
  AccessDeniedException,
  ConflictException,
  CreateModelInvocationJobCommand,
  InternalServerException,
  ServiceQuotaExceededException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  BatchErrorName,
  buildJobName,
  type CreateJobPayload,
  decodeTaskTokenTags,
  JobTagKey,
  MANAGED_BY_VALUE,
} from '@bedrock-batch/schema';
import { afterEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { createJob } from '../../src/create-job.js';
import { InvalidInputError } from '../../src/errors.js';
import { getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws } from '../helpers/fake-bedrock.js';

const fake = createFakeAws();
const CLIENT_REQUEST_TOKEN = /^[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}$/;

function payload(variant = 'valid'): CreateJobPayload {
  return getTestEvent<CreateJobPayload>('create-job', variant);
}

function createInput() {
  const call = fake.bedrockMock.commandCalls(CreateModelInvocationJobCommand)[0];
  if (call === undefined) throw new Error('CreateModelInvocationJob was not called');
  return call.args[0].input;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('Function: createJob', () => {
  afterEach(() => {
    fake.reset();
  });

  it('creates the job with a valid name, an idempotency token and the product tags', async () => {
    // Prepare
    const event = payload();

    // Act
    const result = await createJob(event, { clients: fake.clients });

    // Assess
    const input = createInput();
    expect(result.replayed).toBe(false);
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
    const tags = input.tags ?? [];
    expect(tags).toContainEqual({ key: JobTagKey.ManagedBy, value: MANAGED_BY_VALUE });
    expect(tags).toContainEqual({ key: JobTagKey.ExecutionArn, value: event.executionArn });
    expect(decodeTaskTokenTags(tags)).toBe(event.taskToken);
    expect(fake.bedrockMock).not.toHaveReceivedCommand(TagResourceCommand);
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
    expect(input.tags?.slice(0, 2)).toEqual(event.tags);
    expect(input.tags).toContainEqual({ key: JobTagKey.ManagedBy, value: 'team-search' });
  });

  it('carries a 2,048-character task token through the job tags and back', async () => {
    // Prepare
    const event = { ...payload(), taskToken: makeTaskToken(2048) };

    // Act
    const { jobArn } = await createJob(event, { clients: fake.clients });

    // Assess
    const stored = fake.tagsOf(jobArn);
    const parts = stored.filter((tag) => tag.key.startsWith(JobTagKey.TaskTokenPartPrefix));
    expect(parts).toHaveLength(8);
    expect(parts.every((tag) => tag.value.length <= 256)).toBe(true);
    expect(decodeTaskTokenTags(stored)).toBe(event.taskToken);
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
    const third = await createJob(otherManifest, { clients: fake.clients });

    // Assess
    expect(retry.clientRequestToken).toBe(first.clientRequestToken);
    expect(retry.jobArn).toBe(first.jobArn);
    expect(
      new Set([first.clientRequestToken, second.clientRequestToken, third.clientRequestToken]).size,
    ).toBe(3);
  });

  it('re-tags an existing job with the new task token on an idempotent replay', async () => {
    // Prepare
    const first = { ...payload(), taskToken: makeTaskToken(1000, 'first') };
    const retried = { ...payload(), taskToken: makeTaskToken(600, 'retry') };
    const { jobArn } = await createJob(first, { clients: fake.clients });
    fake.updateJob(jobArn, { status: 'InProgress' });

    // Act
    const result = await createJob(retried, { clients: fake.clients });

    // Assess
    expect(result.replayed).toBe(true);
    expect(result.jobArn).toBe(jobArn);
    expect(result.delivery?.outcome).toBe('in-flight');
    expect(decodeTaskTokenTags(fake.tagsOf(jobArn))).toBe(retried.taskToken);
    expect(fake.bedrockMock).toHaveReceivedCommandWith(UntagResourceCommand, {
      resourceARN: jobArn,
      tagKeys: [`${JobTagKey.TaskTokenPartPrefix}3`],
    });
    expect(fake.sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('delivers right away to the new task when the replayed job already finished', async () => {
    // Prepare
    const first = { ...payload(), taskToken: makeTaskToken(700, 'first') };
    const retried = { ...payload(), taskToken: makeTaskToken(700, 'retry') };
    const { jobArn } = await createJob(first, { clients: fake.clients });
    const jobId = jobArn.slice(-12);
    fake.updateJob(jobArn, {
      status: 'Completed',
      totalRecordCount: 100,
      processedRecordCount: 100,
      successRecordCount: 100,
      errorRecordCount: 0,
    });
    fake.putObjects('my-batch-bucket', {
      [`output/${jobId}/reviews-1.jsonl.out`]: '{}',
      [`output/${jobId}/manifest.json.out`]: JSON.stringify(
        getTestEvent('manifest-out', 'complete'),
      ),
    });

    // Act
    const result = await createJob(retried, { clients: fake.clients });

    // Assess
    expect(result.delivery?.outcome).toBe('delivered');
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(fake.sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe(
      retried.taskToken,
    );
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
  });

  it('fails when a user tag uses the reserved key prefix', async () => {
    // Act
    const error = await rejection(createJob(payload('reserved-tag'), { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toBe(
      'tags[0].key: keys starting with "bedrock-batch:" are reserved for this product (received: "bedrock-batch:managed-by")',
    );
  });

  it('fails when user tags and product tags exceed 200 tags', async () => {
    // Prepare
    const tags = Array.from({ length: 195 }, (_, index) => ({ key: `k${index}`, value: 'v' }));

    // Act
    const error = await rejection(createJob({ ...payload(), tags }, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('at most 200 tags');
    expect(error.message).toContain('(received: 195 tags)');
    expect(fake.bedrockMock).not.toHaveReceivedCommand(CreateModelInvocationJobCommand);
  });

  it('fails when the task token holds a character tags cannot store, without echoing it', async () => {
    // Prepare
    const event = { ...payload(), taskToken: `${makeTaskToken(300)}#${makeTaskToken(40, 'tail')}` };

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toMatch(/^taskToken: .*\(received: \[redacted, 341 characters\]\)$/);
    expect(error.message).not.toContain(event.taskToken.slice(0, 32));
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
      new ValidationException({ message: 'The provided role cannot be assumed', $metadata: {} }),
      BatchErrorName.ValidationException,
    ],
    [
      new AccessDeniedException({ message: 'not authorized', $metadata: {} }),
      BatchErrorName.AccessDenied,
    ],
    [
      new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }),
      BatchErrorName.Throttled,
    ],
    [
      Object.assign(new Error('Too many requests'), { name: 'TooManyRequestsException' }),
      BatchErrorName.Throttled,
    ],
    [
      new ServiceQuotaExceededException({ message: 'Too many jobs in progress', $metadata: {} }),
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

  it('fails with BedrockBatch.ValidationException when the job name is taken', async () => {
    // Prepare
    const serviceError = new ConflictException({
      message: 'A batch inference job with the name x already exists.',
      $metadata: {},
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
    const serviceError = new InternalServerException({ message: 'internal', $metadata: {} });
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
        $metadata: {},
      }),
    );

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.ValidationException);
    expect(error.message).toBe("Value '[redacted]' at 'tags.4.member.value' failed");
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
  });
});
