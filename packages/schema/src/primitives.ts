import * as z from 'zod';
import { BEDROCK_API_LIMITS } from './limits.js';

/**
 * Field schemas shared by the contracts. Patterns follow the AWS service models, so a value
 * that passes here is not rejected by the service for its shape.
 */

/** Any AWS partition: `aws`, `aws-cn`, `aws-us-gov`, ... */
const PARTITION = 'aws(?:-[a-z]+)*';

/**
 * An S3 object key (or a prefix ending in `/`): 1 to 1,024 characters, no leading `/`,
 * no control characters.
 */
const S3KeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to reject them
  .regex(/^(?!\/)[^\u0000-\u001f\u007f]+$/, 'must not start with "/" or contain control characters')
  .meta({ title: 'S3Key', description: 'An S3 object key.' });

/** An S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens). */
const S3BucketNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
  .meta({ title: 'S3BucketName' });

/** An `s3://bucket/key` URI, as Bedrock's `s3Uri` fields take it. */
const S3UriSchema = z
  .string()
  .max(1024)
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/.*)?$/, 'must be an s3://bucket/key URI')
  .meta({ title: 'S3Uri' });

/** A Bedrock model id, inference profile id, or model / profile ARN. */
const ModelIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(2048)
  .regex(/^\S+$/, 'must not contain white space')
  .meta({ title: 'ModelId' });

/** The two ways Bedrock can run the records of a job. */
const ModelInvocationTypeSchema = z
  .enum(['InvokeModel', 'Converse'])
  .meta({ title: 'ModelInvocationType' });

/** A Bedrock batch inference job ARN, any partition. */
const JobArnSchema = z
  .string()
  .regex(
    new RegExp(
      `^arn:${PARTITION}:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/[a-z0-9]{12}$`,
    ),
    'must be a Bedrock model-invocation-job ARN',
  )
  .meta({ title: 'JobArn' });

/** An IAM role ARN. */
const RoleArnSchema = z
  .string()
  .max(2048)
  .regex(new RegExp(`^arn:${PARTITION}:iam::(?:[0-9]{12})?:role/.+$`), 'must be an IAM role ARN')
  .meta({ title: 'RoleArn' });

/** A Step Functions execution ARN (standard workflows; callbacks need them). */
const ExecutionArnSchema = z
  .string()
  .max(2048)
  .regex(
    new RegExp(`^arn:${PARTITION}:states:[a-z0-9-]+:[0-9]{12}:execution:[^:\\s]+:[^:\\s]+$`),
    'must be a Step Functions execution ARN',
  )
  .meta({ title: 'ExecutionArn' });

/** A Step Functions task token (`$$.Task.Token`): 1 to 2,048 characters. */
const TaskTokenSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(BEDROCK_API_LIMITS.maxTaskTokenLength, 'must be at most 2048 characters')
  .meta({ title: 'TaskToken' });

/** Characters Bedrock allows in tag keys and values. */
const TAG_CHARACTERS = /^[a-zA-Z0-9\s._:/=+@-]*$/;

/** A Bedrock resource tag, `{ key, value }`. */
const TagSchema = z
  .strictObject({
    key: z
      .string()
      .min(1)
      .max(BEDROCK_API_LIMITS.maxTagKeyLength)
      .regex(TAG_CHARACTERS, 'must use only letters, digits, white space and _.:/=+-@'),
    value: z
      .string()
      .max(BEDROCK_API_LIMITS.maxTagValueLength)
      .regex(TAG_CHARACTERS, 'must use only letters, digits, white space and _.:/=+-@'),
  })
  .meta({ title: 'Tag' });

/** A count of records or tokens: a non-negative integer. */
const CountSchema = z.number().int().nonnegative();

export {
  CountSchema,
  ExecutionArnSchema,
  JobArnSchema,
  ModelIdSchema,
  ModelInvocationTypeSchema,
  RoleArnSchema,
  S3BucketNameSchema,
  S3KeySchema,
  S3UriSchema,
  TAG_CHARACTERS,
  TagSchema,
  TaskTokenSchema,
};
