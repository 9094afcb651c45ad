import { describe, expect, it } from '@jest/globals';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffCeiling,
  fullJitterDelay,
} from '../../src/full-jitter-backoff.js';

describe('fullJitterDelay', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffCeiling(attempt))).toEqual([
      BACKOFF_BASE_MS,
      2 * BACKOFF_BASE_MS,
      4 * BACKOFF_BASE_MS,
      8 * BACKOFF_BASE_MS,
      16 * BACKOFF_BASE_MS,
      BACKOFF_CAP_MS,
      BACKOFF_CAP_MS,
    ]);
    expect(backoffCeiling(3, { baseMs: 10, capMs: 25 })).toBe(25);
  });

  it('draws a whole number of milliseconds in [0, ceiling)', () => {
    expect(fullJitterDelay(1, () => 0)).toBe(0);
    expect(fullJitterDelay(2, () => 0.25)).toBe(500);
    expect(fullJitterDelay(3, () => 0.9999999)).toBe(3999);
    expect(fullJitterDelay(40, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
  });
});
