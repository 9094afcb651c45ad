/**
 * Tag keys this product writes on the Bedrock jobs it creates. Every key starts with
 * {@link RESERVED_TAG_KEY_PREFIX}; user tags may not.
 *
 * @example
 * ```ts
 * const ours = tags.some((t) => t.key === JobTagKey.ManagedBy && t.value === MANAGED_BY_VALUE);
 * ```
 */
const JobTagKey = {
  /** Marks a job as created by this product; its value is {@link MANAGED_BY_VALUE}. */
  ManagedBy: 'bedrock-batch:managed-by',
  /** The Step Functions execution ARN that created the job. */
  ExecutionArn: 'bedrock-batch:execution-arn',
  /** How many task-token parts follow. */
  TaskTokenParts: 'bedrock-batch:task-token-parts',
  /** Prefix of the task-token parts: `bedrock-batch:task-token:0`, `:1`, ... */
  TaskTokenPartPrefix: 'bedrock-batch:task-token:',
  /** Set once the job's result was delivered to Step Functions. */
  Delivered: 'bedrock-batch:delivered',
} as const;

/** Prefix of every tag key this product owns. */
const RESERVED_TAG_KEY_PREFIX = 'bedrock-batch:';

/** Value of the {@link JobTagKey.ManagedBy} tag. */
const MANAGED_BY_VALUE = 'bedrock-batch-sfn';

export { JobTagKey, MANAGED_BY_VALUE, RESERVED_TAG_KEY_PREFIX };
