import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  ListTagsForResourceCommand,
  paginateListModelInvocationJobs,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StopModelInvocationJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type Harness,
  inputAt,
  jobRequest,
  putText,
  recordLines,
  runToEnd,
  startHarness,
} from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    quotas: { maxJobsInFlightPerModel: 3, minRecordsPerJob: 1 },
    listPageSize: 2,
  });
});

afterAll(async () => {
  await h.stop();
});

describe('Operation: CreateModelInvocationJob and GetModelInvocationJob', () => {
  it('creates a job and reads it back by ARN and by id, timestamps as dates', async () => {
    // Prepare
    const request = jobRequest({
      jobName: 'get-1',
      modelId: 'amazon.nova-lite-v1:0',
      modelInvocationType: 'Converse',
    });

    // Act
    const { jobArn } = await h.bedrock.send(new CreateModelInvocationJobCommand(request));
    const byArn = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const jobId = jobArn?.split('/').at(-1) ?? '';
    const byId = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobId }));

    // Assess
    expect(jobArn).toMatch(
      /^arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]{12}$/,
    );
    expect(byArn).toMatchObject({
      jobArn,
      jobName: 'get-1',
      modelId: 'amazon.nova-lite-v1:0',
      roleArn: request.roleArn,
      status: 'Submitted',
      timeoutDurationInHours: 24,
      modelInvocationType: 'Converse',
      inputDataConfig: request.inputDataConfig,
      outputDataConfig: request.outputDataConfig,
    });
    expect(byArn.clientRequestToken).toMatch(/\S+/);
    expect(byArn.submitTime).toBeInstanceOf(Date);
    expect(byArn.submitTime?.getTime()).toBe(h.clock.now());
    expect(byArn.jobExpirationTime?.getTime()).toBe(h.clock.now() + 24 * 3_600_000);
    expect(byId.jobArn).toBe(jobArn);
  });

  it('returns the same job for the same clientRequestToken (no second job)', async () => {
    // Prepare
    const request = jobRequest({ jobName: 'idem-1', clientRequestToken: 'exec-1-item-0' });
    const before = h.emulator.jobs.size;

    // Act
    const first = await h.bedrock.send(new CreateModelInvocationJobCommand(request));
    const second = await h.bedrock.send(new CreateModelInvocationJobCommand(request));
    const third = await h.bedrock.send(
      new CreateModelInvocationJobCommand({ ...request, jobName: 'idem-1-other' }),
    );

    // Assess
    expect(second.jobArn).toBe(first.jobArn);
    expect(third.jobArn).toBe(first.jobArn);
    expect(h.emulator.jobs.size).toBe(before + 1);
  });

  it('fails with ConflictException for a job name already used with another token', async () => {
    // Prepare
    await h.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({ jobName: 'dup-name', clientRequestToken: 'a1' }),
      ),
    );

    // Act
    const call = h.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({ jobName: 'dup-name', clientRequestToken: 'b2' }),
      ),
    );

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ConflictException',
      message:
        'A batch inference job with the name dup-name already exists. Use a different jobName.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('fails with ResourceNotFoundException for an unknown job', async () => {
    // Act
    const call = h.bedrock.send(
      new GetModelInvocationJobCommand({ jobIdentifier: 'zzzzzzzzzzzz' }),
    );

    // Assess
    await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(call).rejects.toMatchObject({
      message: 'The batch inference job zzzzzzzzzzzz was not found.',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('fails with ServiceQuotaExceededException past the per-model quota of jobs in flight', async () => {
    // Prepare: the quota is 3 in flight per model; profiles count for their base model.
    const modelId = 'meta.llama3-1-8b-instruct-v1:0';
    for (const [i, id] of [modelId, `us.${modelId}`, `eu.${modelId}`].entries()) {
      await h.bedrock.send(
        new CreateModelInvocationJobCommand(jobRequest({ jobName: `quota-${i}`, modelId: id })),
      );
    }

    // Act
    const call = h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'quota-3', modelId })),
    );

    // Assess
    await expect(call).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    await expect(call).rejects.toThrow(
      'You have reached the quota of 3 batch inference jobs submitted or in progress for model meta.llama3-1-8b-instruct-v1:0 (currently 3).',
    );
  });

  it('accepts a new job once a job of the model reached a terminal status', async () => {
    // Prepare
    const modelId = 'amazon.nova-micro-v1:0';
    const arns: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { jobArn } = await h.bedrock.send(
        new CreateModelInvocationJobCommand(jobRequest({ jobName: `free-${i}`, modelId })),
      );
      arns.push(jobArn ?? '');
    }
    await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: arns[0] }));
    await runToEnd(h, arns[0] ?? '');

    // Act
    const created = await h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'free-3', modelId })),
    );

    // Assess
    expect(h.emulator.jobs.get(arns[0] ?? '')?.status).toBe('Stopped');
    expect(created.jobArn).toBeDefined();
  });
});

