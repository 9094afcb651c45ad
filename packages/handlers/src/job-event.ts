import { JobStateChangeEventSchema } from '@bedrock-batch/schema';
import { parseJobArn } from './arns.js';
import { type DeliveryResult, deliverJob } from './deliver-job.js';
import { defaultLogger, type HandlerDeps } from './handler-deps.js';

/** What {@link handleJobEvent} did: a delivery, or `ignored` for an event it cannot use. */
type JobEventResult = DeliveryResult | { readonly outcome: 'ignored'; readonly reason: string };

/**
 * Handles one "Batch Inference Job State Change" event: the job-event step of the fragment.
 * Events are only a hint (they arrive late, twice, out of order, or never): the job's real
 * status is read from Bedrock and the result is delivered through {@link deliverJob}, once.
 *
 * - an event that does not parse, or names no valid job ARN, is logged as a warning and
 *   ignored (no error, so no retry storm);
 * - jobs that are not this owner's are ignored quietly;
 * - errors of AWS calls other than those are thrown, so the invocation is retried.
 *
 * @param event - the EventBridge event (untrusted; unknown fields are allowed)
 * @param deps - clients, owner and logger
 * @returns what was done
 *
 * @example
 * ```ts
 * import { createAwsClients } from '@bedrock-batch/handlers';
 * import { handleJobEvent } from '@bedrock-batch/handlers/job-event';
 *
 * const { outcome } = await handleJobEvent(event, { clients: createAwsClients() });
 * ```
 */
async function handleJobEvent(event: unknown, deps: HandlerDeps): Promise<JobEventResult> {
  const logger = deps.logger ?? defaultLogger();
  const parsed = JobStateChangeEventSchema.safeParse(event);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    logger.warn('Ignored an event that is not a Batch Inference Job State Change', { fields });
    return { outcome: 'ignored', reason: `invalid fields: ${fields.join(', ')}` };
  }
  const jobArn = parsed.data.detail.batchJobArn;
  if (parseJobArn(jobArn) === undefined) {
    logger.warn('Ignored an event whose batchJobArn is not a job ARN', { batchJobArn: jobArn });
    return { outcome: 'ignored', reason: 'detail.batchJobArn is not a job ARN' };
  }
  logger.debug('Received job state change', { jobArn, eventStatus: parsed.data.detail.status });
  return deliverJob(jobArn, { ...deps, logger }, { jobName: parsed.data.detail.batchJobName });
}

export type { JobEventResult };
export { handleJobEvent };
