import { createHash } from 'node:crypto';
import { BEDROCK_API_LIMITS } from './limits.js';

/** The `jobName` pattern of `CreateModelInvocationJob` (from the service model). */
const JOB_NAME_PATTERN = /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/;

const PLAIN_PART = /^[A-Za-z0-9]+$/;
const HASH_LENGTH = 12;
const HASH_SEPARATOR = '--';

function shortHash(parts: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return (digest.readBigUInt64BE(0) % 36n ** BigInt(HASH_LENGTH))
    .toString(36)
    .padStart(HASH_LENGTH, '0');
}

/**
 * Builds a Bedrock job name from a user's job name and the parts that make it unique (the
 * execution name, the Map index, ...). The result always matches Bedrock's pattern and
 * 63-character limit, is deterministic, and differs for different inputs:
 *
 * - when every part is plain letters and digits and the joined name fits, it is the parts joined
 *   by `-`: `buildJobName('reviews', 0)` is `reviews-0`;
 * - otherwise it is a cleaned, shortened prefix, `--`, and a 12-character hash of the exact
 *   parts: `buildJobName('test_job', 0)` is `test-job-0--` plus the hash.
 *
 * Plain names never contain `--`, and hashed names always do, so the two forms never collide
 * (`a1`+`0` gives `a1-0`, `a`+`10` gives `a-10`).
 *
 * @param jobName - the user's job name, any text
 * @param uniqueParts - values that distinguish jobs created from the same name
 * @returns a valid Bedrock `jobName`
 *
 * @example
 * ```ts
 * const name = buildJobName(payload.jobName, executionName, payload.itemIndex);
 * ```
 */
function buildJobName(jobName: string, ...uniqueParts: ReadonlyArray<string | number>): string {
  const parts = [String(jobName), ...uniqueParts.map(String)];
  const joined = parts.join('-');
  if (
    joined.length <= BEDROCK_API_LIMITS.maxJobNameLength &&
    parts.every((p) => PLAIN_PART.test(p))
  ) {
    return joined;
  }
  const hash = shortHash(parts);
  const room = BEDROCK_API_LIMITS.maxJobNameLength - HASH_SEPARATOR.length - HASH_LENGTH;
  const readable = joined
    .replace(/[^A-Za-z0-9+.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, room)
    .replace(/[^A-Za-z0-9]+$/, '');
  return `${readable || 'job'}${HASH_SEPARATOR}${hash}`;
}

/**
 * Whether `name` is a job name Bedrock accepts (pattern and length).
 *
 * @example
 * ```ts
 * isValidJobName('test_job'); // false: underscores are not allowed
 * ```
 */
function isValidJobName(name: string): boolean {
  return name.length <= BEDROCK_API_LIMITS.maxJobNameLength && JOB_NAME_PATTERN.test(name);
}

export { buildJobName, isValidJobName, JOB_NAME_PATTERN };
