import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  DatasetPlanError,
  DEFAULT_BATCH_QUOTAS,
  generatedRecordId,
  type JobRecordBounds,
  planJobs,
} from '../../src/index.js';

const quotas: JobRecordBounds = { minRecordsPerJob: 100, maxRecordsPerJob: 1000 };

/** Bounds with min <= max, and a total the bounds can split (at least the minimum). */
const feasible = fc
  .record({ min: fc.integer({ min: 1, max: 500 }), spread: fc.integer({ min: 1, max: 2000 }) })
  .chain(({ min, spread }) => {
    const max = 2 * min + spread - 1; // max >= 2 * min: every total >= min can be split
    return fc.record({
      bounds: fc.constant({ minRecordsPerJob: min, maxRecordsPerJob: max }),
      total: fc.integer({ min, max: max * 40 }),
      size: fc.integer({ min, max }),
    });
  });

function expectWithinBounds(sizes: number[], total: number, bounds: JobRecordBounds): void {
  expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(total);
  for (const size of sizes) {
    expect(Number.isInteger(size)).toBe(true);
    expect(size).toBeGreaterThanOrEqual(bounds.minRecordsPerJob);
    expect(size).toBeLessThanOrEqual(bounds.maxRecordsPerJob);
  }
}

describe('Function: planJobs', () => {
  it('gives one job for exactly the minimum', () => {
    expect(planJobs(100, quotas)).toEqual([100]);
  });

  it('splits one record over the maximum into two balanced jobs', () => {
    expect(planJobs(1001, quotas)).toEqual([501, 500]);
    expect(planJobs(50_001, DEFAULT_BATCH_QUOTAS)).toEqual([25_001, 25_000]);
  });

  it('keeps records_per_job and a last job at or above the minimum', () => {
    expect(planJobs(2550, quotas, 1000)).toEqual([1000, 1000, 550]);
    expect(planJobs(3000, quotas, 1000)).toEqual([1000, 1000, 1000]);
  });

  it('adds a remainder under the minimum to the last jobs, up to the maximum each', () => {
    expect(planJobs(2050, quotas, 500)).toEqual([500, 500, 500, 550]);
    expect(planJobs(1530, { minRecordsPerJob: 100, maxRecordsPerJob: 520 }, 500)).toEqual([
      500, 510, 520,
    ]);
  });

  it('fills a last job up to the minimum when the jobs before it are full', () => {
    expect(planJobs(1030, { minRecordsPerJob: 100, maxRecordsPerJob: 510 }, 500)).toEqual([
      500, 430, 100,
    ]);
  });

  it('throws DatasetPlanError under the minimum, naming the count and the quota', () => {
    expect(() => planJobs(99, quotas)).toThrow(DatasetPlanError);
    expect(() => planJobs(99, quotas)).toThrow(
      'The dataset has 99 records; a batch job needs at least 100 (minRecordsPerJob)',
    );
  });

  it('throws on records_per_job outside the bounds, naming the value', () => {
    expect(() => planJobs(5000, quotas, 99)).toThrow(/records_per_job .*100 to 1000.*received: 99/);
    expect(() => planJobs(5000, quotas, 1001)).toThrow(DatasetPlanError);
    expect(() => planJobs(5000, quotas, 2.5)).toThrow(DatasetPlanError);
  });

  it('throws when no split respects both bounds', () => {
    const narrow = { minRecordsPerJob: 100, maxRecordsPerJob: 150 };
    expect(() => planJobs(151, narrow)).toThrow(/No number of jobs holds 151 records/);
    expect(() => planJobs(151, narrow, 150)).toThrow(/choose another records_per_job/);
    expect(() => planJobs(-1, quotas)).toThrow(DatasetPlanError);
    expect(() => planJobs(100, { minRecordsPerJob: 10, maxRecordsPerJob: 5 })).toThrow(
      DatasetPlanError,
    );
  });

  it('balances: fewest jobs, sizes within 1 of each other, within the bounds', () => {
    fc.assert(
      fc.property(feasible, ({ bounds, total }) => {
        const sizes = planJobs(total, bounds);
        expectWithinBounds(sizes, total, bounds);
        expect(sizes.length).toBe(Math.ceil(total / bounds.maxRecordsPerJob));
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('keeps records_per_job for every job but the last few, within the bounds', () => {
    fc.assert(
      fc.property(feasible, ({ bounds, total, size }) => {
        const sizes = planJobs(total, bounds, size);
        expectWithinBounds(sizes, total, bounds);
        const full = Math.floor(total / size);
        const exact = sizes.filter((jobSize) => jobSize === size).length;
        expect(sizes.length === full || sizes.length === full + 1).toBe(true);
        // Only jobs at the end differ from the size asked for.
        const firstDifferent = sizes.findIndex((jobSize) => jobSize !== size);
        if (firstDifferent !== -1) expect(exact).toBeGreaterThanOrEqual(firstDifferent);
      }),
    );
  });

  it('describes contiguous ranges: job i starts where job i - 1 ends', () => {
    fc.assert(
      fc.property(feasible, ({ bounds, total }) => {
        let start = 0;
        for (const size of planJobs(total, bounds)) {
          expect(start).toBeLessThan(total);
          start += size;
        }
        expect(start).toBe(total);
      }),
    );
  });
});

describe('Function: generatedRecordId', () => {
  it('is R and 11 zero-padded digits of the position', () => {
    expect(generatedRecordId(0)).toBe('R00000000000');
    expect(generatedRecordId(4)).toBe('R00000000004');
    expect(generatedRecordId(99_999_999_999)).toBe('R99999999999');
  });

  it('uses only letters and digits and sorts in position order', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        expect(generatedRecordId(a)).toMatch(/^R[0-9]{11}$/);
        expect(generatedRecordId(a) < generatedRecordId(b)).toBe(a < b);
      }),
    );
  });

  it('throws on a position that is not a small non-negative integer', () => {
    expect(() => generatedRecordId(-1)).toThrow(DatasetPlanError);
    expect(() => generatedRecordId(1.5)).toThrow('received: 1.5');
    expect(() => generatedRecordId(1e11)).toThrow(DatasetPlanError);
  });
});
