import {
  BEDROCK_API_LIMITS,
  type JobTag,
  type MaybeJobTag,
  RESERVED_TAG_KEY_PREFIX,
} from '@bedrock-batch/schema';
import { InvalidInputError } from './errors.js';
import { quoteValue } from './quote-value.js';

/**
 * The value of a tag, or `undefined` when the job has no tag with that key.
 *
 * @example
 * ```ts
 * const executionArn = tagValue(tags, JobTagKey.ExecutionArn);
 * ```
 */
function tagValue(tags: readonly MaybeJobTag[], key: string): string | undefined {
  return tags.find((tag) => tag.key === key)?.value;
}

/**
 * Joins the user's tags with the tags this product needs, and checks them: no user key may use
 * the reserved `bedrock-batch:` prefix (in any letter case) or appear twice, and the total must
 * stay within Bedrock's 200 tags per job.
 *
 * @param userTags - the payload's `tags`
 * @param productTags - the tags this product writes (owner, execution, task token)
 * @returns user tags first, then product tags
 * @throws InvalidInputError naming the offending tag and value, or the count received
 *
 * @example
 * ```ts
 * const tags = mergeJobTags(payload.tags ?? [], [ownerTag, executionTag]);
 * ```
 */
function mergeJobTags(userTags: readonly JobTag[], productTags: readonly JobTag[]): JobTag[] {
  const seen = new Set<string>();
  userTags.forEach((tag, index) => {
    if (tag.key.toLowerCase().startsWith(RESERVED_TAG_KEY_PREFIX)) {
      throw new InvalidInputError(
        `tags[${index}].key: keys starting with "${RESERVED_TAG_KEY_PREFIX}" are reserved for this product (received: ${quoteValue(tag.key)})`,
      );
    }
    if (seen.has(tag.key)) {
      throw new InvalidInputError(
        `tags[${index}].key: appears more than once (received: ${quoteValue(tag.key)})`,
      );
    }
    seen.add(tag.key);
  });
  const total = userTags.length + productTags.length;
  if (total > BEDROCK_API_LIMITS.maxTagsPerResource) {
    const room = BEDROCK_API_LIMITS.maxTagsPerResource - productTags.length;
    throw new InvalidInputError(
      `tags: a job holds at most ${BEDROCK_API_LIMITS.maxTagsPerResource} tags and this product needs ${productTags.length}, so at most ${room} user tags fit (received: ${userTags.length} tags)`,
    );
  }
  return [...userTags, ...productTags];
}

export { mergeJobTags, tagValue };
