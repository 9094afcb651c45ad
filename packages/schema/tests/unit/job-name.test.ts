import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  BEDROCK_API_LIMITS,
  buildJobName,
  isValidJobName,
  JOB_NAME_PATTERN,
} from '../../src/index.js';

describe('Function: buildJobName', () => {
  it('joins plain parts with a hyphen', () => {
    expect(buildJobName('reviews', 0)).toBe('reviews-0');
    expect(buildJobName('reviews', 'exec1', 12)).toBe('reviews-exec1-12');
  });

  it("turns the seed's test_job into a valid name", () => {
    const name = buildJobName('test_job', 0);
    expect(isValidJobName(name)).toBe(true);
    expect(name).toMatch(/^test-job-0--[a-z0-9]{12}$/);
  });

  it('keeps a1+0 and a+10 apart', () => {
    expect(buildJobName('a1', 0)).toBe('a1-0');
    expect(buildJobName('a', 10)).toBe('a-10');
  });

  it('keeps names apart that clean up to the same text', () => {
    const names = new Set([
      buildJobName('test_job', 0),
      buildJobName('test-job', 0),
      buildJobName('test job', 0),
      buildJobName('test-job-0'),
      buildJobName('a-1', 0),
      buildJobName('a', '1-0'),
    ]);
    expect(names.size).toBe(6);
  });

  it('is deterministic', () => {
    expect(buildJobName('Ünïcødé name', 'exec-9f8e', 3)).toBe(
      buildJobName('Ünïcødé name', 'exec-9f8e', 3),
    );
  });

  it('shortens long names to 63 characters with a hash', () => {
    const name = buildJobName('x'.repeat(200), 1);
    expect(name).toHaveLength(BEDROCK_API_LIMITS.maxJobNameLength);
    expect(isValidJobName(name)).toBe(true);
    expect(buildJobName('x'.repeat(200), 2)).not.toBe(name);
  });

  it('falls back to "job" when nothing readable is left', () => {
    expect(buildJobName('___')).toMatch(/^job--[a-z0-9]{12}$/);
    expect(buildJobName('')).toMatch(/^job--[a-z0-9]{12}$/);
  });

  it('returns a valid, bounded name for any input (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.nat()), { maxLength: 4 }),
        (jobName, parts) => {
          const name = buildJobName(jobName, ...parts);
          return name.length >= 1 && name.length <= 63 && JOB_NAME_PATTERN.test(name);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives different names to different inputs (property)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string({ maxLength: 40 }), fc.nat(50)),
        fc.tuple(fc.string({ maxLength: 40 }), fc.nat(50)),
        ([a, i], [b, j]) => {
          fc.pre(a !== b || i !== j);
          return buildJobName(a, i) !== buildJobName(b, j);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('Function: isValidJobName', () => {
  it('rejects underscores, leading hyphens and names over 63 characters', () => {
    expect(isValidJobName('test_job0')).toBe(false);
    expect(isValidJobName('-abc')).toBe(false);
    expect(isValidJobName('a'.repeat(64))).toBe(false);
    expect(isValidJobName('a'.repeat(63))).toBe(true);
    expect(isValidJobName('job-1.2+3')).toBe(true);
  });
});
