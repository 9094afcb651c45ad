import { TaskTokenTagError } from './errors.js';
import { JobTagKey } from './job-tags.js';
import { BEDROCK_API_LIMITS } from './limits.js';
import { TAG_CHARACTERS } from './primitives.js';

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

const PART_INDEX = /^(0|[1-9][0-9]{0,3})$/;

/**
 * Splits a Step Functions task token (up to 2,048 characters) into Bedrock job tags: one
 * {@link JobTagKey.TaskTokenParts} tag with the part count, then parts of at most 256 characters
 * keyed `bedrock-batch:task-token:0`, `:1`, ... A 2,048-character token takes 9 tags.
 *
 * @param token - the task token (`$$.Task.Token`)
 * @returns the tags to add to the job
 * @throws TaskTokenTagError when the token is empty, longer than 2,048 characters, or holds a
 *   character Bedrock tags do not allow (the message gives the length, never the token)
 *
 * @example
 * ```ts
 * const tags = [...userTags, ...encodeTaskTokenTags(payload.taskToken)];
 * await bedrock.send(new CreateModelInvocationJobCommand({ ...request, tags }));
 * ```
 */
function encodeTaskTokenTags(token: string): JobTag[] {
  if (typeof token !== 'string' || token.length === 0) {
    throw new TaskTokenTagError('Task token must be a non-empty string.');
  }
  if (token.length > BEDROCK_API_LIMITS.maxTaskTokenLength) {
    throw new TaskTokenTagError(
      `Task token has ${token.length} characters; the most Step Functions issues is ${BEDROCK_API_LIMITS.maxTaskTokenLength}.`,
    );
  }
  if (!TAG_CHARACTERS.test(token)) {
    throw new TaskTokenTagError(
      `Task token (${token.length} characters) holds a character Bedrock tags do not allow.`,
    );
  }
  const size = BEDROCK_API_LIMITS.maxTagValueLength;
  const parts: JobTag[] = [];
  for (let offset = 0; offset < token.length; offset += size) {
    parts.push({
      key: `${JobTagKey.TaskTokenPartPrefix}${parts.length}`,
      value: token.slice(offset, offset + size),
    });
  }
  return [{ key: JobTagKey.TaskTokenParts, value: String(parts.length) }, ...parts];
}

/**
 * Rebuilds the task token from a job's tags, in any order. Parts are ordered by their numeric
 * index (part 10 after part 2); tags that are not token parts are ignored.
 *
 * @param tags - the job's tags (`ListTagsForResource` output, or the create request's tags)
 * @returns the task token
 * @throws TaskTokenTagError when the count tag is missing or invalid, a part is missing,
 *   duplicated, or beyond the count
 *
 * @example
 * ```ts
 * const { tags = [] } = await bedrock.send(new ListTagsForResourceCommand({ resourceARN: jobArn }));
 * const taskToken = decodeTaskTokenTags(tags);
 * ```
 */
function decodeTaskTokenTags(tags: readonly MaybeJobTag[]): string {
  const countTag = tags.find((tag) => tag.key === JobTagKey.TaskTokenParts);
  if (countTag === undefined) {
    throw new TaskTokenTagError(`Job has no ${JobTagKey.TaskTokenParts} tag: no task token.`);
  }
  const count = Number(countTag.value);
  if (!PART_INDEX.test(countTag.value ?? '') || count < 1) {
    throw new TaskTokenTagError(
      `Tag ${JobTagKey.TaskTokenParts} must be a positive whole number, got: ${JSON.stringify(countTag.value)}.`,
    );
  }
  const parts = new Map<number, string>();
  for (const tag of tags) {
    if (!tag.key?.startsWith(JobTagKey.TaskTokenPartPrefix)) continue;
    const indexText = tag.key.slice(JobTagKey.TaskTokenPartPrefix.length);
    if (!PART_INDEX.test(indexText)) {
      throw new TaskTokenTagError(`Task token tag ${tag.key} has no valid part index.`);
    }
    const index = Number(indexText);
    if (index >= count) {
      throw new TaskTokenTagError(
        `Task token part ${index} is beyond the ${count} parts the ${JobTagKey.TaskTokenParts} tag announces.`,
      );
    }
    if (parts.has(index)) throw new TaskTokenTagError(`Task token part ${index} appears twice.`);
    if (!tag.value) throw new TaskTokenTagError(`Task token part ${index} is empty.`);
    parts.set(index, tag.value);
  }
  const missing: number[] = [];
  for (let index = 0; index < count; index += 1) if (!parts.has(index)) missing.push(index);
  if (missing.length > 0) {
    throw new TaskTokenTagError(
      `Task token is incomplete: part(s) ${missing.join(', ')} of ${count} missing.`,
    );
  }
  let token = '';
  for (let index = 0; index < count; index += 1) token += parts.get(index);
  return token;
}

export type { JobTag, MaybeJobTag };
export { decodeTaskTokenTags, encodeTaskTokenTags };
