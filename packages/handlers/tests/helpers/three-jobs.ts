import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchJobResult } from '@bedrock-batch/schema';
import type { CollectJob } from '../../src/collect-results.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'collect-results');

/**
 * A file of the collect-results fixtures (`tests/fixtures/collect-results/<set>/<name>`).
 *
 * @example
 * ```ts
 * const expected = collectFixture('three-jobs', 'results.expected.jsonl');
 * ```
 */
function collectFixture(set: string, name: string): string {
  return readFileSync(join(folder, set, name), 'utf8');
}

/** The result of job 0 or 1 of the three-jobs dataset. */
function threeJobsResult(index: number): BatchJobResult {
  return JSON.parse(collectFixture('three-jobs', `job-0000${index}.result.json`)) as BatchJobResult;
}

/**
 * Puts the three-jobs dataset into a fake S3 under `workPrefix` of `bucket`: three manifests, the
 * outputs of jobs 0 and 1, and job 2 as expired (see the fixture's README). Returns the jobs, as
 * the fragment hands them to the collection.
 *
 * @example
 * ```ts
 * const jobs = putThreeJobs((key, body) => fake.putObject(BUCKET, key, body), WORK);
 * ```
 */
function putThreeJobs(put: (key: string, body: string) => void, workPrefix: string): CollectJob[] {
  const jobs: CollectJob[] = [];
  for (const index of [0, 1, 2]) {
    const manifestKey = `${workPrefix}manifests/part-0000${index}.jsonl`;
    put(manifestKey, collectFixture('three-jobs', `part-0000${index}.jsonl`));
    if (index === 2) {
      jobs.push({
        manifestKey,
        failure: JSON.parse(collectFixture('three-jobs', 'job-00002.failure.json')),
      });
      continue;
    }
    const result = threeJobsResult(index);
    put(result.keys[0] ?? '', collectFixture('three-jobs', `part-0000${index}.jsonl.out`));
    jobs.push({ manifestKey, result });
  }
  return jobs;
}

export { collectFixture, putThreeJobs, threeJobsResult };
