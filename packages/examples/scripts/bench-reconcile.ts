/**
 * Benchmark: the work of one reconcile run in an account busy with other teams' jobs. For each
 * case, our jobs run (events lost, so reconcile alone heartbeats and delivers them) next to N
 * newer foreign jobs; it prints the Bedrock calls and heartbeats per reconcile run. The work
 * should follow our jobs, not the account's.
 *
 *   pnpm run bench:reconcile
 */
import { reconcileNextToForeignJobs } from '../tests/helpers/foreign-jobs.js';

const PERIODS = 3;
const CASES = [
  { foreignJobs: 0, ourJobs: 3 },
  { foreignJobs: 2_000, ourJobs: 3 },
  { foreignJobs: 4_000, ourJobs: 3 },
  { foreignJobs: 2_000, ourJobs: 10 },
];

const rows: Record<string, string | number>[] = [];
for (const { foreignJobs, ourJobs } of CASES) {
  const run = await reconcileNextToForeignJobs({ foreignJobs, ourJobs, periods: PERIODS });
  try {
    const byOperation: Record<string, number> = {};
    for (const operation of run.bedrockCalls)
      byOperation[operation] = (byOperation[operation] ?? 0) + 1;
    rows.push({
      'foreign jobs': foreignJobs,
      'our jobs': ourJobs,
      'Bedrock calls / run': run.bedrockCalls.length / PERIODS,
      'by operation / run': Object.entries(byOperation)
        .map(([operation, count]) => `${operation} ${count / PERIODS}`)
        .join(', '),
      'heartbeats / run': run.heartbeats / PERIODS,
      'real ms / period': Math.round(run.realMs / PERIODS),
    });
  } finally {
    await run.e2e.stop();
  }
}
console.log(`Reconcile runs measured per case: ${PERIODS} (every event lost, jobs in progress)`);
console.table(rows);
