import { createHash } from 'node:crypto';
import {
  BedrockClient,
  ConflictException,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobResponse,
  ListModelInvocationJobsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  StopModelInvocationJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { type JobTicket, type TicketState, ticketKey } from '@bedrock-batch/schema';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../src/clients.js';
import { getTestEvent } from './events.js';

interface FakeJob {
  description: GetModelInvocationJobResponse;
  tags: { key: string; value: string }[];
  clientRequestToken?: string;
}

/** An object of the in-memory S3. */
interface FakeObject {
  readonly body: string;
  /** Quoted MD5 of the body, as S3 gives for a single-part upload without SSE-KMS. */
  readonly etag: string;
}

/** The S3 operations the in-memory S3 serves. */
type S3Operation = 'PutObject' | 'GetObject' | 'DeleteObject' | 'ListObjectsV2';

interface S3Hook {
  readonly operation: S3Operation;
  readonly matches: (input: { Bucket?: string; Key?: string; Prefix?: string }) => boolean;
  readonly run: () => unknown;
}

/** The Bedrock operations whose next call a test can fail (see `failNextBedrockCall`). */
type BedrockOperation =
  | 'CreateModelInvocationJob'
  | 'GetModelInvocationJob'
  | 'ListModelInvocationJobs'
  | 'StopModelInvocationJob';

/** How the tagging operations fail once {@link failTagOperations} switched them off. */
interface TagFault {
  /** Job statuses in which they fail; `undefined` for every status. */
  readonly statuses?: readonly string[];
  readonly error: 'ValidationException' | 'ResourceNotFoundException';
}

function etagOf(body: string): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body === undefined) return '';
  throw new Error(`test bug: the fake S3 takes string or Uint8Array bodies (got ${typeof body})`);
}

function preconditionFailed(): S3ServiceException {
  return new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    message: 'At least one of the pre-conditions you specified did not hold',
    $metadata: { httpStatusCode: 412 },
  });
}

function noSuchKey(): NoSuchKey {
  return new NoSuchKey({
    message: 'The specified key does not exist.',
    $metadata: { httpStatusCode: 404 },
  });
}

/**
 * Mocks of the three SDK clients (`aws-sdk-client-mock`) with a tiny in-memory AWS behind them:
 *
 * - Bedrock: CreateModelInvocationJob is idempotent on `clientRequestToken` and refuses a name
 *   already taken by another token (`ConflictException`), like the service; a job's
 *   `submitTime` is the (possibly faked) clock's now. ListModelInvocationJobs honours
 *   `nameContains`, `maxResults` and `nextToken`. The tagging operations work until
 *   {@link failTagOperations} makes them fail, as a real account does for finished jobs.
 * - S3: objects with ETags (quoted MD5); PutObject honours `IfMatch` (`PreconditionFailed`, 412, on
 *   another ETag; `NoSuchKey`, 404, when there is no object) and `IfNoneMatch: '*'` (412 when the
 *   object exists), as S3 documents conditional writes; GetObject (`NoSuchKey`), DeleteObject
 *   (with `IfMatch`), ListObjectsV2 (`Prefix`, `MaxKeys`, continuation tokens).
 * - Step Functions: DescribeExecution knows the executions added with `putExecution` (any other ARN
 *   is `ExecutionDoesNotExist`); callbacks and heartbeats succeed unless a test says otherwise.
 */
