import {
  CreateModelInvocationJobCommand,
  type CreateModelInvocationJobCommandInput,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  type ListModelInvocationJobsCommandInput,
  StopModelInvocationJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, jobRequest, startHarness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.stop();
});

const one = (detail: string): string => `1 validation error detected: ${detail}`;

const createCases: [string, Partial<CreateModelInvocationJobCommandInput>, string][] = [
  [
    'a job name with an underscore',
    { jobName: 'test_job' },
    one(
      "Value 'test_job' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}",
    ),
  ],
  [
    'a job name over 63 characters',
    { jobName: 'a'.repeat(64) },
    one(
      `Value '${'a'.repeat(64)}' at 'jobName' failed to satisfy constraint: Member must have length less than or equal to 63`,
    ),
  ],
  [
    'a client request token with a dot',
    { clientRequestToken: 'exec.1' },
    one(
      "Value 'exec.1' at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}",
    ),
  ],
  [
    'a role ARN that is not an IAM role',
    { roleArn: 'arn:aws:iam::123456789012:user/alice' },
    one(
      "Value 'arn:aws:iam::123456789012:user/alice' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+",
    ),
  ],
  [
    'an input URI that is not s3://',
    { inputDataConfig: { s3InputDataConfig: { s3Uri: 'https://bucket/key.jsonl' } } },
    one(
      "Value 'https://bucket/key.jsonl' at 'inputDataConfig.s3InputDataConfig.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?",
    ),
  ],
  [
    'an output URI with an upper-case bucket',
    { outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://Bucket/out/' } } },
    one(
      "Value 's3://Bucket/out/' at 'outputDataConfig.s3OutputDataConfig.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?",
    ),
  ],
  [
    'a timeout under 24 hours',
    { timeoutDurationInHours: 23 },
    one(
      "Value '23' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value greater than or equal to 24",
    ),
  ],
  [
    'a timeout over 168 hours',
    { timeoutDurationInHours: 169 },
    one(
      "Value '169' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value less than or equal to 168",
    ),
  ],
  [
    'more than 200 tags',
    { tags: Array.from({ length: 201 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
    one(
      "Value '[array of 201]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200",
    ),
  ],
  [
    'a tag key over 128 characters',
    { tags: [{ key: 'k'.repeat(129), value: 'v' }] },
    one(
      `Value '${'k'.repeat(129)}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    ),
  ],
  [
    'a tag value over 256 characters',
    { tags: [{ key: 'k', value: 'v'.repeat(257) }] },
    one(
      `Value '${'v'.repeat(199)}…' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
    ),
  ],
  [
    'a tag value with a character tags do not allow',
    { tags: [{ key: 'owner', value: 'a|b' }] },
    one(
      "Value 'a|b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*",
    ),
  ],
  [
    'a reserved aws: tag key',
    { tags: [{ key: 'aws:owner', value: 'x' }] },
    one(
      "Value 'aws:owner' at 'tags.1.member.key' failed to satisfy constraint: Member must not start with the reserved prefix 'aws:'",
    ),
  ],
  [
    'an unknown model id',
    { modelId: 'anthropic.claude-99-v1:0' },
    'The provided model identifier is invalid: anthropic.claude-99-v1:0',
  ],
];

describe('Validation: CreateModelInvocationJob', () => {
  it.each(createCases)(
    'fails with ValidationException for %s',
    async (_name, overrides, message) => {
      // Act
      const call = h.bedrock.send(
        new CreateModelInvocationJobCommand(jobRequest({ jobName: 'valid-name', ...overrides })),
      );

      // Assess
      await expect(call).rejects.toBeInstanceOf(ValidationException);
      await expect(call).rejects.toMatchObject({ message, $metadata: { httpStatusCode: 400 } });
    },
  );

  it('fails with one ValidationException listing every bad member', async () => {
    // Act
    const call = h.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({ jobName: 'bad_name', timeoutDurationInHours: 10 }),
      ),
    );

    // Assess
    await expect(call).rejects.toThrow(
      /^2 validation errors detected: Value 'bad_name' at 'jobName'.*; Value '10' at 'timeoutDurationInHours'/,
    );
  });

  it('fails with ValidationException when a required member is missing (raw request)', async () => {
    // Act
    const response = await fetch(`${h.emulator.endpoint}/model-invocation-job`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobName: 'x1', modelId: 'amazon.nova-lite-v1:0' }),
    });

    // Assess
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await response.json()).toEqual({
      message:
        "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'inputDataConfig' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'outputDataConfig' failed to satisfy constraint: Member must not be null",
    });
  });

  it('accepts model ARNs and inference profile ids of known models', async () => {
    // Act
    const fromArn = await h.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({
          jobName: 'model-arn',
          modelId: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
        }),
      ),
    );
    const fromProfile = await h.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({ jobName: 'model-profile', modelId: 'eu.amazon.nova-pro-v1:0' }),
      ),
    );

    // Assess
    expect(fromArn.jobArn).toBeDefined();
    expect(fromProfile.jobArn).toBeDefined();
  });
});

const listCases: [string, ListModelInvocationJobsCommandInput, string][] = [
  [
    'maxResults 0',
    { maxResults: 0 },
    one(
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ),
  ],
  [
    'maxResults 1001',
    { maxResults: 1001 },
    one(
      "Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ),
  ],
  [
    'an unknown status',
    { statusEquals: 'Done' as never },
    one(
      "Value 'Done' at 'statusEquals' failed to satisfy constraint: Member must satisfy enum value set: [Submitted, InProgress, Completed, Failed, Stopping, Stopped, PartiallyCompleted, Expired, Validating, Scheduled]",
    ),
  ],
  [
    'an unknown sort order',
    { sortOrder: 'Up' as never },
    one(
      "Value 'Up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]",
    ),
  ],
];

describe('Validation: ListModelInvocationJobs', () => {
  it.each(listCases)('fails with ValidationException for %s', async (_name, input, message) => {
    // Act
    const call = h.bedrock.send(new ListModelInvocationJobsCommand(input));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message });
  });
});

describe('Validation: job identifiers and tagging', () => {
  it('fails with ValidationException for a malformed job identifier', async () => {
    // Act
    const call = h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: 'not-a-job' }));

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ValidationException',
      message: one(
        "Value 'not-a-job' at 'jobIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})",
      ),
    });
  });

  it('fails with ValidationException when stopping a malformed identifier', async () => {
    // Act
    const call = h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: 'ABC' }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(ValidationException);
  });

  it('fails with ValidationException for a bad tag key on TagResource and UntagResource', async () => {
    // Prepare
    const { jobArn } = await h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'tag-check' })),
    );

    // Act
    const tag = h.bedrock.send(
      new TagResourceCommand({ resourceARN: jobArn, tags: [{ key: '', value: 'v' }] }),
    );
    const untag = h.bedrock.send(
      new UntagResourceCommand({ resourceARN: jobArn, tagKeys: ['bad|key'] }),
    );

    // Assess
    await expect(tag).rejects.toMatchObject({
      name: 'ValidationException',
      message: one(
        "Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    });
    await expect(untag).rejects.toMatchObject({
      name: 'ValidationException',
      message: one(
        "Value 'bad|key' at 'tagKeys.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*",
      ),
    });
  });
});
