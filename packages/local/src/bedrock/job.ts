import type { JobStatusValue } from '@bedrock-batch/schema';
import type { ModelInvocationType } from './responses.js';

/** S3 input settings of a job, as CreateModelInvocationJob received them. */
interface EmulatedJobInputConfig {
  readonly s3InputDataConfig: {
    readonly s3Uri: string;
    readonly s3InputFormat?: string;
    readonly s3BucketOwner?: string;
  };
}

/** S3 output settings of a job, as CreateModelInvocationJob received them. */
interface EmulatedJobOutputConfig {
  readonly s3OutputDataConfig: {
    readonly s3Uri: string;
    readonly s3EncryptionKeyId?: string;
    readonly s3BucketOwner?: string;
  };
}

/**
 * A job as the emulator holds it (a copy: changing it changes nothing). Times are virtual epoch
 * milliseconds of the emulator's clock.
 */
interface EmulatedJob {
  /** The 12-character job id, last part of the ARN. */
  readonly jobId: string;
  readonly jobArn: string;
  readonly jobName: string;
  readonly modelId: string;
  readonly roleArn: string;
  readonly clientRequestToken?: string;
  readonly status: JobStatusValue;
  /** Why the job failed, expired or stopped. */
  readonly message?: string;
  readonly submitTime: number;
  readonly lastModifiedTime: number;
  readonly endTime?: number;
  readonly jobExpirationTime: number;
  readonly timeoutDurationInHours: number;
  readonly modelInvocationType?: ModelInvocationType;
  readonly inputDataConfig: EmulatedJobInputConfig;
  readonly outputDataConfig: EmulatedJobOutputConfig;
  readonly vpcConfig?: Readonly<Record<string, unknown>>;
  readonly totalRecordCount?: number;
  readonly processedRecordCount?: number;
  readonly successRecordCount?: number;
  readonly errorRecordCount?: number;
  /** Input tokens of the records processed so far. */
  readonly inputTokenCount: number;
  /** Output tokens of the records processed so far. */
  readonly outputTokenCount: number;
  /** Tags, key to value. */
  readonly tags: Readonly<Record<string, string>>;
  /** Every status the job went through, in order. */
  readonly statusHistory: readonly JobStatusValue[];
  /** `s3://` URIs of the output files and manifest written, once written. */
  readonly outputUris: readonly string[];
  /** The forced outcome applied to the job, if a fault matched. */
  readonly forcedOutcome?: string;
}

/** The mutable job record behind {@link EmulatedJob}. */
type JobRecord = {
  -readonly [K in keyof Omit<EmulatedJob, 'tags' | 'statusHistory' | 'outputUris'>]: EmulatedJob[K];
} & {
  /** Creation order, for sorting and pagination. */
  readonly seq: number;
  tagMap: Map<string, string>;
  statusHistory: JobStatusValue[];
  outputUris: string[];
};

/** A copy of a job record for inspection. */
function snapshotJob(job: JobRecord): EmulatedJob {
  const { seq: _seq, tagMap, ...rest } = job;
  return {
    ...rest,
    tags: Object.fromEntries(tagMap),
    statusHistory: [...job.statusHistory],
    outputUris: [...job.outputUris],
  };
}

export type { EmulatedJob, EmulatedJobInputConfig, EmulatedJobOutputConfig, JobRecord };
export { snapshotJob };
