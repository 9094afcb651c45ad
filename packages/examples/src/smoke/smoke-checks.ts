import {
  type BedrockClient,
  type ModelInvocationJobSummary,
  paginateListModelInvocationJobs,
} from '@aws-sdk/client-bedrock';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import {
  type BatchJobResult,
  BatchJobResultSchema,
  isTerminalJobStatus,
  validate,
} from '@bedrock-batch/schema';
import { received } from './errors.js';

/** One check of the smoke test: what was checked, whether it held, and what was seen. */
interface SmokeCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

function check(name: string, passed: boolean, detail: string): SmokeCheck {
  return { name, passed, detail };
}

/** The fragment's results in the execution output (`$.jobs`), or why they are not there. */
function jobResultsOf(output: string | undefined): BatchJobResult[] | string {
  try {
    const jobs = (JSON.parse(output ?? 'null') as { jobs?: unknown } | null)?.jobs;
    if (!Array.isArray(jobs)) return `no jobs array at $.jobs (received: ${received(output)})`;
    return jobs.map((job) => validate(BatchJobResultSchema, job));
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Checks an ended execution of the smoke stack: it succeeded, its one job `Completed` with every
 * record (total and succeeded equal to `records`, no errors), and named its output files.
 * Returns the checks and the job results found (for the output-file check).
 *
 * @example
 * ```ts
 * const { checks, results } = checkExecution(described, 100);
 * ```
 */
function checkExecution(
  execution: Pick<DescribeExecutionCommandOutput, 'status' | 'output' | 'error' | 'cause'>,
  records: number,
): { checks: SmokeCheck[]; results: BatchJobResult[] } {
  const succeeded = execution.status === 'SUCCEEDED';
  const checks = [
    check(
      'execution succeeded',
      succeeded,
      succeeded
        ? 'SUCCEEDED'
        : `${execution.status}: ${execution.error ?? ''}: ${execution.cause ?? ''}`,
    ),
  ];
  if (!succeeded) return { checks, results: [] };
  const results = jobResultsOf(execution.output);
  if (typeof results === 'string') {
    checks.push(check('job results', false, results));
    return { checks, results: [] };
  }
  const statuses = results.map((result) => result.status);
  checks.push(
    check(
      'one job, Completed',
      statuses.length === 1 && statuses[0] === 'Completed',
      `statuses: ${received(statuses)}`,
    ),
  );
  const counts = results.map((result) => result.record_counts);
  checks.push(
    check(
      `record counts ${records}`,
      counts.length === 1 &&
        counts[0]?.total === records &&
        counts[0]?.success === records &&
        counts[0]?.error === 0,
      `record_counts: ${received(counts)}`,
    ),
  );
  return { checks, results };
}

/**
 * Checks that every job result names output files and that each exists in S3 (`HeadObject`).
 *
 * @example
 * ```ts
 * checks.push(await checkOutputFiles(clients.s3, results));
 * ```
 */
async function checkOutputFiles(
  s3: S3Client,
  results: readonly BatchJobResult[],
): Promise<SmokeCheck> {
  const files = results.flatMap((result) =>
    result.keys.map((key) => ({ bucket: result.bucket, key })),
  );
  const missing: string[] = [];
  for (const { bucket, key } of files) {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      missing.push(`s3://${bucket}/${key} (${(error as Error).name})`);
    }
  }
  return check(
    'output files exist',
    files.length > 0 && missing.length === 0,
    files.length === 0
      ? 'the results name no output file'
      : missing.length === 0
        ? `${files.length} file(s): ${files.map((file) => file.key).join(', ')}`
        : `missing: ${missing.join(', ')}`,
  );
}

/**
 * Every Bedrock batch job whose name contains `nameContains` (the execution name of the run), through
 * `ListModelInvocationJobs`, all pages.
 *
 * @example
 * ```ts
 * const jobs = await listRunJobs(clients.bedrock, executionName);
 * ```
 */
async function listRunJobs(
  bedrock: BedrockClient,
  nameContains: string,
): Promise<ModelInvocationJobSummary[]> {
  const jobs: ModelInvocationJobSummary[] = [];
  for await (const page of paginateListModelInvocationJobs({ client: bedrock }, { nameContains })) {
    jobs.push(...(page.invocationJobSummaries ?? []));
  }
  return jobs;
}

/**
 * The jobs that are not in a terminal status (Submitted, Validating, Scheduled, InProgress,
 * Stopping).
 *
 * @example
 * ```ts
 * const running = jobsInFlight(await listRunJobs(clients.bedrock, executionName));
 * ```
 */
function jobsInFlight(jobs: readonly ModelInvocationJobSummary[]): ModelInvocationJobSummary[] {
  return jobs.filter((job) => !isTerminalJobStatus(job.status));
}

/**
 * Checks that the run created at least one job and left none in flight.
 *
 * @example
 * ```ts
 * checks.push(checkNothingInFlight(await listRunJobs(clients.bedrock, executionName)));
 * ```
 */
function checkNothingInFlight(jobs: readonly ModelInvocationJobSummary[]): SmokeCheck {
  const inFlight = jobsInFlight(jobs);
  const describe = (list: readonly ModelInvocationJobSummary[]) =>
    list.map((job) => `${job.jobName}: ${job.status}`).join(', ');
  return check(
    'no job left in flight',
    jobs.length > 0 && inFlight.length === 0,
    jobs.length === 0
      ? 'ListModelInvocationJobs found no job of this run'
      : inFlight.length === 0
        ? describe(jobs)
        : `in flight: ${describe(inFlight)}`,
  );
}

export type { SmokeCheck };
export { checkExecution, checkNothingInFlight, checkOutputFiles, jobsInFlight, listRunJobs };
