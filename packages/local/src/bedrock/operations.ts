import { type BatchQuotas, JobStatus } from '@bedrock-batch/schema';
import type { Clock } from '../clock.js';
import type { EmulatorFaults, TagOperationName } from './faults.js';
import type { EmulatedJob, JobRecord } from './job.js';
import type { JobRunner } from './job-runner.js';
import type { JobStore } from './job-store.js';
import { baseModelId, modelIdOf } from './models.js';
import {
  parseCreateJobRequest,
  parseJobIdentifier,
  parseListJobsQuery,
  parseListTagsRequest,
  parseTagResourceRequest,
  parseUntagResourceRequest,
} from './request-validation.js';
import { ServiceException } from './service-exceptions.js';

/** What the operations need from the emulator. */
interface OperationsContext {
  readonly store: JobStore;
  readonly runner: JobRunner;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly modelIds: ReadonlySet<string>;
  readonly defaultTimeoutHours: number;
  readonly listPageSize: number;
  readonly faults: EmulatorFaults;
  quotasFor(modelId: string): BatchQuotas;
}

type WireObject = Record<string, unknown>;

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** A job in the wire shape of GetModelInvocationJob / ModelInvocationJobSummary. */
function toWire(job: JobRecord | EmulatedJob): WireObject {
  const out: WireObject = {
    jobArn: job.jobArn,
    jobName: job.jobName,
    modelId: job.modelId,
    clientRequestToken: job.clientRequestToken,
    roleArn: job.roleArn,
    status: job.status,
    message: job.message,
    submitTime: iso(job.submitTime),
    lastModifiedTime: iso(job.lastModifiedTime),
    endTime: iso(job.endTime),
    inputDataConfig: job.inputDataConfig,
    outputDataConfig: job.outputDataConfig,
    vpcConfig: job.vpcConfig,
    timeoutDurationInHours: job.timeoutDurationInHours,
    jobExpirationTime: iso(job.jobExpirationTime),
    modelInvocationType: job.modelInvocationType,
    totalRecordCount: job.totalRecordCount,
    processedRecordCount: job.processedRecordCount,
    successRecordCount: job.successRecordCount,
    errorRecordCount: job.errorRecordCount,
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

/** The seven control-plane operations, on parsed HTTP input; each returns the response body. */
class BedrockOperations {
  public constructor(private readonly ctx: OperationsContext) {}

  public createModelInvocationJob(body: unknown): WireObject {
    const request = parseCreateJobRequest(body);
    const { store, runner, clock } = this.ctx;
    if (request.clientRequestToken !== undefined) {
      const existing = store.byClientRequestToken(request.clientRequestToken);
      if (existing !== undefined) return { jobArn: existing.jobArn };
    }
    if (
      !this.ctx.modelIds.has(request.modelId) &&
      !this.ctx.modelIds.has(modelIdOf(request.modelId))
    ) {
      throw ServiceException.validation(
        `The provided model identifier is invalid: ${request.modelId}`,
      );
    }
    if (store.byJobName(request.jobName) !== undefined) {
      throw ServiceException.conflict(
        `A batch inference job with the name ${request.jobName} already exists. Use a different jobName.`,
      );
    }
    const quota = this.ctx.quotasFor(request.modelId).maxJobsInFlightPerModel;
    const inFlight = store.inFlight(request.modelId);
    if (inFlight >= quota) {
      throw ServiceException.quota(
        `You have reached the quota of ${quota} batch inference jobs submitted or in progress for model ${baseModelId(request.modelId)} (currently ${inFlight}). Wait for a job to finish or request a quota increase.`,
      );
    }
    const jobId = store.newId();
    const now = clock.now();
    const timeout = request.timeoutDurationInHours ?? this.ctx.defaultTimeoutHours;
    const job: JobRecord = {
      jobId,
      seq: store.nextSeq(),
      jobArn: `arn:aws:bedrock:${this.ctx.region}:${this.ctx.accountId}:model-invocation-job/${jobId}`,
      jobName: request.jobName,
      modelId: request.modelId,
      roleArn: request.roleArn,
      ...(request.clientRequestToken !== undefined
        ? { clientRequestToken: request.clientRequestToken }
        : {}),
      status: JobStatus.Submitted,
      submitTime: now,
      lastModifiedTime: now,
      jobExpirationTime: now + timeout * 3_600_000,
      timeoutDurationInHours: timeout,
      ...(request.modelInvocationType !== undefined
        ? { modelInvocationType: request.modelInvocationType }
        : {}),
      inputDataConfig: request.inputDataConfig,
      outputDataConfig: request.outputDataConfig,
      ...(request.vpcConfig !== undefined ? { vpcConfig: request.vpcConfig } : {}),
      inputTokenCount: 0,
      outputTokenCount: 0,
      tagMap: new Map(request.tags.map((t) => [t.key, t.value])),
      statusHistory: [JobStatus.Submitted],
      outputUris: [],
    };
    store.add(job);
    runner.start(job);
    return { jobArn: job.jobArn };
  }

  public getModelInvocationJob(jobIdentifier: string): WireObject {
    return toWire(this.findJob(jobIdentifier));
  }

  public listModelInvocationJobs(query: URLSearchParams): WireObject {
    const page = this.ctx.store.list(parseListJobsQuery(query), this.ctx.listPageSize);
    return {
      invocationJobSummaries: page.jobs.map(toWire),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }

  public stopModelInvocationJob(jobIdentifier: string): WireObject {
    const job = this.findJob(jobIdentifier);
    this.ctx.runner.stop(job.jobId);
    return {};
  }

  public tagResource(body: unknown): WireObject {
    const { resourceArn, tags } = parseTagResourceRequest(body);
    const job = this.findTaggable(resourceArn, 'TagResource');
    const merged = new Map(job.tagMap);
    for (const tag of tags) merged.set(tag.key, tag.value);
    if (merged.size > 200) {
      throw ServiceException.tooManyTags(
        `The request would give ${resourceArn} ${merged.size} tags; a resource can have at most 200 tags.`,
        resourceArn,
      );
    }
    job.tagMap = merged;
    return {};
  }

  public untagResource(body: unknown): WireObject {
    const { resourceArn, tagKeys } = parseUntagResourceRequest(body);
    const job = this.findTaggable(resourceArn, 'UntagResource');
    for (const key of tagKeys) job.tagMap.delete(key);
    return {};
  }

  public listTagsForResource(body: unknown): WireObject {
    const job = this.findTaggable(parseListTagsRequest(body), 'ListTagsForResource');
    return { tags: [...job.tagMap].map(([key, value]) => ({ key, value })) };
  }

  private findJob(jobIdentifier: string): JobRecord {
    const jobId = parseJobIdentifier(jobIdentifier);
    const job = this.ctx.store.get(jobId);
    if (job === undefined || (jobIdentifier.startsWith('arn:') && jobIdentifier !== job.jobArn)) {
      throw ServiceException.notFound(`The batch inference job ${jobIdentifier} was not found.`);
    }
    return job;
  }

  /** The job of a tagging call, unless the tag fault makes that call fail in its status. */
  private findTaggable(resourceArn: string, operation: TagOperationName): JobRecord {
    const job = this.findByArn(resourceArn);
    const fault = this.ctx.faults.tags;
    if (fault.operations.includes(operation) && fault.unreadableIn.includes(job.status)) {
      throw fault.error === 'ResourceNotFoundException'
        ? ServiceException.notFound(`The resource ${resourceArn} was not found.`)
        : ServiceException.validation(
            `${operation} is not supported for batch inference job ${resourceArn} in status ${job.status}.`,
          );
    }
    return job;
  }

  private findByArn(resourceArn: string): JobRecord {
    const id = /:model-invocation-job\/([a-z0-9]{12})$/.exec(resourceArn)?.[1];
    const job = id === undefined ? undefined : this.ctx.store.get(id);
    if (job === undefined || job.jobArn !== resourceArn) {
      throw ServiceException.notFound(`The resource ${resourceArn} was not found.`);
    }
    return job;
  }
}

export type { OperationsContext };
export { BedrockOperations, toWire };
