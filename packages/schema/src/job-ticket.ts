import * as z from 'zod';
import { ExecutionArnSchema, JobArnSchema, TaskTokenSchema } from './primitives.js';

/**
 * The control objects that tie a Bedrock batch job to the Step Functions task waiting for it.
 *
 * Bedrock does not promise that a job's tags stay readable once it has finished (on a real
 * account `ListTagsForResource` fails for stopped jobs), so what a delivery needs is kept in
 * the job's output bucket instead: create-job writes a ticket before it creates the job,
 * job-event and reconcile read it, and the delivery moves it from `pending/` to `delivered/`.
 * The pending tickets of an owner are therefore the index of its unfinished work.
 */

/** Folder of the control objects in an output bucket. */
const CONTROL_PREFIX = 'bedrock-batch-control/';

/** How long a claim on a delivery holds before another run may take it over, in milliseconds. */
const DELIVERY_CLAIM_LEASE_MS = 5 * 60_000;

/** ISO-8601 time in UTC, as `Date.prototype.toISOString` writes it. */
const IsoTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/, 'must be an ISO-8601 UTC time');

/**
 * A pending ticket: `bedrock-batch-control/<owner>/pending/<jobName>.json`. It holds the task
 * token, a secret: it is never logged, and only the product's functions may read it.
 */
const JobTicketSchema = z
  .object({
    version: z.literal(1),
    /** The owner id of the deployment (`BEDROCK_BATCH_OWNER`). */
    owner: z.string().min(1),
    /** The Bedrock job name (unique per owner). */
    jobName: z.string().min(1),
    /** The execution whose task waits. */
    executionArn: ExecutionArnSchema,
    /** The task token of the waiting task. */
    taskToken: TaskTokenSchema,
    /** The idempotency token sent to Bedrock. */
    clientRequestToken: z.string().min(1),
    /** The job's ARN, once Bedrock returned it. */
    jobArn: JobArnSchema.optional(),
    /** When create-job wrote the ticket. */
    createdAt: IsoTimeSchema,
    /** A delivery in progress: the SHA-256 of the token it delivers to, and when it started. */
    claim: z.object({ marker: z.string().min(1), at: IsoTimeSchema }).optional(),
  })
  .meta({ title: 'JobTicket' });

/** What the delivery of a job left: `bedrock-batch-control/<owner>/delivered/<jobName>.json`. */
const DeliveredTicketSchema = z
  .object({
    version: z.literal(1),
    owner: z.string().min(1),
    jobName: z.string().min(1),
    jobArn: JobArnSchema,
    executionArn: ExecutionArnSchema,
    /** SHA-256 of the task token the result went to (never the token itself). */
    marker: z.string().min(1),
    /** `delivered`, or `token-not-waiting` when the task no longer waited. */
    outcome: z.enum(['delivered', 'token-not-waiting']),
    /** The job's terminal status. */
    jobStatus: z.string().min(1),
    deliveredAt: IsoTimeSchema,
  })
  .meta({ title: 'DeliveredTicket' });

/** A pending ticket, see {@link JobTicketSchema}. */
type JobTicket = z.infer<typeof JobTicketSchema>;
/** A delivered ticket, see {@link DeliveredTicketSchema}. */
type DeliveredTicket = z.infer<typeof DeliveredTicketSchema>;
/** The two folders of an owner's tickets. */
type TicketState = 'pending' | 'delivered';

/**
 * The folder of an owner's tickets in one state, ending with `/` (the owner is URI-encoded, so
 * any tag value is one path segment).
 *
 * @example
 * ```ts
 * ticketFolder('my-stack', 'pending'); // 'bedrock-batch-control/my-stack/pending/'
 * ```
 */
function ticketFolder(owner: string, state: TicketState): string {
  return `${CONTROL_PREFIX}${encodeURIComponent(owner)}/${state}/`;
}

/**
 * The key of a job's ticket.
 *
 * @example
 * ```ts
 * ticketKey('my-stack', 'reviews-run-1-0', 'pending');
 * // 'bedrock-batch-control/my-stack/pending/reviews-run-1-0.json'
 * ```
 */
function ticketKey(owner: string, jobName: string, state: TicketState): string {
  return `${ticketFolder(owner, state)}${jobName}.json`;
}

export type { DeliveredTicket, JobTicket, TicketState };
export {
  CONTROL_PREFIX,
  DELIVERY_CLAIM_LEASE_MS,
  DeliveredTicketSchema,
  JobTicketSchema,
  ticketFolder,
  ticketKey,
};
