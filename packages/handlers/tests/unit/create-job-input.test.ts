import { CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { BatchErrorName, type CreateJobPayload } from '@bedrock-batch/schema';
import { afterEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { createJob } from '../../src/create-job.js';
import { InvalidInputError } from '../../src/errors.js';
import { getTestEvent } from '../helpers/events.js';
import { createFakeAws } from '../helpers/fake-bedrock.js';
import { rejection } from '../helpers/rejection.js';

const fake = createFakeAws();

function payload(variant: string): CreateJobPayload {
  return getTestEvent<CreateJobPayload>('create-job', variant);
}

describe('Function: createJob, input checks before any job is created', () => {
  afterEach(() => {
    fake.reset();
  });

  it("fails item 0 with BedrockBatch.InvalidInput when item 3's manifest key has a space", async () => {
    // Prepare: this item's own key is fine; the fourth key of the input is not.
    const event = payload('other-item-bad-key');

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toBe(
      'Invalid CreateJobPayload: manifest_keys[3]: has a character Bedrock does not accept in an S3 URI (" " at position 14); ' +
        'allowed: letters, digits and -!_*\'(). between single slashes (received: "input/reviews 4.jsonl")',
    );
    expect(fake.bedrockMock).not.toHaveReceivedCommand(CreateModelInvocationJobCommand);
    expect(fake.bedrockMock.calls()).toHaveLength(0);
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('names a 5,000-character job name job_name, with its length, not jobName', async () => {
    // Prepare
    const event = { ...payload('valid'), jobName: 'j'.repeat(5000) };

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toMatch(
      /^Invalid CreateJobPayload: job_name: must be at most 1024 characters \(received: "j+… \(5000 characters\)\)$/,
    );
    expect(error.message).not.toContain('jobName');
    expect(fake.bedrockMock.calls()).toHaveLength(0);
  });

  it("names this item's bad input key manifest_keys[itemIndex] when the payload lists no keys", async () => {
    // Prepare
    const event = {
      ...payload('valid'),
      itemIndex: 5,
      inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://my-batch-bucket/input/a=b.jsonl' } },
    };

    // Act
    const error = await rejection(createJob(event, { clients: fake.clients }));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    expect(error.message).toContain('manifest_keys[5]: has the key "input/a=b.jsonl"');
    expect(error.message).toContain('("=" at position 8)');
    expect(fake.bedrockMock.calls()).toHaveLength(0);
  });

  it('creates the job when every manifest key of the input is valid', async () => {
    // Prepare
    const event = payload('with-manifest-keys');

    // Act
    const result = await createJob(event, { clients: fake.clients });

    // Assess
    expect(result.jobArn).toMatch(/:model-invocation-job\/[a-z0-9]{12}$/);
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(CreateModelInvocationJobCommand, 1);
    expect(fake.bedrockMock).toHaveReceivedCommandWith(CreateModelInvocationJobCommand, {
      inputDataConfig: event.inputDataConfig,
    });
  });
});
