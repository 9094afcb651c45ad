import {
  BedrockClient,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobResponse,
  ListModelInvocationJobsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  StopModelInvocationJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../src/clients.js';
import { getTestEvent } from './events.js';

interface FakeJob {
  description: GetModelInvocationJobResponse;
  tags: { key: string; value: string }[];
}

/**
 * Mocks of the three SDK clients with a tiny in-memory Bedrock behind them: tags written with
 * TagResource / UntagResource are what ListTagsForResource returns next, and
 * CreateModelInvocationJob is idempotent on `clientRequestToken`, like the service. Step
 * Functions knows the executions added with `putExecution` (DescribeExecution); any other ARN is
 * `ExecutionDoesNotExist`.
 */
function createFakeAws() {
  const bedrockMock = mockClient(BedrockClient);
  const s3Mock = mockClient(S3Client);
  const sfnMock = mockClient(SFNClient);
  const jobs = new Map<string, FakeJob>();
  const byRequestToken = new Map<string, string>();
  const executions = new Map<string, DescribeExecutionOutput>();
  let nextId = 0;

  const notFound = (arn: string | undefined) =>
    new ResourceNotFoundException({ message: `Job ${arn} not found`, $metadata: {} });

  function install() {
    bedrockMock.on(CreateModelInvocationJobCommand).callsFake((input) => {
      const existing = byRequestToken.get(input.clientRequestToken ?? '');
      if (existing !== undefined) return { jobArn: existing };
      nextId += 1;
      const jobId = `job${String(nextId).padStart(9, '0')}`;
      const jobArn = `arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/${jobId}`;
      jobs.set(jobArn, {
        description: {
          jobArn,
          jobName: input.jobName,
          modelId: input.modelId,
          roleArn: input.roleArn,
          status: 'Submitted',
          submitTime: new Date('2026-11-20T09:02:11Z'),
          inputDataConfig: input.inputDataConfig,
          outputDataConfig: input.outputDataConfig,
        },
        tags: (input.tags ?? []).map((tag: { key?: string; value?: string }) => ({
          key: tag.key ?? '',
          value: tag.value ?? '',
        })),
      });
      byRequestToken.set(input.clientRequestToken ?? '', jobArn);
      return { jobArn };
    });
    bedrockMock.on(ListTagsForResourceCommand).callsFake((input) => {
      const job = jobs.get(input.resourceARN ?? '');
      if (job === undefined) throw notFound(input.resourceARN);
      return { tags: job.tags.map((tag) => ({ ...tag })) };
    });
    bedrockMock.on(TagResourceCommand).callsFake((input) => {
      const job = jobs.get(input.resourceARN ?? '');
      if (job === undefined) throw notFound(input.resourceARN);
      for (const tag of input.tags ?? []) {
        job.tags = job.tags.filter((existing) => existing.key !== tag.key);
        job.tags.push({ key: tag.key ?? '', value: tag.value ?? '' });
      }
      return {};
    });
    bedrockMock.on(UntagResourceCommand).callsFake((input) => {
      const job = jobs.get(input.resourceARN ?? '');
      if (job === undefined) throw notFound(input.resourceARN);
      job.tags = job.tags.filter((tag) => !(input.tagKeys ?? []).includes(tag.key));
      return {};
    });
    bedrockMock.on(GetModelInvocationJobCommand).callsFake((input) => {
      const job = jobs.get(input.jobIdentifier ?? '');
      if (job === undefined) throw notFound(input.jobIdentifier);
      return { ...job.description };
    });
    bedrockMock.on(StopModelInvocationJobCommand).callsFake((input) => {
      const job = jobs.get(input.jobIdentifier ?? '');
      if (job === undefined) throw notFound(input.jobIdentifier);
      job.description = { ...job.description, status: 'Stopping' };
      return {};
    });
    bedrockMock.on(ListModelInvocationJobsCommand).callsFake(() => ({
      invocationJobSummaries: [...jobs.values()].map((job) => ({
        ...job.description,
        jobName: job.description.jobName ?? '',
      })),
    }));
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [], KeyCount: 0 });
    sfnMock.on(DescribeExecutionCommand).callsFake((input) => {
      const execution = executions.get(input.executionArn ?? '');
      if (execution === undefined) {
        throw new ExecutionDoesNotExist({
          message: `Execution Does Not Exist: '${input.executionArn}'`,
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { ...execution };
    });
  }
  install();

  const clients: AwsClients = {
    bedrock: new BedrockClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
  };

  /** Adds a job as if Bedrock already had it. */
  function putJob(
    description: GetModelInvocationJobResponse,
    tags: { key: string; value: string }[],
  ) {
    jobs.set(description.jobArn ?? '', { description: { ...description }, tags: [...tags] });
  }

  /** Changes a job's description (status, counters, ...). */
  function updateJob(jobArn: string, change: Partial<GetModelInvocationJobResponse>) {
    const job = jobs.get(jobArn);
    if (job === undefined) throw new Error(`test bug: no job ${jobArn}`);
    job.description = { ...job.description, ...change };
  }

  /** The job's description now. */
  function describeJob(jobArn: string) {
    const job = jobs.get(jobArn);
    if (job === undefined) throw new Error(`test bug: no job ${jobArn}`);
    return { ...job.description };
  }

  /**
   * Makes Step Functions know an execution in this status (the `describe-execution` fixtures:
   * `running`, or `aborted` with its status replaced for the other ended ones).
   */
  function putExecution(executionArn: string, status: ExecutionStatus) {
    const variant = status === 'RUNNING' || status === 'PENDING_REDRIVE' ? 'running' : 'aborted';
    const json = getTestEvent<Record<string, unknown>>('describe-execution', variant);
    const name = executionArn.split(':').at(-1) ?? '';
    executions.set(executionArn, {
      ...(json as unknown as DescribeExecutionOutput),
      executionArn,
      name,
      status,
      startDate: new Date(String(json.startDate)),
      ...(typeof json.stopDate === 'string' ? { stopDate: new Date(json.stopDate) } : {}),
    });
  }

  /** The tags a job has now. */
  function tagsOf(jobArn: string) {
    return jobs.get(jobArn)?.tags ?? [];
  }

  /** Makes S3 hold these objects (key -> body) in `bucket`, listed `pageSize` per page. */
  function putObjects(bucket: string, objects: Record<string, string>, pageSize = 1000) {
    const keys = Object.keys(objects).sort();
    s3Mock.on(ListObjectsV2Command).callsFake((input) => {
      if (input.Bucket !== bucket) return { Contents: [], KeyCount: 0 };
      const matching = keys.filter((key) => key.startsWith(input.Prefix ?? ''));
      const start = Number(input.ContinuationToken ?? 0);
      const page = matching.slice(start, start + pageSize);
      const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
      return {
        Contents: page.map((Key) => ({ Key, Size: objects[Key]?.length ?? 0 })),
        KeyCount: page.length,
        IsTruncated: next !== undefined,
        ...(next === undefined ? {} : { NextContinuationToken: next }),
      };
    });
    s3Mock.on(GetObjectCommand).callsFake((input) => {
      const body = input.Bucket === bucket ? objects[input.Key ?? ''] : undefined;
      if (body === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
      return { Body: { transformToString: async () => body } };
    });
  }

  function reset() {
    bedrockMock.reset();
    s3Mock.reset();
    sfnMock.reset();
    jobs.clear();
    byRequestToken.clear();
    executions.clear();
    nextId = 0;
    install();
  }

  return {
    bedrockMock,
    s3Mock,
    sfnMock,
    clients,
    putJob,
    updateJob,
    describeJob,
    putExecution,
    tagsOf,
    putObjects,
    reset,
  };
}

/** Parses the ISO dates of a GetModelInvocationJob JSON fixture into the SDK's Date fields. */
function toJobDescription(json: Record<string, unknown>): GetModelInvocationJobResponse {
  const out: Record<string, unknown> = { ...json };
  for (const key of ['submitTime', 'lastModifiedTime', 'endTime', 'jobExpirationTime']) {
    if (typeof out[key] === 'string') out[key] = new Date(out[key] as string);
  }
  return out as unknown as GetModelInvocationJobResponse;
}

export type { FakeJob };
export { createFakeAws, toJobDescription };
