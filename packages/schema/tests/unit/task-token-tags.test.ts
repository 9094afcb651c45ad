import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  BEDROCK_API_LIMITS,
  decodeTaskTokenTags,
  encodeTaskTokenTags,
  type JobTag,
  JobTagKey,
  TagSchema,
  TaskTokenTagError,
} from '../../src/index.js';
import { getTestEvent } from '../helpers/events.js';

const TOKEN_ALPHABET = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_.:@',
];
const tokenArbitrary = fc
  .array(fc.constantFrom(...TOKEN_ALPHABET), { minLength: 1, maxLength: 2048 })
  .map((chars) => chars.join(''));

const fullToken = getTestEvent<{ taskToken: string }>('create-job-payload', 'valid-full').taskToken;

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('Function: encodeTaskTokenTags', () => {
  it('splits a 2,048-character token into 8 parts of 256 and a count tag', () => {
    expect(fullToken).toHaveLength(2048);
    const tags = encodeTaskTokenTags(fullToken);
    expect(tags).toHaveLength(9);
    expect(tags[0]).toEqual({ key: JobTagKey.TaskTokenParts, value: '8' });
    for (const tag of tags) {
      expect(TagSchema.safeParse(tag).success).toBe(true);
      expect(tag.value.length).toBeLessThanOrEqual(BEDROCK_API_LIMITS.maxTagValueLength);
    }
  });

  it('uses one part for a short token', () => {
    expect(encodeTaskTokenTags('AQCE==')).toEqual([
      { key: 'bedrock-batch:task-token-parts', value: '1' },
      { key: 'bedrock-batch:task-token:0', value: 'AQCE==' },
    ]);
  });

  it('throws on a token over 2,048 characters without echoing it', () => {
    const error = errorOf(() => encodeTaskTokenTags(`${fullToken}X`));
    expect(error).toBeInstanceOf(TaskTokenTagError);
    expect(error.message).toContain('2049 characters');
    expect(error.message).not.toContain(fullToken.slice(0, 30));
  });

  it('throws on an empty token', () => {
    expect(() => encodeTaskTokenTags('')).toThrow(TaskTokenTagError);
  });

  it('throws on a character tags cannot hold', () => {
    expect(() => encodeTaskTokenTags('abc&def')).toThrow(/character Bedrock tags do not allow/);
  });
});

describe('Function: decodeTaskTokenTags', () => {
  it('round-trips any token of 1 to 2,048 characters (property)', () => {
    fc.assert(
      fc.property(
        tokenArbitrary,
        (token) => decodeTaskTokenTags(encodeTaskTokenTags(token)) === token,
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips in any tag order, among other tags (property)', () => {
    fc.assert(
      fc.property(tokenArbitrary, fc.nat(), (token, seed) => {
        const tags: JobTag[] = [
          { key: 'team', value: 'insights' },
          ...encodeTaskTokenTags(token),
          { key: JobTagKey.ManagedBy, value: 'x' },
        ];
        const shuffled = fc.sample(fc.shuffledSubarray(tags, { minLength: tags.length }), {
          seed,
          numRuns: 1,
        })[0] as JobTag[];
        return decodeTaskTokenTags(shuffled) === token;
      }),
      { numRuns: 200 },
    );
  });

  it('orders part 10 after part 2', () => {
    const parts = Array.from({ length: 12 }, (_, i) => ({
      key: `${JobTagKey.TaskTokenPartPrefix}${i}`,
      value: `p${i}.`,
    }));
    const tags = [{ key: JobTagKey.TaskTokenParts, value: '12' }, ...parts].sort((a, b) =>
      a.key.localeCompare(b.key),
    );
    expect(decodeTaskTokenTags(tags)).toBe('p0.p1.p2.p3.p4.p5.p6.p7.p8.p9.p10.p11.');
  });

  it('accepts SDK tags whose members may be undefined', () => {
    expect(
      decodeTaskTokenTags([{ key: undefined, value: undefined }, ...encodeTaskTokenTags('AQCE')]),
    ).toBe('AQCE');
  });

  it('throws on a gap', () => {
    const tags = encodeTaskTokenTags(fullToken).filter(
      (t) => t.key !== `${JobTagKey.TaskTokenPartPrefix}3`,
    );
    expect(() => decodeTaskTokenTags(tags)).toThrow('part(s) 3 of 8 missing');
  });

  it('throws on a missing last part', () => {
    const tags = encodeTaskTokenTags(fullToken).slice(0, -1);
    expect(() => decodeTaskTokenTags(tags)).toThrow('part(s) 7 of 8 missing');
  });

  it('throws when the count tag is missing', () => {
    const tags = encodeTaskTokenTags('AQCE').slice(1);
    expect(() => decodeTaskTokenTags(tags)).toThrow(/no bedrock-batch:task-token-parts tag/);
  });

  it('throws on a count that is not a whole number', () => {
    expect(() => decodeTaskTokenTags([{ key: JobTagKey.TaskTokenParts, value: '2.5' }])).toThrow(
      'got: "2.5"',
    );
  });

  it('throws on a part beyond the count, a duplicate, a bad index or an empty part', () => {
    const base = encodeTaskTokenTags('AQCE');
    const prefix = JobTagKey.TaskTokenPartPrefix;
    expect(() => decodeTaskTokenTags([...base, { key: `${prefix}1`, value: 'x' }])).toThrow(
      /beyond/,
    );
    expect(() => decodeTaskTokenTags([...base, { key: `${prefix}0`, value: 'x' }])).toThrow(
      /twice/,
    );
    expect(() => decodeTaskTokenTags([...base, { key: `${prefix}01`, value: 'x' }])).toThrow(
      /index/,
    );
    expect(() =>
      decodeTaskTokenTags([base[0] as JobTag, { key: `${prefix}0`, value: '' }]),
    ).toThrow(/empty/);
  });
});
