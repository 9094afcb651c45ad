import * as z from 'zod';
import { BEDROCK_API_LIMITS } from './limits.js';
import {
  ExecutionArnSchema,
  ModelIdSchema,
  ModelInvocationTypeSchema,
  RoleArnSchema,
  S3UriSchema,
  TagSchema,
  TaskTokenSchema,
} from './primitives.js';

const AccountIdSchema = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit AWS account id');

/**
 * What the fragment's `lambda:invoke.waitForTaskToken` task hands the create-job handler.
 * It mirrors `CreateModelInvocationJob` (camelCase, same nesting) and adds what the handler
 * needs to tie the job to the waiting task: the task token, the execution ARN and the Map item
 * index. Unknown fields are rejected.
 *
 * - `jobName`: the fragment input's `job_name`, as the user wrote it; the handler makes it valid.
 * - `tags`: the user's tags; keys starting with `bedrock-batch:` are reserved.
 * - `fragmentId`: identifies the fragment (its construct address), so two fragments of one state
 *   machine that run the same manifest in the same execution create two jobs, not one.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html
 *
 * @example
 * ```json
 * {
 *   "taskToken": "AQCEAAAAKgAAAAMAAAAAAAAAAQ...",
 *   "executionArn": "arn:aws:states:us-east-1:123456789012:execution:Reviews:5c1b7a7e",
 *   "itemIndex": 0,
 *   "fragmentId": "c8a1f0e2b6d4a9e3f1c7b5a2d8e4f6a0b2c4d6e8f0",
 *   "jobName": "test_job",
 *   "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
 *   "roleArn": "arn:aws:iam::123456789012:role/BedrockBatchRole",
 *   "inputDataConfig": { "s3InputDataConfig": { "s3Uri": "s3://my-batch-bucket/test_key.jsonl" } },
 *   "outputDataConfig": { "s3OutputDataConfig": { "s3Uri": "s3://my-batch-bucket/output/" } },
 *   "timeoutDurationInHours": 48
 * }
 * ```
 */
const CreateJobPayloadSchema = z
  .strictObject({
    taskToken: TaskTokenSchema,
    executionArn: ExecutionArnSchema,
    itemIndex: z.number().int().nonnegative(),
    fragmentId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 letters, digits or ._:-')
      .optional(),
    jobName: z.string().min(1, 'must not be empty').max(1024),
    modelId: ModelIdSchema,
    roleArn: RoleArnSchema,
    inputDataConfig: z.strictObject({
      s3InputDataConfig: z.strictObject({
        s3Uri: S3UriSchema,
        s3InputFormat: z.literal('JSONL').optional(),
        s3BucketOwner: AccountIdSchema.optional(),
      }),
    }),
    outputDataConfig: z.strictObject({
      s3OutputDataConfig: z.strictObject({
        s3Uri: S3UriSchema,
        s3EncryptionKeyId: z.string().min(1).max(2048).optional(),
        s3BucketOwner: AccountIdSchema.optional(),
      }),
    }),
    timeoutDurationInHours: z
      .number()
      .int()
      .min(BEDROCK_API_LIMITS.minTimeoutHours, 'must be at least 24 hours')
      .max(BEDROCK_API_LIMITS.maxTimeoutHours, 'must be at most 168 hours')
      .optional(),
    modelInvocationType: ModelInvocationTypeSchema.optional(),
    vpcConfig: z
      .strictObject({
        subnetIds: z.array(z.string().min(1)).min(1).max(16),
        securityGroupIds: z.array(z.string().min(1)).min(1).max(5),
      })
      .optional(),
    tags: z.array(TagSchema).max(BEDROCK_API_LIMITS.maxTagsPerResource).optional(),
  })
  .meta({
    title: 'CreateJobPayload',
    description: 'Payload the BedrockBatchSfn fragment hands the create-job handler.',
  });

/** The create-job handler's payload, see {@link CreateJobPayloadSchema}. */
type CreateJobPayload = z.infer<typeof CreateJobPayloadSchema>;

export type { CreateJobPayload };
export { CreateJobPayloadSchema };
