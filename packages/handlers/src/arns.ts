import { ExecutionArnSchema, JobArnSchema } from '@bedrock-batch/schema';

/** The parts of a Bedrock batch job ARN. */
interface JobArnParts {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The 12-character job id, also the name of the job's output folder. */
  readonly jobId: string;
}

/**
 * Splits a Bedrock batch job ARN of any partition, or returns `undefined` when the text is not
 * one.
 *
 * @example
 * ```ts
 * parseJobArn('arn:aws-cn:bedrock:cn-north-1:123456789012:model-invocation-job/abcdefghijkl')?.jobId;
 * // 'abcdefghijkl'
 * ```
 */
function parseJobArn(arn: string): JobArnParts | undefined {
  if (!JobArnSchema.safeParse(arn).success) return undefined;
  const [, partition = '', , region = '', accountId = '', resource = ''] = arn.split(':');
  return { partition, region, accountId, jobId: resource.slice(resource.indexOf('/') + 1) };
}

/**
 * The execution name: the last part of a Step Functions execution ARN, or `undefined` when the
 * text is not an execution ARN.
 *
 * @example
 * ```ts
 * executionNameFromArn('arn:aws:states:us-east-1:123456789012:execution:Reviews:run-42'); // 'run-42'
 * ```
 */
function executionNameFromArn(arn: string): string | undefined {
  if (!ExecutionArnSchema.safeParse(arn).success) return undefined;
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** A bucket and a key (or key prefix) from an `s3://` URI. */
interface S3Location {
  readonly bucket: string;
  /** Everything after `s3://bucket/`; empty for the bucket itself. */
  readonly key: string;
}

/**
 * Splits an `s3://bucket/key` URI, or returns `undefined` when the text is not one.
 *
 * @example
 * ```ts
 * parseS3Uri('s3://my-batch-bucket/output/'); // { bucket: 'my-batch-bucket', key: 'output/' }
 * ```
 */
function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (match === null || match[1] === undefined) return undefined;
  return { bucket: match[1], key: match[2] ?? '' };
}

export type { JobArnParts, S3Location };
export { executionNameFromArn, parseJobArn, parseS3Uri };
