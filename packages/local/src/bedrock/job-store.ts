import { randomInt } from 'node:crypto';
import { isTerminalJobStatus } from '@bedrock-batch/schema';
import type { JobRecord } from './job.js';
import { baseModelId } from './models.js';
import type { ListJobsRequest } from './request-validation.js';
import { ServiceException } from './service-exceptions.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_PREFIX = 'v1.';

/** A new random job id: 12 characters of [a-z0-9]. */
function newJobId(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** The emulator's jobs, with the indexes the operations need. */
class JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly byToken = new Map<string, string>();
  private readonly byName = new Map<string, string>();
  private seq = 0;

  /** A job id not used yet. */
  public newId(): string {
    let id = newJobId();
    while (this.jobs.has(id)) id = newJobId();
    return id;
  }

  /** The next creation sequence number. */
  public nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  public add(job: JobRecord): void {
    this.jobs.set(job.jobId, job);
    this.byName.set(job.jobName, job.jobId);
    if (job.clientRequestToken !== undefined) this.byToken.set(job.clientRequestToken, job.jobId);
  }

  public get(jobId: string): JobRecord | undefined {
    return this.jobs.get(jobId);
  }

  public byClientRequestToken(token: string): JobRecord | undefined {
    const id = this.byToken.get(token);
    return id === undefined ? undefined : this.jobs.get(id);
  }

  public byJobName(name: string): JobRecord | undefined {
    const id = this.byName.get(name);
    return id === undefined ? undefined : this.jobs.get(id);
  }

  public all(): JobRecord[] {
    return [...this.jobs.values()];
  }

  /** Jobs of a model (any profile of the same base model) not yet in a terminal status. */
  public inFlight(modelId: string): number {
    const base = baseModelId(modelId);
    let count = 0;
    for (const job of this.jobs.values()) {
      if (!isTerminalJobStatus(job.status) && baseModelId(job.modelId) === base) count++;
    }
    return count;
  }

  /**
   * One page of ListModelInvocationJobs: filtered, sorted by creation time, and continued from
   * `nextToken` (a cursor on the creation order, so new jobs never shift a page).
   *
   * @throws EmulatedServiceError ValidationException for a token this emulator did not issue
   */
  public list(
    query: ListJobsRequest,
    defaultPageSize: number,
  ): { jobs: JobRecord[]; nextToken?: string } {
    const descending = query.sortOrder === 'Descending';
    let after: number | undefined;
    if (query.nextToken !== undefined) {
      const raw = Buffer.from(query.nextToken, 'base64url').toString('utf8');
      const seq = raw.startsWith(TOKEN_PREFIX)
        ? Number(raw.slice(TOKEN_PREFIX.length))
        : Number.NaN;
      if (!Number.isInteger(seq) || seq < 0) {
        throw ServiceException.validation(
          `The nextToken '${query.nextToken}' is not valid. Use the nextToken of a previous response.`,
        );
      }
      after = seq;
    }
    const matching = this.all()
      .filter((job) => {
        if (query.statusEquals !== undefined && job.status !== query.statusEquals) return false;
        if (query.nameContains !== undefined && !job.jobName.includes(query.nameContains))
          return false;
        if (query.submitTimeAfter !== undefined && job.submitTime <= query.submitTimeAfter)
          return false;
        if (query.submitTimeBefore !== undefined && job.submitTime >= query.submitTimeBefore)
          return false;
        if (after !== undefined && (descending ? job.seq >= after : job.seq <= after)) return false;
        return true;
      })
      .sort((a, b) => (descending ? b.seq - a.seq : a.seq - b.seq));
    const size = query.maxResults ?? defaultPageSize;
    const page = matching.slice(0, size);
    const last = page.at(-1);
    return matching.length > size && last !== undefined
      ? { jobs: page, nextToken: Buffer.from(`${TOKEN_PREFIX}${last.seq}`).toString('base64url') }
      : { jobs: page };
  }
}

export { JobStore };
