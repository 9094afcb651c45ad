import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type DeliveredTicket,
  DeliveredTicketSchema,
  type JobTicket,
  JobTicketSchema,
  ticketFolder,
  ticketKey,
} from '@bedrock-batch/schema';
import { TicketFormatError } from './errors.js';

/** A pending ticket as read from S3: where it is and the ETag that conditional writes match. */
interface StoredTicket {
  readonly bucket: string;
  readonly etag: string;
  readonly ticket: JobTicket;
}

/** S3 answers meaning the object is not there (or was changed by someone else). */
const MISSING = new Set(['NoSuchKey', 'NotFound']);
const CONFLICT = new Set(['PreconditionFailed', 'ConditionalRequestConflict', 'NoSuchKey']);

function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

async function getJson(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ body: unknown; etag: string } | undefined> {
  let text: string;
  let etag: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await response.Body?.transformToString('utf8')) ?? '';
    etag = response.ETag ?? '';
  } catch (error) {
    if (MISSING.has(errorName(error) ?? '')) return undefined;
    throw error;
  }
  try {
    return { body: JSON.parse(text), etag };
  } catch {
    throw new TicketFormatError(`s3://${bucket}/${key} is not JSON`);
  }
}

/**
 * The SHA-256 of a task token: names the task a delivery went to without exposing the token.
 *
 * @example
 * ```ts
 * const marker = tokenMarker(ticket.taskToken);
 * ```
 */
function tokenMarker(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex');
}

/** Puts a pending ticket, under an S3 write condition when one is given. */
async function putTicket(
  s3: S3Client,
  bucket: string,
  ticket: JobTicket,
  condition: { IfMatch: string } | { IfNoneMatch: '*' } | undefined,
): Promise<string | undefined> {
  try {
    const response = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: ticketKey(ticket.owner, ticket.jobName, 'pending'),
        Body: JSON.stringify(ticket),
        ContentType: 'application/json',
        ...condition,
      }),
    );
    return response.ETag ?? '';
  } catch (error) {
    if (condition !== undefined && CONFLICT.has(errorName(error) ?? '')) return undefined;
    throw error;
  }
}

/**
 * Writes a pending ticket. With `ifMatch`, the write only happens when the stored ticket still
 * has that ETag.
 *
 * @returns the new ETag, or `undefined` when `ifMatch` no longer matched
 *
 * @example
 * ```ts
 * const etag = await writeTicket(s3, bucket, { ...stored.ticket, jobArn }, stored.etag);
 * ```
 */
async function writeTicket(
  s3: S3Client,
  bucket: string,
  ticket: JobTicket,
  ifMatch?: string,
): Promise<string | undefined> {
  return putTicket(s3, bucket, ticket, ifMatch === undefined ? undefined : { IfMatch: ifMatch });
}

/**
 * Writes a job's first ticket: only if there is none yet (`If-None-Match: *`).
 *
 * @returns the ETag, or `undefined` when a ticket appeared meanwhile
 *
 * @example
 * ```ts
 * const etag = await createTicket(s3, bucket, ticket);
 * ```
 */
async function createTicket(
  s3: S3Client,
  bucket: string,
  ticket: JobTicket,
): Promise<string | undefined> {
  return putTicket(s3, bucket, ticket, { IfNoneMatch: '*' });
}

/**
 * Reads a job's pending ticket.
 *
 * @returns the ticket, or `undefined` when there is none
 * @throws TicketFormatError when the object is not a ticket
 *
 * @example
 * ```ts
 * const stored = await readTicket(s3, bucket, owner, jobName);
 * ```
 */
async function readTicket(
  s3: S3Client,
  bucket: string,
  owner: string,
  jobName: string,
): Promise<StoredTicket | undefined> {
  const key = ticketKey(owner, jobName, 'pending');
  const read = await getJson(s3, bucket, key);
  if (read === undefined) return undefined;
  const parsed = JobTicketSchema.safeParse(read.body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new TicketFormatError(
      `s3://${bucket}/${key} is not a ticket (fields: ${fields.join(', ')})`,
    );
  }
  return { bucket, etag: read.etag, ticket: parsed.data };
}

/**
 * Reads what the delivery of a job left, if it was delivered.
 *
 * @example
 * ```ts
 * const done = await readDeliveredTicket(s3, bucket, owner, jobName);
 * ```
 */
