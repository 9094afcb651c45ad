import * as z from 'zod';

/**
 * Every status of a Bedrock batch inference job, as `GetModelInvocationJob` returns it.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetModelInvocationJob.html
 *
 * @example
 * ```ts
 * if (job.status === JobStatus.PartiallyCompleted) console.log('some records failed');
 * ```
 */
const JobStatus = {
  Submitted: 'Submitted',
  Validating: 'Validating',
  Scheduled: 'Scheduled',
  InProgress: 'InProgress',
  Completed: 'Completed',
  PartiallyCompleted: 'PartiallyCompleted',
  Failed: 'Failed',
  Stopping: 'Stopping',
  Stopped: 'Stopped',
  Expired: 'Expired',
} as const;

/** One of the {@link JobStatus} values. */
type JobStatusValue = (typeof JobStatus)[keyof typeof JobStatus];

/** Schema of a job status string. */
const JobStatusSchema = z
  .enum(Object.values(JobStatus) as [JobStatusValue, ...JobStatusValue[]])
  .meta({ title: 'JobStatus', description: 'Status of a Bedrock batch inference job.' });

/** The statuses a job never leaves. */
const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set<JobStatusValue>([
  JobStatus.Completed,
  JobStatus.PartiallyCompleted,
  JobStatus.Failed,
  JobStatus.Stopped,
  JobStatus.Expired,
]);

/** Terminal statuses whose output is a result (not a failure). */
const SUCCESS_JOB_STATUSES: ReadonlySet<string> = new Set<JobStatusValue>([
  JobStatus.Completed,
  JobStatus.PartiallyCompleted,
]);

/**
 * Whether a job in this status is finished. Accepts any string, so an unknown status a
 * newer service sends is simply not terminal.
 *
 * @example
 * ```ts
 * if (isTerminalJobStatus(job.status)) await deliver(job);
 * ```
 */
function isTerminalJobStatus(status: string | undefined): boolean {
  return status !== undefined && TERMINAL_JOB_STATUSES.has(status);
}

export type { JobStatusValue };
export {
  isTerminalJobStatus,
  JobStatus,
  JobStatusSchema,
  SUCCESS_JOB_STATUSES,
  TERMINAL_JOB_STATUSES,
};