describe('Operation: ListModelInvocationJobs', () => {
  let listHarness: Harness;
  const names = ['list-alpha-1', 'list-alpha-2', 'list-beta-1', 'list-alpha-3', 'list-beta-2'];

  beforeAll(async () => {
    listHarness = await startHarness({ listPageSize: 2, quotas: { minRecordsPerJob: 1 } });
    await putText(
      listHarness.s3Client,
      'batch-input',
      'list/records.jsonl',
      recordLines(3).join('\n'),
    );
    for (const name of names) {
      await listHarness.bedrock.send(
        new CreateModelInvocationJobCommand(
          jobRequest({ jobName: name, inputDataConfig: inputAt('list/records.jsonl') }),
        ),
      );
      await listHarness.clock.advance(60_000);
    }
  });

  afterAll(async () => {
    await listHarness.stop();
  });

  it('sorts by creation time, newest first by default, and pages with nextToken', async () => {
    // Act
    const first = await listHarness.bedrock.send(new ListModelInvocationJobsCommand({}));
    const second = await listHarness.bedrock.send(
      new ListModelInvocationJobsCommand({ nextToken: first.nextToken }),
    );
    const all: string[] = [];
    for await (const page of paginateListModelInvocationJobs(
      { client: listHarness.bedrock },
      { maxResults: 2 },
    )) {
      all.push(...(page.invocationJobSummaries ?? []).map((j) => j.jobName ?? ''));
    }

    // Assess
    expect(first.invocationJobSummaries?.map((j) => j.jobName)).toEqual([
      'list-beta-2',
      'list-alpha-3',
    ]);
    expect(first.nextToken).toBeDefined();
    expect(second.invocationJobSummaries?.map((j) => j.jobName)).toEqual([
      'list-beta-1',
      'list-alpha-2',
    ]);
    expect(all).toEqual([...names].reverse());
    expect(first.invocationJobSummaries?.[0]?.submitTime).toBeInstanceOf(Date);
  });

  it('filters by nameContains and sorts ascending', async () => {
    // Act
    const result = await listHarness.bedrock.send(
      new ListModelInvocationJobsCommand({
        nameContains: 'alpha',
        sortBy: 'CreationTime',
        sortOrder: 'Ascending',
        maxResults: 10,
      }),
    );

    // Assess
    expect(result.invocationJobSummaries?.map((j) => j.jobName)).toEqual([
      'list-alpha-1',
      'list-alpha-2',
      'list-alpha-3',
    ]);
    expect(result.nextToken).toBeUndefined();
  });

  it('filters by submit time window', async () => {
    // Prepare: jobs were submitted one virtual minute apart from the clock start.
    const start = listHarness.emulator.jobs.list()[0]?.submitTime ?? 0;

    // Act
    const result = await listHarness.bedrock.send(
      new ListModelInvocationJobsCommand({
        submitTimeAfter: new Date(start + 30_000),
        submitTimeBefore: new Date(start + 150_000),
        sortOrder: 'Ascending',
      }),
    );

    // Assess
    expect(result.invocationJobSummaries?.map((j) => j.jobName)).toEqual([
      'list-alpha-2',
      'list-beta-1',
    ]);
  });

  it('filters by statusEquals', async () => {
    // Prepare: the first two jobs run to their end.
    const [a, b] = listHarness.emulator.jobs.list();
    await runToEnd(listHarness, a?.jobArn ?? '');
    await runToEnd(listHarness, b?.jobArn ?? '');

    // Act
    const completed = await listHarness.bedrock.send(
      new ListModelInvocationJobsCommand({ statusEquals: 'Completed', maxResults: 100 }),
    );

    // Assess
    const expected = listHarness.emulator.jobs
      .list()
      .filter((j) => j.status === 'Completed')
      .map((j) => j.jobName)
      .reverse();
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(completed.invocationJobSummaries?.map((j) => j.jobName)).toEqual(expected);
    expect(completed.invocationJobSummaries?.[0]).toMatchObject({
      totalRecordCount: 3,
      successRecordCount: 3,
    });
  });

  it('rejects a nextToken it did not issue with ValidationException', async () => {
    // Act
    const call = listHarness.bedrock.send(
      new ListModelInvocationJobsCommand({ nextToken: 'bm90LWEtdG9rZW4' }),
    );

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "The nextToken 'bm90LWEtdG9rZW4' is not valid. Use the nextToken of a previous response.",
    });
  });
});