async function readDeliveredTicket(
  s3: S3Client,
  bucket: string,
  owner: string,
  jobName: string,
): Promise<DeliveredTicket | undefined> {
  const read = await getJson(s3, bucket, ticketKey(owner, jobName, 'delivered'));
  if (read === undefined) return undefined;
  const parsed = DeliveredTicketSchema.safeParse(read.body);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Claims the delivery of a ticket: writes the claim only if nobody changed the ticket since it
 * was read (S3 conditional write), so two runs that race never both send the result.
 *
 * @returns the claimed ticket, or `undefined` when another run changed it first
 *
 * @example
 * ```ts
 * const claimed = await claimDelivery(s3, stored, new Date());
 * if (claimed === undefined) return; // someone else delivers it
 * ```
 */
async function claimDelivery(
  s3: S3Client,
  stored: StoredTicket,
  now: Date,
): Promise<StoredTicket | undefined> {
  const ticket: JobTicket = {
    ...stored.ticket,
    claim: { marker: tokenMarker(stored.ticket.taskToken), at: now.toISOString() },
  };
  const etag = await writeTicket(s3, stored.bucket, ticket, stored.etag);
  return etag === undefined ? undefined : { bucket: stored.bucket, etag, ticket };
}

/**
 * Ends a delivery: writes the delivered ticket, then removes the pending one unless it changed
 * meanwhile (a retried create-job task wrote a new token: that task still waits).
 *
 * @example
 * ```ts
 * await completeDelivery(s3, claimed, { outcome: 'delivered', jobArn, jobStatus: 'Completed' }, new Date());
 * ```
 */
async function completeDelivery(
  s3: S3Client,
  stored: StoredTicket,
  result: Pick<DeliveredTicket, 'outcome' | 'jobArn' | 'jobStatus'>,
  now: Date,
): Promise<void> {
  const { ticket, bucket } = stored;
  const delivered: DeliveredTicket = {
    version: 1,
    owner: ticket.owner,
    jobName: ticket.jobName,
    jobArn: result.jobArn,
    executionArn: ticket.executionArn,
    marker: tokenMarker(ticket.taskToken),
    outcome: result.outcome,
    jobStatus: result.jobStatus,
    deliveredAt: now.toISOString(),
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: ticketKey(ticket.owner, ticket.jobName, 'delivered'),
      Body: JSON.stringify(delivered),
      ContentType: 'application/json',
    }),
  );
  const current = await getJson(s3, bucket, ticketKey(ticket.owner, ticket.jobName, 'pending'));
  if (current?.etag !== stored.etag) return;
  await s3.send(
    new DeleteObjectCommand({
      Bucket: bucket,
      Key: ticketKey(ticket.owner, ticket.jobName, 'pending'),
    }),
  );
}

/**
 * Removes a pending ticket whose job was never created (the execution ended first).
 *
 * @example
 * ```ts
 * await removeTicket(s3, stored);
 * ```
 */
async function removeTicket(s3: S3Client, stored: StoredTicket): Promise<void> {
  await s3.send(
    new DeleteObjectCommand({
      Bucket: stored.bucket,
      Key: ticketKey(stored.ticket.owner, stored.ticket.jobName, 'pending'),
    }),
  );
}

/**
 * The job names of an owner's pending tickets in a bucket, page by page (the index of its
 * unfinished jobs: its size, not the account's, bounds the work of a reconcile run).
 *
 * @example
 * ```ts
 * for await (const jobName of pendingJobNames(s3, bucket, owner)) console.log(jobName);
 * ```
 */
async function* pendingJobNames(
  s3: S3Client,
  bucket: string,
  owner: string,
): AsyncGenerator<string> {
  const prefix = ticketFolder(owner, 'pending');
  for await (const page of paginateListObjectsV2(
    { client: s3 },
    { Bucket: bucket, Prefix: prefix },
  )) {
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      if (key.endsWith('.json')) yield key.slice(prefix.length, -'.json'.length);
    }
  }
}

export type { StoredTicket };
export {
  claimDelivery,
  completeDelivery,
  createTicket,
  pendingJobNames,
  readDeliveredTicket,
  readTicket,
  removeTicket,
  tokenMarker,
  writeTicket,
};
