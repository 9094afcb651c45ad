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
} as const;

/** A tag as Bedrock takes it (`CreateModelInvocationJob.tags`, `TagResource.tags`). */
interface JobTag {
  key: string;
  value: string;
}

/** A tag as the SDK returns it (`ListTagsForResource`), whose members may be absent. */
interface MaybeJobTag {
  key?: string | undefined;
  value?: string | undefined;
}

/** Prefix of every tag key this product owns. */
const RESERVED_TAG_KEY_PREFIX = 'bedrock-batch:';

/** Value of the {@link JobTagKey.ManagedBy} tag. */
const MANAGED_BY_VALUE = 'bedrock-batch-sfn';

export type { JobTag, MaybeJobTag };
export { JobTagKey, MANAGED_BY_VALUE, RESERVED_TAG_KEY_PREFIX };