describe('Operation: StopModelInvocationJob', () => {
  it('moves a running job to Stopping, then Stopped', async () => {
    // Prepare
    const { jobArn } = await h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'stop-1' })),
    );

    // Act
    await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const stopping = await h.bedrock.send(
      new GetModelInvocationJobCommand({ jobIdentifier: jobArn }),
    );
    await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    await h.clock.advance(60_000);
    const stopped = await h.bedrock.send(
      new GetModelInvocationJobCommand({ jobIdentifier: jobArn }),
    );

    // Assess
    expect(stopping.status).toBe('Stopping');
    expect(stopped.status).toBe('Stopped');
    expect(stopped.endTime).toBeInstanceOf(Date);
    expect(h.emulator.jobs.get(jobArn ?? '')?.statusHistory).toEqual([
      'Submitted',
      'Stopping',
      'Stopped',
    ]);
  });

  it('fails with ConflictException for a job that already ended', async () => {
    // Prepare
    const { jobArn } = await h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'stop-2' })),
    );
    await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    await runToEnd(h, jobArn ?? '');

    // Act
    const call = h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ConflictException',
      message: `The batch inference job ${jobArn} is Stopped and can no longer be stopped.`,
    });
  });
});

describe('Operation: TagResource, UntagResource, ListTagsForResource', () => {
  it('adds, replaces, lists and removes tags', async () => {
    // Prepare
    const { jobArn } = await h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'tags-1' })),
    );

    // Act
    await h.bedrock.send(
      new TagResourceCommand({
        resourceARN: jobArn,
        tags: [
          { key: 'project', value: 'renamed' },
          { key: 'bedrock-batch:task-token:0', value: 'AAAA+/=' },
        ],
      }),
    );
    const afterTag = await h.bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn }));
    await h.bedrock.send(
      new UntagResourceCommand({ resourceARN: jobArn, tagKeys: ['project', 'absent'] }),
    );
    const afterUntag = await h.bedrock.send(
      new ListTagsForResourceCommand({ resourceARN: jobArn }),
    );

    // Assess
    expect(afterTag.tags).toEqual([
      { key: 'project', value: 'renamed' },
      { key: 'bedrock-batch:task-token:0', value: 'AAAA+/=' },
    ]);
    expect(afterUntag.tags).toEqual([{ key: 'bedrock-batch:task-token:0', value: 'AAAA+/=' }]);
  });

  it('fails with TooManyTagsException past 200 tags on a job', async () => {
    // Prepare
    const { jobArn } = await h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'tags-2' })),
    );
    const tags = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: 'v' }));

    // Act
    const call = h.bedrock.send(new TagResourceCommand({ resourceARN: jobArn, tags }));

    // Assess: the job already had one tag from the request.
    await expect(call).rejects.toMatchObject({
      name: 'TooManyTagsException',
      message: `The request would give ${jobArn} 201 tags; a resource can have at most 200 tags.`,
      resourceName: jobArn,
    });
  });

  it('fails with ResourceNotFoundException for an ARN that is not a job', async () => {
    // Act
    const call = h.bedrock.send(
      new ListTagsForResourceCommand({
        resourceARN: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/aaaaaaaaaaaa',
      }),
    );

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message:
        'The resource arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/aaaaaaaaaaaa was not found.',
    });
  });
});

describe('Wire: routes and errors', () => {
  it('answers an unknown route with UnknownOperationException and the x-amzn-errortype header', async () => {
    // Act
    const response = await fetch(`${h.emulator.endpoint}/custom-model-deployments`, {
      method: 'GET',
    });
    const body = (await response.json()) as { message: string };

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(body.message).toBe(
      'No operation matches GET /custom-model-deployments: the Bedrock emulator supports the model invocation job and tagging operations, InvokeModel and Converse only.',
    );
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    // Act
    const response = await fetch(`${h.emulator.endpoint}/model-invocation-job`, {
      method: 'POST',
      body: '{not json',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(await response.json()).toEqual({ message: 'The request body is not valid JSON.' });
  });

  it('decodes URL-encoded ARNs in paths', async () => {
    // Prepare
    const { jobArn } = await h.bedrock.send(
      new CreateModelInvocationJobCommand(jobRequest({ jobName: 'wire-1' })),
    );

    // Act
    const response = await fetch(
      `${h.emulator.endpoint}/model-invocation-job/${encodeURIComponent(jobArn ?? '')}`,
    );
    const body = (await response.json()) as Record<string, unknown>;

    // Assess
    expect(response.status).toBe(200);
    expect(body.jobArn).toBe(jobArn);
    expect(body.submitTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('records every call it answered', () => {
    // Assess
    expect(h.emulator.calls.length).toBeGreaterThan(10);
    expect(h.emulator.calls).toContainEqual({
      operation: 'CreateModelInvocationJob',
      statusCode: 200,
      accessKeyId: 'EMULATOR',
    });
  });
});
