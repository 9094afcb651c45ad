import * as z from 'zod';
import {
  BEDROCK_S3_KEY_MAX_LENGTH,
  BEDROCK_S3_KEY_PATTERN,
  BEDROCK_S3_URI_MAX_LENGTH,
  BEDROCK_S3_URI_PATTERN,
  bedrockS3KeyProblem,
  bedrockS3UriProblem,
} from './bedrock-s3-uri.js';
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

/**
 * An S3 key (or a prefix ending in `/`) that Bedrock accepts as the key of a job's input: it forms,
 * after `s3://<bucket>/`, an S3 URI of the service model's `S3Uri` pattern (letters, digits and
 * `-!_*'().` between single slashes; see {@link BEDROCK_S3_KEY_PATTERN}), and leaves room for
 * `s3://` and the shortest bucket name within the URI's 1,024 characters.
 *
 * @example
 * ```ts
 * ManifestKeySchema.safeParse('input/part-1.jsonl').success; // true
 * ManifestKeySchema.safeParse('input/part 1.jsonl').error?.issues[0]?.message;
 * // 'has a character Bedrock does not accept in an S3 URI (" " at position 11); allowed: ...'
 * ```
 */
const ManifestKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(
    BEDROCK_S3_KEY_MAX_LENGTH,
    `must be at most ${BEDROCK_S3_KEY_MAX_LENGTH} characters, so that the S3 URI Bedrock takes holds at most ${BEDROCK_S3_URI_MAX_LENGTH}`,
  )
  .regex(BEDROCK_S3_KEY_PATTERN, {
    error: (issue) =>
      typeof issue.input === 'string' ? bedrockS3KeyProblem(issue.input) : undefined,
  })
  .meta({
    title: 'ManifestKey',
    description:
      "An S3 key whose s3:// URI Bedrock accepts: letters, digits and -!_*'(). between single slashes.",
  });

/**
 * An `s3://bucket/key` URI that Bedrock accepts in a job's `s3Uri` fields: the service model's
 * `S3Uri` shape, 1 to 1,024 characters (see {@link BEDROCK_S3_URI_PATTERN}).
 *
 * @example
 * ```ts
 * S3UriSchema.parse('s3://my-bucket/output/'); // ok
 * S3UriSchema.safeParse('s3://my-bucket/a=b/').success; // false
 * ```
 */
const S3UriSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(
    BEDROCK_S3_URI_MAX_LENGTH,
    `must be at most ${BEDROCK_S3_URI_MAX_LENGTH} characters, as Bedrock requires`,
  )
  .regex(BEDROCK_S3_URI_PATTERN, {
    error: (issue) =>
      typeof issue.input === 'string' ? bedrockS3UriProblem(issue.input) : undefined,
  })
  .meta({ title: 'S3Uri' });

/**
 * A Bedrock model id, inference profile id, or model / profile ARN: the service model's `ModelId`
 * pattern, matched as a whole.
 *
 * @example
 * ```ts
 * MODEL_ID_PATTERN.test('anthropic.claude-3-haiku-20240307-v1:0'); // true
 * MODEL_ID_PATTERN.test('us.amazon.nova-pro-v1:0');                // true
 * MODEL_ID_PATTERN.test('anthropic/claude');                       // false
 * ```
 */
const MODEL_ID_PATTERN =
  /^(?:(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model\/[a-z0-9-]{1,63}[.]{1}[a-z0-9-:]{1,63}\/[a-z0-9]{12}$)|(:foundation-model\/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)$)|([0-9]{12}:(inference-profile|application-inference-profile)\/[a-zA-Z0-9-:.]+$)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+))$/;

/**
 * A Bedrock model id, inference profile id, or model / profile ARN: the service model's `ModelId`
 * shape, 1 to 2,048 characters (see {@link MODEL_ID_PATTERN}).
 *
 * @example
 * ```ts
 * ModelIdSchema.parse('us.amazon.nova-pro-v1:0'); // ok
 * ```
 */
const ModelIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters')
  .regex(
    MODEL_ID_PATTERN,
    'must be a model id ("anthropic.claude-3-haiku-20240307-v1:0"), an inference profile id ("us.amazon.nova-pro-v1:0") or a model or profile ARN, as Bedrock requires',
  )
  .meta({ title: 'ModelId' });

/**
 * A KMS key Bedrock accepts as a job's `s3EncryptionKeyId`: the service model's `KmsKeyId`
 * pattern (a key ARN, an alias ARN, a key id of 36 characters or `alias/<name>`), matched as a
 * whole.
 *
 * @example
 * ```ts
 * KMS_KEY_ID_PATTERN.test('arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'); // true
 * KMS_KEY_ID_PATTERN.test('alias/batch-output'); // true
 * KMS_KEY_ID_PATTERN.test('batch-output');       // false
 * ```
 */
const KMS_KEY_ID_PATTERN =
  /^(?:(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key\/[a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+)))|([a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+))$/;

/**
 * A KMS key id, alias, or their ARN, 1 to 2,048 characters (see {@link KMS_KEY_ID_PATTERN}).
 *
 * @example
 * ```ts
 * KmsKeyIdSchema.parse('alias/batch-output'); // ok
 * ```
 */
const KmsKeyIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters')
  .regex(
    KMS_KEY_ID_PATTERN,
    'must be a KMS key ARN, alias ARN, key id (36 characters) or "alias/<name>", as Bedrock requires',
  )
  .meta({ title: 'KmsKeyId' });

/**
 * A subnet or security group id Bedrock accepts in a job's `vpcConfig`: the service model's
 * `SubnetId` and `SecurityGroupId` pattern, letters, digits and `-` (at most
 * {@link VPC_RESOURCE_ID_MAX_LENGTH} of them).
 *
 * @example
 * ```ts
 * VPC_RESOURCE_ID_PATTERN.test('subnet-0a1b2c3d4e5f67890'); // true
 * VPC_RESOURCE_ID_PATTERN.test('subnet_1');                 // false
 * ```
 */
const VPC_RESOURCE_ID_PATTERN = /^[-0-9a-zA-Z]+$/;

/**
 * Longest subnet or security group id Bedrock accepts.
 *
 * @example
 * ```ts
 * const ok = id.length <= VPC_RESOURCE_ID_MAX_LENGTH && VPC_RESOURCE_ID_PATTERN.test(id);
 * ```
 */
const VPC_RESOURCE_ID_MAX_LENGTH = 32;

/**
 * A subnet or security group id (see {@link VPC_RESOURCE_ID_PATTERN}).
 *
 * @example
 * ```ts
 * VpcResourceIdSchema.parse('sg-0123456789abcdef0'); // ok
 * ```
 */
const VpcResourceIdSchema = z
  .string()
  .max(VPC_RESOURCE_ID_MAX_LENGTH, `must be at most ${VPC_RESOURCE_ID_MAX_LENGTH} characters`)
  .regex(VPC_RESOURCE_ID_PATTERN, 'must be letters, digits and "-" only, as Bedrock requires')
  .meta({ title: 'VpcResourceId' });

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

/**
 * The address of a `BedrockBatchSfn` fragment in its app (its construct address), which the
 * fragment hands its functions so that two fragments of one state machine never share a job name
 * or a work folder.
 */
const FragmentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 letters, digits or ._:-')
  .meta({ title: 'FragmentId' });

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
  FragmentIdSchema,
  JobArnSchema,
  KMS_KEY_ID_PATTERN,
  KmsKeyIdSchema,
  ManifestKeySchema,
  MODEL_ID_PATTERN,
  ModelIdSchema,
  ModelInvocationTypeSchema,
  RoleArnSchema,
  S3BucketNameSchema,
  S3KeySchema,
  S3UriSchema,
  TAG_CHARACTERS,
  TagSchema,
  TaskTokenSchema,
  VPC_RESOURCE_ID_MAX_LENGTH,
  VPC_RESOURCE_ID_PATTERN,
  VpcResourceIdSchema,
};
