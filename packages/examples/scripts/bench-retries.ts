/**
 * Benchmark: the makespan of a 1,000-record dataset whose batch jobs fail a share of their
 * records for a transient reason (throttled, 429), against the same dataset with no error, on
 * the local runtime's virtual clock. Prints, per case, the rounds, each round's records and how
 * they ran (batch job or on demand), the jobs and runtime calls, the virtual makespan and its
 * ratio to the error-free run, the state transitions and Lambda invocations, and the wall time.
 *
 * Each job spends one virtual hour in progress. On-demand calls take no virtual time (the
 * emulator answers at once): on AWS a round answered on demand costs the model's latency per
 * call divided by `onDemandConcurrency`, seconds to minutes for a round under the minimum.
 *
 *   pnpm run build && pnpm --filter @bedrock-batch/examples run bench:retries
 */
import { DatasetResultSchema, ResultLineSchema } from '@bedrock-batch/schema';
import { generateReviewRecords } from '../src/demo/sample-reviews.js';
import { MODEL_ID, startE2e } from '../tests/helpers/e2e-harness.js';

// The steps' own INFO lines would bury the table.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const RECORDS = 1_000;
const PHASES = { submitted: 0, validating: 60_000, scheduled: 60_000, inProgress: 3_600_000 };

interface Case {
  readonly label: string;
  /** Share of each batch job's records throttled (429). */
  readonly transientRate: number;
}

const CASES: Case[] = [
  { label: 'no error', transientRate: 0 },
  { label: '5% throttled', transientRate: 0.05 },
  { label: '20% throttled', transientRate: 0.2 },
];

const dataset = generateReviewRecords(51, RECORDS)
  .records.map((record) => JSON.stringify(record))
  .join('\n');
const rows: Record<string, string | number>[] = [];
let baselineMs = 0;
for (const { label, transientRate } of CASES) {
  const e2e = await startE2e({ bedrock: { phaseDurations: PHASES } });
  try {
    await e2e.put('data/reviews.jsonl', dataset);
    if (transientRate > 0) {
      e2e.local.bedrock.faults.recordErrors.push({ rate: transientRate, errorCode: 429 });
    }
    const wallStart = performance.now();
    const result = await e2e.run(
      e2e.start({ job_name: 'reviews', dataset_keys: ['data/reviews.jsonl'], model_id: MODEL_ID }),
    );
    const wallMs = performance.now() - wallStart;
    if (result.status !== 'SUCCEEDED') {
      throw new Error(`${label}: execution ${result.status}: ${result.error} ${result.cause}`);
    }
    const output = DatasetResultSchema.parse(result.output);
    const lines = (await e2e.text(output.results_key))
      .trim()
      .split('\n')
      .map((line) => ResultLineSchema.parse(JSON.parse(line)));
    const makespan = (result.history.at(-1)?.timestamp ?? 0) - (result.history[0]?.timestamp ?? 0);
    if (transientRate === 0) baselineMs = makespan;
    const jobs = e2e.local.bedrock.jobs.list();
    const rounds = [
      `0: ${jobs[0]?.totalRecordCount ?? 0} batch`,
      ...jobs.slice(1).map((job, index) => `${index + 1}: ${job.totalRecordCount} batch`),
    ];
    const onDemand = lines.filter((line) => line.mode === 'on_demand').length;
    if (onDemand > 0) rounds.push(`${output.retries.rounds}: ${onDemand} on demand`);
    const invocations = [...e2e.app.functions.values()]
      .filter((fn) => !fn.name.includes('Reconcile'))
      .reduce((sum, fn) => sum + fn.invocations, 0);
    rows.push({
      case: label,
      answered: `${output.record_counts.success}/${output.record_counts.total}`,
      'retry rounds': output.retries.rounds,
      'rounds (records, mode)': rounds.join('; '),
      'batch jobs': jobs.length,
      'runtime calls': e2e.local.bedrock.calls.filter((call) => call.operation === 'InvokeModel')
        .length,
      'makespan (virtual min)': (makespan / 60_000).toFixed(1),
      'vs no error': baselineMs > 0 ? (makespan / baselineMs).toFixed(2) : '-',
      'states entered': result.history.filter((event) => event.type === 'StateEntered').length,
      'Lambda invocations': invocations,
      'wall s': (wallMs / 1000).toFixed(1),
    });
  } finally {
    await e2e.stop();
  }
}
console.log(
  `Node ${process.version}, ${RECORDS} records, jobs of ${PHASES.inProgress / 60_000} virtual minutes in progress, max_record_retries 2 (default)`,
);
console.table(rows);