function createFakeAws() {
  const bedrockMock = mockClient(BedrockClient);
  const s3Mock = mockClient(S3Client);
  const sfnMock = mockClient(SFNClient);
  const jobs = new Map<string, FakeJob>();
  const byRequestToken = new Map<string, string>();
  const executions = new Map<string, DescribeExecutionOutput>();
  const buckets = new Map<string, Map<string, FakeObject>>();
  let hooks: S3Hook[] = [];
  let pageSize = 1000;
  let tagFault: TagFault | undefined;
  let bedrockFaults: { operation: BedrockOperation; error: Error }[] = [];
  let nextId = 0;

  /** Throws the first fault queued for `operation` (see {@link failNextBedrockCall}). */
  function injectFault(operation: BedrockOperation) {
    const index = bedrockFaults.findIndex((fault) => fault.operation === operation);
    if (index < 0) return;
    const [fault] = bedrockFaults.splice(index, 1);
    if (fault !== undefined) throw fault.error;
  }

  const notFound = (arn: string | undefined) =>
    new ResourceNotFoundException({
      message: `The batch inference job ${arn} was not found.`,
      $metadata: { httpStatusCode: 404 },
    });

  function bucketOf(name: string | undefined): Map<string, FakeObject> {
    const key = name ?? '';
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = new Map();
      buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Runs (once) the hooks registered for this call, before the call is served. */
  async function runHooks(
    operation: S3Operation,
    input: { Bucket?: string; Key?: string; Prefix?: string },
  ) {
    const due = hooks.filter((hook) => hook.operation === operation && hook.matches(input));
    hooks = hooks.filter((hook) => !due.includes(hook));
    for (const hook of due) await hook.run();
  }

  function taggable(resourceArn: string | undefined, operation: string): FakeJob {
    const job = jobs.get(resourceArn ?? '');
    if (job === undefined) throw notFound(resourceArn);
    const status = job.description.status ?? '';
    if (tagFault !== undefined && (tagFault.statuses?.includes(status) ?? true)) {
      throw tagFault.error === 'ResourceNotFoundException'
        ? notFound(resourceArn)
        : new ValidationException({
            message: `${operation} is not supported for batch inference job ${resourceArn} in status ${status}.`,
            $metadata: { httpStatusCode: 400 },
          });
    }
    return job;
  }

  function install() {
    bedrockMock.on(CreateModelInvocationJobCommand).callsFake((input) => {
      injectFault('CreateModelInvocationJob');
      const token = input.clientRequestToken ?? '';
      const existing = byRequestToken.get(token);
      if (existing !== undefined) return { jobArn: existing };
      const taken = [...jobs.values()].some((job) => job.description.jobName === input.jobName);
      if (taken) {
        throw new ConflictException({
          message: `A batch inference job with the name ${input.jobName} already exists.`,
          $metadata: { httpStatusCode: 409 },
        });
      }
      nextId += 1;
      const jobId = `job${String(nextId).padStart(9, '0')}`;
      const jobArn = `arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/${jobId}`;
      jobs.set(jobArn, {
        description: {
          jobArn,
          jobName: input.jobName,
          modelId: input.modelId,
          roleArn: input.roleArn,
          clientRequestToken: token,
          status: 'Submitted',
          submitTime: new Date(),
          inputDataConfig: input.inputDataConfig,
          outputDataConfig: input.outputDataConfig,
        },
        tags: (input.tags ?? []).map((tag: { key?: string; value?: string }) => ({
          key: tag.key ?? '',
          value: tag.value ?? '',
        })),
        clientRequestToken: token,
      });
      byRequestToken.set(token, jobArn);
      return { jobArn };
    });
    bedrockMock.on(ListTagsForResourceCommand).callsFake((input) => {
      const job = taggable(input.resourceARN, 'ListTagsForResource');
      return { tags: job.tags.map((tag) => ({ ...tag })) };
    });
    bedrockMock.on(TagResourceCommand).callsFake((input) => {
      const job = taggable(input.resourceARN, 'TagResource');
      for (const tag of input.tags ?? []) {
        job.tags = job.tags.filter((existing) => existing.key !== tag.key);
        job.tags.push({ key: tag.key ?? '', value: tag.value ?? '' });
      }
      return {};
    });
    bedrockMock.on(UntagResourceCommand).callsFake((input) => {
      const job = taggable(input.resourceARN, 'UntagResource');
      job.tags = job.tags.filter((tag) => !(input.tagKeys ?? []).includes(tag.key));
      return {};
    });
    bedrockMock.on(GetModelInvocationJobCommand).callsFake((input) => {
      injectFault('GetModelInvocationJob');
      const job = jobs.get(input.jobIdentifier ?? '');
      if (job === undefined) throw notFound(input.jobIdentifier);
      return { ...job.description };
    });
    bedrockMock.on(StopModelInvocationJobCommand).callsFake((input) => {
      injectFault('StopModelInvocationJob');
      const job = jobs.get(input.jobIdentifier ?? '');
      if (job === undefined) throw notFound(input.jobIdentifier);
      job.description = { ...job.description, status: 'Stopping' };
      return {};
    });
    bedrockMock.on(ListModelInvocationJobsCommand).callsFake((input) => {
      injectFault('ListModelInvocationJobs');
      const matching = [...jobs.values()].filter((job) =>
        (job.description.jobName ?? '').includes(input.nameContains ?? ''),
      );
      const size = input.maxResults ?? 100;
      const start = Number(input.nextToken ?? 0);
      const page = matching.slice(start, start + size);
      const next = start + size < matching.length ? String(start + size) : undefined;
      return {
        invocationJobSummaries: page.map((job) => ({
          ...job.description,
          jobName: job.description.jobName ?? '',
        })),
        ...(next === undefined ? {} : { nextToken: next }),
      };
    });

    s3Mock.on(PutObjectCommand).callsFake(async (input) => {
      await runHooks('PutObject', input);
      const bucket = bucketOf(input.Bucket);
      const key = input.Key ?? '';
      const existing = bucket.get(key);
      if (input.IfNoneMatch === '*' && existing !== undefined) throw preconditionFailed();
      if (input.IfMatch !== undefined) {
        if (existing === undefined) throw noSuchKey();
        if (input.IfMatch !== '*' && input.IfMatch !== existing.etag) throw preconditionFailed();
      }
      const body = bodyText(input.Body);
      const stored = { body, etag: etagOf(body) };
      bucket.set(key, stored);
      return { ETag: stored.etag };
    });
    s3Mock.on(GetObjectCommand).callsFake(async (input) => {
      await runHooks('GetObject', input);
      const stored = bucketOf(input.Bucket).get(input.Key ?? '');
      if (stored === undefined) throw noSuchKey();
      return {
        Body: { transformToString: async () => stored.body },
        ETag: stored.etag,
        ContentLength: Buffer.byteLength(stored.body),
      };
    });
    s3Mock.on(DeleteObjectCommand).callsFake(async (input) => {
      await runHooks('DeleteObject', input);
      const bucket = bucketOf(input.Bucket);
      const key = input.Key ?? '';
      const existing = bucket.get(key);
      if (input.IfMatch !== undefined) {
        if (existing === undefined) throw noSuchKey();
        if (input.IfMatch !== '*' && input.IfMatch !== existing.etag) throw preconditionFailed();
      }
      bucket.delete(key);
      return {};
    });
    s3Mock.on(ListObjectsV2Command).callsFake(async (input) => {
      await runHooks('ListObjectsV2', input);
      const bucket = bucketOf(input.Bucket);
      const keys = [...bucket.keys()].filter((key) => key.startsWith(input.Prefix ?? '')).sort();
      const size = Math.min(input.MaxKeys ?? 1000, pageSize);
      const start = Number(input.ContinuationToken ?? 0);
      const page = keys.slice(start, start + size);
      const next = start + size < keys.length ? String(start + size) : undefined;
      return {
        Contents: page.map((Key) => ({
          Key,
          Size: Buffer.byteLength(bucket.get(Key)?.body ?? ''),
          ETag: bucket.get(Key)?.etag,
        })),
        KeyCount: page.length,
        IsTruncated: next !== undefined,
        ...(next === undefined ? {} : { NextContinuationToken: next }),
      };
    });

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
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
    sfnMock.on(SendTaskHeartbeatCommand).resolves({});
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
    tags: { key: string; value: string }[] = [],
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

  /** The tags a job has now (read past any tag fault). */
  function tagsOf(jobArn: string) {
    return jobs.get(jobArn)?.tags ?? [];
  }

  /**
   * Makes ListTagsForResource, TagResource and UntagResource fail, for jobs in `statuses` or (by
   * default) for every job, with a `ValidationException` (or `ResourceNotFoundException`): what
   * a real account answers for finished jobs is not documented. The handlers must never need
   * these calls.
   */
  function failTagOperations(
    options: { statuses?: readonly string[]; error?: TagFault['error'] } = {},
  ) {
    tagFault = {
      error: options.error ?? 'ValidationException',
      ...(options.statuses === undefined ? {} : { statuses: options.statuses }),
    };
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

  /** Writes an object straight into the in-memory S3 (no hooks, no conditions); returns its ETag. */
  function putObject(bucket: string, key: string, body: string): string {
    const stored = { body, etag: etagOf(body) };
    bucketOf(bucket).set(key, stored);
    return stored.etag;
  }

  /** Writes these objects (key -> body) into `bucket`; ListObjectsV2 then lists `size` per page. */
  function putObjects(bucket: string, objects: Record<string, string>, size?: number) {
    for (const [key, body] of Object.entries(objects)) putObject(bucket, key, body);
    if (size !== undefined) pageSize = size;
  }

  /** An object of the in-memory S3, or `undefined`. */
  function getObject(bucket: string, key: string): FakeObject | undefined {
    return buckets.get(bucket)?.get(key);
  }

  /** The keys of `bucket` under `prefix`, sorted. */
  function listKeys(bucket: string, prefix = ''): string[] {
    return [...(buckets.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort();
  }

  /** Writes a ticket as create-job would (`pending`) or as a delivery leaves it (`delivered`). */
  function putTicket<T extends { owner: string; jobName: string }>(
    bucket: string,
    ticket: T,
    state: TicketState = 'pending',
  ): string {
    return putObject(
      bucket,
      ticketKey(ticket.owner, ticket.jobName, state),
      JSON.stringify(ticket),
    );
  }

  /** A ticket as stored now, parsed, or `undefined`. */
  function ticketOf<T = JobTicket>(
    bucket: string,
    owner: string,
    jobName: string,
    state: TicketState = 'pending',
  ): T | undefined {
    const stored = getObject(bucket, ticketKey(owner, jobName, state));
    return stored === undefined ? undefined : (JSON.parse(stored.body) as T);
  }

  /**
   * Runs `run` once, just before the next S3 `operation` whose input `matches` is served (to
   * make another writer act at a precise moment).
   */
  function beforeS3(operation: S3Operation, matches: S3Hook['matches'], run: () => unknown) {
    hooks.push({ operation, matches, run });
  }

  /**
   * The tagging calls Bedrock received (ListTagsForResource, TagResource, UntagResource), by
   * name, in order: the handlers must never need them.
   */
  function tagCallsReceived(): string[] {
    const calls = [
      ...bedrockMock.commandCalls(ListTagsForResourceCommand),
      ...bedrockMock.commandCalls(TagResourceCommand),
      ...bedrockMock.commandCalls(UntagResourceCommand),
    ];
    return calls
      .sort((a, b) => (a.calledBefore(b) ? -1 : 1))
      .map((call) => call.args[0].constructor.name);
  }

  /** Makes the next call of `operation` fail with `error` (the calls after it work again). */
  function failNextBedrockCall(operation: BedrockOperation, error: Error) {
    bedrockFaults.push({ operation, error });
  }

  function reset() {
    bedrockMock.reset();
    s3Mock.reset();
    sfnMock.reset();
    jobs.clear();
    byRequestToken.clear();
    executions.clear();
    buckets.clear();
    hooks = [];
    pageSize = 1000;
    tagFault = undefined;
    bedrockFaults = [];
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
    tagsOf,
    failTagOperations,
    failNextBedrockCall,
    putExecution,
    putObject,
    putObjects,
    getObject,
    listKeys,
    putTicket,
    ticketOf,
    tagCallsReceived,
    beforeS3,
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

export type { FakeJob, FakeObject };
export { createFakeAws, toJobDescription };
