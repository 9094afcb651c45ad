import type { BatchJobResult } from '@bedrock-batch/schema';
import type { CostEstimate } from './prices.js';

/** What the demo shows of one job while it runs. */
interface JobProgress {
  readonly name: string;
  readonly status: string;
  readonly processed: number;
  readonly total: number;
}

/** One row of the summary table. */
interface SummaryRow {
  readonly result: BatchJobResult;
  readonly cost?: CostEstimate;
}

const BAR_WIDTH = 24;

/**
 * One progress line: name, status, a bar and processed/total records.
 *
 * @example
 * ```ts
 * progressLine({ name: 'reviews-0', status: 'InProgress', processed: 500, total: 1000 });
 * // 'reviews-0  InProgress          [############------------]   500/1000'
 * ```
 */
function progressLine(job: JobProgress, nameWidth = job.name.length): string {
  const ratio = job.total > 0 ? Math.min(1, job.processed / job.total) : 0;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const counts = `${String(job.processed).padStart(6)}/${job.total}`;
  return `${job.name.padEnd(nameWidth)}  ${job.status.padEnd(18)}  ${bar} ${counts}`;
}

/**
 * A plain status line for logs and CI (no terminal): printed when a job's status changes.
 *
 * @example
 * ```ts
 * statusLine({ name: 'reviews-0', status: 'Completed', processed: 1000, total: 1000 }, 12.5);
 * // '[12.5 h] reviews-0: Completed (1000/1000 records)'
 * ```
 */
function statusLine(job: JobProgress, virtualHours: number): string {
  return `[${virtualHours.toFixed(1)} h] ${job.name}: ${job.status} (${job.processed}/${job.total} records)`;
}

function money(value: number | undefined): string {
  return value === undefined ? 'n/a' : `$${value.toFixed(4)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * The summary table: per job the status, records succeeded and failed, tokens, and the estimated
 * cost in batch mode beside on-demand, then a total row.
 *
 * @example
 * ```ts
 * console.log(summaryTable(rows).join('\n'));
 * ```
 */
function summaryTable(rows: readonly SummaryRow[]): string[] {
  const body = rows.map(({ result, cost }) => [
    result.manifest_key,
    result.status,
    String(result.record_counts.success),
    String(result.record_counts.error),
    String(result.token_counts?.input ?? 'n/a'),
    String(result.token_counts?.output ?? 'n/a'),
    money(cost?.batch),
    money(cost?.onDemand),
  ]);
  const sum = (pick: (row: SummaryRow) => number | undefined) =>
    rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
  body.push([
    'total',
    '',
    String(sum((r) => r.result.record_counts.success)),
    String(sum((r) => r.result.record_counts.error)),
    String(sum((r) => r.result.token_counts?.input)),
    String(sum((r) => r.result.token_counts?.output)),
    money(sum((r) => r.cost?.batch)),
    money(sum((r) => r.cost?.onDemand)),
  ]);
  return table(
    [
      'manifest',
      'status',
      'succeeded',
      'failed',
      'input tokens',
      'output tokens',
      'batch cost',
      'on-demand cost',
    ],
    body,
  );
}

export type { JobProgress, SummaryRow };
export { progressLine, statusLine, summaryTable };
