/**
 * The S3 URIs Bedrock accepts in `CreateModelInvocationJob` (`inputDataConfig` and
 * `outputDataConfig` `s3Uri`): the `S3Uri` shape of the Bedrock service model, 1 to 1,024
 * characters matching, as a whole,
 * `s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?`.
 * So an S3 object key that S3 itself stores fine (a space, `=`, `+`, `~`, `&`, a non-ASCII letter,
 * `//`) cannot be a job's input or output location.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ModelInvocationJobS3InputDataConfig.html
 */

/**
 * Longest S3 URI Bedrock accepts (the `S3Uri` shape's `max`).
 *
 * @example
 * ```ts
 * if (uri.length > BEDROCK_S3_URI_MAX_LENGTH) throw new Error(`${uri} is too long for Bedrock`);
 * ```
 */
const BEDROCK_S3_URI_MAX_LENGTH = 1024;

/** `s3://`, a bucket name of at least 3 characters and `/`: what a key's URI adds, at least. */
const SHORTEST_URI_BEFORE_KEY = 's3://abc/'.length;

/**
 * Longest key that can form an S3 URI Bedrock accepts: 1,015, with `s3://`, the shortest bucket
 * name (3 characters) and `/` (the bucket in use may leave less).
 *
 * @example
 * ```ts
 * const fits = key.length <= BEDROCK_S3_KEY_MAX_LENGTH;
 * ```
 */
const BEDROCK_S3_KEY_MAX_LENGTH = BEDROCK_S3_URI_MAX_LENGTH - SHORTEST_URI_BEFORE_KEY;

/**
 * An S3 URI Bedrock accepts, with the service model's `S3Uri` pattern anchored at both ends
 * (its length, 1 to {@link BEDROCK_S3_URI_MAX_LENGTH}, is checked apart).
 *
 * @example
 * ```ts
 * BEDROCK_S3_URI_PATTERN.test('s3://my-bucket/batch/input-1.jsonl'); // true
 * BEDROCK_S3_URI_PATTERN.test('s3://my-bucket/batch/input 1.jsonl'); // false: a space
 * ```
 */
const BEDROCK_S3_URI_PATTERN =
  /^s3:\/\/[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:\/[-!_*'().a-z0-9A-Z]+(?:\/[-!_*'().a-z0-9A-Z]+)*)?\/?$/;

/**
 * An S3 key (or a prefix ending in `/`) that forms, after `s3://<bucket>/`, an S3 URI Bedrock
 * accepts: segments of letters, digits and `-!_*'().`, separated by single slashes, with an
 * optional `/` at the end.
 *
 * @example
 * ```ts
 * BEDROCK_S3_KEY_PATTERN.test('input/part-1.jsonl'); // true
 * BEDROCK_S3_KEY_PATTERN.test('input/');             // true
 * BEDROCK_S3_KEY_PATTERN.test('input/a=b.jsonl');    // false
 * ```
 */
const BEDROCK_S3_KEY_PATTERN = /^[-!_*'().a-zA-Z0-9]+(?:\/[-!_*'().a-zA-Z0-9]+)*\/?$/;

const KEY_CHARACTER = /^[-!_*'().a-zA-Z0-9]$/;
const BUCKET_NAME = /^[a-z0-9][-.a-z0-9]{1,61}[a-z0-9]$/;
const ALLOWED = "allowed: letters, digits and -!_*'(). between single slashes";

/** A character as the messages show it: quoted, with its code point when it is not plain ASCII. */
function showCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const quoted = JSON.stringify(char);
  return code < 0x20 || code > 0x7e
    ? `${quoted} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`
    : quoted;
}

/**
 * Why `key`, after `s3://<bucket>/`, would not form an S3 URI Bedrock accepts; `undefined` when it
 * would (bucket-independent: the URI's length also depends on the bucket name, see
 * {@link bedrockS3UriProblem}). Positions count characters from 1.
 *
 * @param key - an S3 object key, or a prefix ending in `/`
 * @returns the reason in words, or `undefined`
 *
 * @example
 * ```ts
 * bedrockS3KeyProblem('a b.jsonl');
 * // 'has a character Bedrock does not accept in an S3 URI (" " at position 2); allowed: ...'
 * bedrockS3KeyProblem('input/part-1.jsonl'); // undefined
 * ```
 */
function bedrockS3KeyProblem(key: string): string | undefined {
  if (key === '') return 'must not be empty';
  let position = 0;
  let previous = '';
  for (const char of key) {
    position++;
    if (char === '/') {
      if (position === 1) {
        return `starts with "/": Bedrock does not accept an empty segment in an S3 URI; ${ALLOWED}`;
      }
      if (previous === '/') {
        return `has "//" at position ${position - 1}: Bedrock does not accept an empty segment in an S3 URI; ${ALLOWED}`;
      }
    } else if (!KEY_CHARACTER.test(char)) {
      return `has a character Bedrock does not accept in an S3 URI (${showCharacter(char)} at position ${position}); ${ALLOWED}`;
    }
    previous = char;
  }
  return undefined;
}

/**
 * Why `uri` is not an S3 URI Bedrock accepts (`s3://`, a bucket name of 3 to 63 lowercase letters,
 * digits, `.` and `-`, then an optional key, 1,024 characters at most); `undefined` when it is.
 * The first problem found is reported: scheme, then bucket, then key, then length.
 *
 * @param uri - the `s3Uri` of a job's input or output
 * @returns the reason in words, or `undefined`
 *
 * @example
 * ```ts
 * bedrockS3UriProblem('s3://my-bucket/out put/');
 * // 'has the key "out put/", which has a character Bedrock does not accept in an S3 URI (" " at position 4); ...'
 * bedrockS3UriProblem('s3://my-bucket/output/'); // undefined
 * ```
 */
function bedrockS3UriProblem(uri: string): string | undefined {
  if (!uri.startsWith('s3://')) return 'must start with "s3://"';
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  if (!BUCKET_NAME.test(bucket)) {
    return `has a bucket name Bedrock does not accept in an S3 URI (${JSON.stringify(bucket)}): 3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit`;
  }
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  const keyProblem = key === '' ? undefined : bedrockS3KeyProblem(key);
  if (keyProblem !== undefined) return `has the key ${JSON.stringify(key)}, which ${keyProblem}`;
  if (uri.length > BEDROCK_S3_URI_MAX_LENGTH) {
    return `is ${uri.length} characters long; Bedrock accepts S3 URIs of at most ${BEDROCK_S3_URI_MAX_LENGTH}`;
  }
  return undefined;
}

export {
  BEDROCK_S3_KEY_MAX_LENGTH,
  BEDROCK_S3_KEY_PATTERN,
  BEDROCK_S3_URI_MAX_LENGTH,
  BEDROCK_S3_URI_PATTERN,
  bedrockS3KeyProblem,
  bedrockS3UriProblem,
};
