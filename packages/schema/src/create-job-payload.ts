import * as z from 'zod';
import { BEDROCK_S3_URI_MAX_LENGTH } from './bedrock-s3-uri.js';
import { BEDROCK_API_LIMITS } from './limits.js';
import {
  ExecutionArnSchema,
  FragmentIdSchema,
  KmsKeyIdSchema,
  ManifestKeySchema,
  ModelIdSchema,
  ModelInvocationTypeSchema,
  RoleArnSchema,
  S3UriSchema,
  TagSchema,
  TaskTokenSchema,
  VpcResourceIdSchema,
} from './primitives.js';

/** Payload fields that hold a fragment input field, by the input field's name. */
const FRAGMENT_INPUT_FIELDS: Readonly<Record<string, string>> = {
  jobName: 'job_name',
  manifestKeys: 'manifest_keys',
  modelId: 'model_id',
  modelInvocationType: 'model_invocation_type',
};

const INPUT_URI_PATH = 'inputDataConfig.s3InputDataConfig.s3Uri';

/**
 * Each manifest key must form, in the bucket of the item's input URI, an S3 URI Bedrock accepts:
 * the keys' characters are checked by their own schema; this adds the URI's length, which depends
 * on the bucket name (and which JSON Schema cannot express).
 */
function checkManifestUris(
  payload: { manifestKeys?: unknown; inputDataConfig?: unknown },
  ctx: z.RefinementCtx,
): void {
  const keys = payload.manifestKeys;
  const inputUri = (payload.inputDataConfig as { s3InputDataConfig?: { s3Uri?: unknown } })
    ?.s3InputDataConfig?.s3Uri;
  if (!Array.isArray(keys) || typeof inputUri !== 'string') return;
  const bucket = /^s3:\/\/([^/]+)/.exec(inputUri)?.[1];
  if (bucket === undefined) return;
  keys.forEach((key: unknown, index) => {
    if (typeof key !== 'string') return;
    const length = `s3://${bucket}/${key}`.length;
    if (length <= BEDROCK_S3_URI_MAX_LENGTH) return;
    ctx.addIssue({
      code: 'custom',
      path: ['manifestKeys', index],
      message: `forms an S3 URI of ${length} characters in bucket "${bucket}"; Bedrock accepts at most ${BEDROCK_S3_URI_MAX_LENGTH}`,
    });
  });
}

const AccountIdSchema = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit AWS account id');

/**
 * What the fragment's `lambda:invoke.waitForTaskToken` task hands the create-job handler.
 * It mirrors `CreateModelInvocationJob` (camelCase, same nesting) and adds what the handler
 * needs to tie the job to the waiting task: the task token, the execution ARN and the Map item
 * index. Unknown fields are rejected.
 *
 * - `jobName`: the fragment input's `job_name`, as the user wrote it; the handler makes it valid.
 * - `manifestKeys`: every manifest key of the fragment input (`manifest_keys`), so that each Map
 *   item can check them all (each must form, in the input bucket, an S3 URI Bedrock accepts)
 *   before it creates a job. The item's own input is `inputDataConfig.s3InputDataConfig.s3Uri`.
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
    fragmentId: FragmentIdSchema.optional(),
    jobName: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
    manifestKeys: z.array(ManifestKeySchema).min(1, 'must list at least one manifest').optional(),
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
        s3EncryptionKeyId: KmsKeyIdSchema.optional(),
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
        subnetIds: z
          .array(VpcResourceIdSchema)
          .min(1, 'must list 1 to 16 subnet ids')
          .max(16, 'must list 1 to 16 subnet ids'),
        securityGroupIds: z
          .array(VpcResourceIdSchema)
          .min(1, 'must list 1 to 5 security group ids')
          .max(5, 'must list 1 to 5 security group ids'),
      })
      .optional(),
    tags: z.array(TagSchema).max(BEDROCK_API_LIMITS.maxTagsPerResource).optional(),
  })
  .superRefine(checkManifestUris)
  .meta({
    title: 'CreateJobPayload',
    description: 'Payload the BedrockBatchSfn fragment hands the create-job handler.',
  });

/**
 * The field of the fragment input each payload field comes from (the construct's Map maps
 * `job_name` to `jobName`, ...), so that an error names the field the user wrote. Pass it to
 * {@link validate} as `fieldName`. The item's input URI is named after its manifest key,
 * `manifest_keys[<itemIndex>]`; fields the construct writes keep their own names.
 *
 * @param path - a failing path of the payload, as `validate` writes it (`jobName`, `manifestKeys[2]`)
 * @param data - the payload received
 * @returns the fragment input's name for it, or `undefined` to keep `path`
 *
 * @example
 * ```ts
 * import { CreateJobPayloadSchema, createJobPayloadFieldName, validate } from '@bedrock-batch/schema';
 *
 * // throws 'Invalid CreateJobPayload: job_name: must be at most 1024 characters (received: ...)'
 * validate(CreateJobPayloadSchema, payload, { fieldName: createJobPayloadFieldName });
 * ```
 */
function createJobPayloadFieldName(path: string, data: unknown): string | undefined {
  const head = /^[A-Za-z]+/.exec(path)?.[0];
  const user = head === undefined ? undefined : FRAGMENT_INPUT_FIELDS[head];
  if (user !== undefined) return `${user}${path.slice(head?.length)}`;
  if (path === INPUT_URI_PATH) {
    const index = (data as { itemIndex?: unknown } | null)?.itemIndex;
    return Number.isInteger(index) ? `manifest_keys[${index}]` : 'manifest_keys[?]';
  }
  return undefined;
}

/** The create-job handler's payload, see {@link CreateJobPayloadSchema}. */
type CreateJobPayload = z.infer<typeof CreateJobPayloadSchema>;

export type { CreateJobPayload };
export { CreateJobPayloadSchema, createJobPayloadFieldName };
