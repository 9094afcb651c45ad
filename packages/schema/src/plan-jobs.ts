import { DatasetPlanError } from './errors.js';
import type { BatchQuotas } from './limits.js';

/** The record bounds of one job that {@link planJobs} respects. */
type JobRecordBounds = Pick<BatchQuotas, 'minRecordsPerJob' | 'maxRecordsPerJob'>;

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/** The fewest jobs within the maximum, of near-equal size (the first ones take one more). */
function balanced(total: number, min: number, max: number): number[] {
  const jobs = Math.ceil(total / max);
  const base = Math.floor(total / jobs);
  if (base < min) {
    throw new DatasetPlanError(
      `No number of jobs holds ${total} records with ${min} to ${max} records each (minRecordsPerJob, maxRecordsPerJob): ${jobs} jobs would hold ${base} records, ${jobs - 1} jobs more than ${max}`,
    );
  }
  const larger = total % jobs;
  return Array.from({ length: jobs }, (_, index) => (index < larger ? base + 1 : base));
}

/** Jobs of `size` records; a remainder under the minimum is absorbed or topped up (see planJobs). */
function fixedSize(total: number, size: number, min: number, max: number): number[] {
  const full = Math.floor(total / size);
  const remainder = total % size;
  const sizes = Array.from({ length: full }, () => size);
  if (remainder === 0) return sizes;
  if (remainder >= min) return [...sizes, remainder];
  // Absorb: the remainder joins the last jobs, each growing up to the maximum.
  if (full * (max - size) >= remainder) {
    let left = remainder;
    for (let index = full - 1; left > 0; index--) {
      const added = Math.min(max - size, left);
      sizes[index] = size + added;
      left -= added;
    }
    return sizes;
  }
  // Top up: the last job takes records from the jobs before it until it reaches the minimum.
  if (full * (size - min) >= min - remainder) {
    let needed = min - remainder;
    for (let index = full - 1; needed > 0; index--) {
      const taken = Math.min(size - min, needed);
      sizes[index] = size - taken;
      needed -= taken;
    }
    return [...sizes, min];
  }
  throw new DatasetPlanError(
    `records_per_job ${size} leaves ${remainder} records for a last job, under the minimum of ${min} (minRecordsPerJob), and the other ${full} jobs can neither take them (maximum ${max}) nor give it enough; choose another records_per_job`,
  );
}

/**
 * Splits a dataset of `totalRecords` records into jobs: contiguous ranges in dataset order,
 * returned as their record counts (job `i` starts where job `i - 1` ends).
 *
 * - Without `recordsPerJob`: the fewest jobs that respect `maxRecordsPerJob`, of near-equal size
 *   (sizes differ by at most 1, larger ones first), so none falls under `minRecordsPerJob`.
 * - With `recordsPerJob`: jobs of exactly that size, in order. When the records left for a last
 *   job are fewer than the minimum, they are added to the last jobs instead (each up to the
 *   maximum, from the end); when those are already full, the last job is filled up to the minimum
 *   with records of the jobs before it (each kept at the minimum at least, from the end).
 *
 * @param totalRecords - records in the dataset (blank lines not counted)
 * @param quotas - the model's minimum and maximum records per job
 * @param recordsPerJob - the size the user asked for, within the minimum and maximum
 * @returns the record count of each job, in order; they sum to `totalRecords`
 * @throws DatasetPlanError when `totalRecords` is under the minimum, `recordsPerJob` lies outside
 *   [min, max], or no split respects both bounds (only when the maximum is under twice the minimum)
 *
 * @example
 * ```ts
 * const quotas = { minRecordsPerJob: 100, maxRecordsPerJob: 50_000 };
 * planJobs(50_001, quotas);       // [25001, 25000]
 * planJobs(2_550, quotas, 1_000); // [1000, 1000, 550]
 * planJobs(2_050, quotas, 1_000); // [1000, 1050]
 * ```
 */
function planJobs(totalRecords: number, quotas: JobRecordBounds, recordsPerJob?: number): number[] {
  const { minRecordsPerJob: min, maxRecordsPerJob: max } = quotas;
  if (!isCount(min) || min < 1 || !isCount(max) || max < min) {
    throw new DatasetPlanError(
      `minRecordsPerJob and maxRecordsPerJob must be positive integers, the minimum not above the maximum (received: ${min} and ${max})`,
    );
  }
  if (!isCount(totalRecords)) {
    throw new DatasetPlanError(
      `The record count must be a non-negative integer (received: ${totalRecords})`,
    );
  }
  if (totalRecords < min) {
    throw new DatasetPlanError(
      `The dataset has ${totalRecords} records; a batch job needs at least ${min} (minRecordsPerJob)`,
    );
  }
  if (recordsPerJob === undefined) return balanced(totalRecords, min, max);
  if (!Number.isInteger(recordsPerJob) || recordsPerJob < min || recordsPerJob > max) {
    throw new DatasetPlanError(
      `records_per_job must be an integer from ${min} to ${max} (minRecordsPerJob, maxRecordsPerJob) (received: ${recordsPerJob})`,
    );
  }
  return fixedSize(totalRecords, recordsPerJob, min, max);
}

export type { JobRecordBounds };
export { planJobs };
