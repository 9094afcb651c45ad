import { describe, expect, it } from '@jest/globals';
import {
  BEDROCK_S3_KEY_MAX_LENGTH,
  BEDROCK_S3_KEY_PATTERN,
  BEDROCK_S3_URI_MAX_LENGTH,
  BEDROCK_S3_URI_PATTERN,
  bedrockS3KeyProblem,
  bedrockS3UriProblem,
} from '../../src/index.js';

/** The `S3Uri` shape's pattern, as the Bedrock service model (botocore service-2.json) writes it. */
const MODEL_S3_URI =
  "s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?";
const modelPattern = new RegExp(`^(?:${MODEL_S3_URI})$`);

const ALLOWED = "allowed: letters, digits and -!_*'(). between single slashes";

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys made of characters near the edges of the allowed set. */
function sampleKeys(count: number): string[] {
  const alphabet = ['a', 'Z', '9', '-', '!', '_', '*', "'", '(', ')', '.', '/', ' ', '=', '+', '~'];
  alphabet.push('&', '%', '\u00e9', '\u00a0', '\t', '\\', '"', '#', '?', ':', '@', '$', ',');
  const next = random(12);
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(next() * 8);
    return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  });
}

describe('Constant: BEDROCK_S3_URI_PATTERN', () => {
  it.each([
    ['s3://my-bucket', true],
    ['s3://my-bucket/', true],
    ['s3://my.bucket-1/input/part-1.jsonl', true],
    ["s3://abc/Dir_(1)/it's!*.jsonl", true],
    ['s3://abc/dir/', true],
    ['s3://ab/a.jsonl', false],
    ['s3://-abc/a.jsonl', false],
    ['s3://abc-/a.jsonl', false],
    ['s3://Abc/a.jsonl', false],
    ['s3://abc//a.jsonl', false],
    ['s3://abc/a//b.jsonl', false],
    ['s3://abc/a b.jsonl', false],
    ['s3://abc/a=b.jsonl', false],
    ['s3://abc/a+b.jsonl', false],
    ['s3://abc/a~b.jsonl', false],
    ['s3://abc/caf\u00e9.jsonl', false],
    ['https://abc/a.jsonl', false],
    [' s3://abc/a.jsonl', false],
  ])('matches %j as the service model does: %s', (uri, expected) => {
    expect(BEDROCK_S3_URI_PATTERN.test(uri)).toBe(expected);
    expect(modelPattern.test(uri)).toBe(expected);
  });

  it('agrees with the service model on generated URIs', () => {
    const uris = sampleKeys(2000).map((key) => `s3://my-bucket/${key}`);
    const disagreements = uris.filter(
      (uri) => BEDROCK_S3_URI_PATTERN.test(uri) !== modelPattern.test(uri),
    );
    expect(disagreements).toEqual([]);
    expect(uris.filter((uri) => modelPattern.test(uri)).length).toBeGreaterThan(50);
  });
});

describe('Function: bedrockS3KeyProblem', () => {
  it.each([
    [
      'a b.jsonl',
      `has a character Bedrock does not accept in an S3 URI (" " at position 2); ${ALLOWED}`,
    ],
    [
      'date=2026-11-25/part-1.jsonl',
      `has a character Bedrock does not accept in an S3 URI ("=" at position 5); ${ALLOWED}`,
    ],
    [
      'r\u00e9sum\u00e9.jsonl',
      `has a character Bedrock does not accept in an S3 URI ("\u00e9" (U+00E9) at position 2); ${ALLOWED}`,
    ],
    [
      'tab\there',
      `has a character Bedrock does not accept in an S3 URI ("\\t" (U+0009) at position 4); ${ALLOWED}`,
    ],
    [
      '/absolute.jsonl',
      `starts with "/": Bedrock does not accept an empty segment in an S3 URI; ${ALLOWED}`,
    ],
    [
      'input//part-1.jsonl',
      `has "//" at position 6: Bedrock does not accept an empty segment in an S3 URI; ${ALLOWED}`,
    ],
    ['', 'must not be empty'],
  ])('explains %j', (key, reason) => {
    expect(bedrockS3KeyProblem(key)).toBe(reason);
    expect(BEDROCK_S3_KEY_PATTERN.test(key)).toBe(false);
  });

  it.each(['input/part-1.jsonl', 'input/batch-3/', "Dir_(1)/it's!*.jsonl", 'a'])(
    'accepts %j',
    (key) => {
      expect(bedrockS3KeyProblem(key)).toBeUndefined();
      expect(BEDROCK_S3_KEY_PATTERN.test(key)).toBe(true);
    },
  );

  it('finds a problem exactly when the key does not form a URI of the model pattern', () => {
    const mismatches = sampleKeys(3000).filter(
      (key) =>
        (bedrockS3KeyProblem(key) === undefined) !== modelPattern.test(`s3://my-bucket/${key}`) ||
        BEDROCK_S3_KEY_PATTERN.test(key) !== modelPattern.test(`s3://my-bucket/${key}`),
    );
    expect(mismatches).toEqual([]);
  });
});

describe('Function: bedrockS3UriProblem', () => {
  it.each([
    ['https://abc/a.jsonl', 'must start with "s3://"'],
    [
      's3://My_Bucket/a.jsonl',
      'has a bucket name Bedrock does not accept in an S3 URI ("My_Bucket"): 3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit',
    ],
    [
      's3://my-bucket/out put/',
      `has the key "out put/", which has a character Bedrock does not accept in an S3 URI (" " at position 4); ${ALLOWED}`,
    ],
    [
      `s3://my-bucket/${'k'.repeat(1010)}`,
      'is 1025 characters long; Bedrock accepts S3 URIs of at most 1024',
    ],
  ])('explains %j', (uri, reason) => {
    expect(bedrockS3UriProblem(uri)).toBe(reason);
  });

  it('accepts the longest URI Bedrock accepts', () => {
    const uri = `s3://my-bucket/${'k'.repeat(1009)}`;
    expect(uri).toHaveLength(BEDROCK_S3_URI_MAX_LENGTH);
    expect(bedrockS3UriProblem(uri)).toBeUndefined();
  });

  it('leaves room in the key limit for s3://, the shortest bucket name and a slash', () => {
    const uri = `s3://abc/${'k'.repeat(BEDROCK_S3_KEY_MAX_LENGTH)}`;
    expect(uri).toHaveLength(BEDROCK_S3_URI_MAX_LENGTH);
    expect(bedrockS3UriProblem(uri)).toBeUndefined();
  });

  it('finds a problem exactly when the URI breaks the model pattern or length', () => {
    const uris = sampleKeys(2000).map((key, i) =>
      i % 7 === 0 ? `s3://a${key}` : `s3://abc/${key}`,
    );
    const mismatches = uris.filter(
      (uri) =>
        (bedrockS3UriProblem(uri) === undefined) !==
        (modelPattern.test(uri) && uri.length <= BEDROCK_S3_URI_MAX_LENGTH),
    );
    expect(mismatches).toEqual([]);
  });
});
