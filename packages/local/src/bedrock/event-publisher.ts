import { randomUUID } from 'node:crypto';
import {
  BEDROCK_EVENT_SOURCE,
  JOB_STATE_CHANGE_DETAIL_TYPE,
  type JobStateChangeEvent,
} from '@bedrock-batch/schema';
import type { Clock, ClockTimer } from '../clock.js';
import { type EmulatorFaults, liveRate } from './faults.js';
import type { JobRecord } from './job.js';
import type { Random } from './random.js';

/**
 * Receives job state change events. It may be async; its errors are caught and ignored (as a
 * target failure does not stop EventBridge).
 */
type JobEventListener = (event: JobStateChangeEvent) => void | Promise<void>;

/** Seconds-precision RFC 3339, as EventBridge writes `time`. */
function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds the EventBridge envelope Bedrock sends for a job's current status. */
function buildJobEvent(
  job: JobRecord,
  accountId: string,
  region: string,
  now: number,
): JobStateChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': JOB_STATE_CHANGE_DETAIL_TYPE,
    source: BEDROCK_EVENT_SOURCE,
    account: accountId,
    time: eventTime(now),
    region,
    resources: [job.jobArn],
    detail: {
      version: '0.0',
      accountId,
      batchJobName: job.jobName,
      batchJobArn: job.jobArn,
      batchModelId: job.modelId,
      status: job.status,
      failureMessage: job.message ?? '',
      creationTime: eventTime(job.submitTime),
    },
  };
}

/**
 * Delivers job state change events to listeners through the event faults (drop, duplicate,
 * delay, reorder) and keeps a log of what was delivered and what was dropped.
 */
class EventPublisher {
  /** Events delivered, in delivery order (duplicates appear twice). */
  public readonly delivered: JobStateChangeEvent[] = [];
  /** Events the faults dropped. */
  public readonly dropped: JobStateChangeEvent[] = [];
  private readonly listeners = new Set<JobEventListener>();
  private held: { event: JobStateChangeEvent; cancel: () => void } | undefined;
  private readonly delayed = new Set<ClockTimer>();
  private stopped = false;

  public constructor(
    private readonly clock: Clock,
    private readonly faults: EmulatorFaults,
    private readonly random: Random,
  ) {}

  public subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Publishes one event, applying the event faults. */
  public publish(event: JobStateChangeEvent): void {
    if (this.stopped) return;
    const f = this.faults.events;
    if (this.random() < liveRate(f.dropRate)) {
      this.dropped.push(event);
      return;
    }
    const copies = this.random() < liveRate(f.duplicateRate) ? 2 : 1;
    const previouslyHeld = this.held;
    this.held = undefined;
    if (this.random() < liveRate(f.reorderRate) && previouslyHeld === undefined) {
      const hold = Math.max(0, Number(f.reorderHoldMs) || 0);
      const timer = this.clock.setTimer(hold, () => {
        if (this.held?.event === event) {
          this.held = undefined;
          this.send(event, copies);
        }
      });
      this.held = { event, cancel: () => timer.cancel() };
    } else {
      this.send(event, copies);
    }
    if (previouslyHeld !== undefined) {
      previouslyHeld.cancel();
      this.send(previouslyHeld.event, 1);
    }
  }

  /** Stops delivering; pending delayed or held events are discarded. */
  public stop(): void {
    this.stopped = true;
    this.held?.cancel();
    this.held = undefined;
    for (const timer of this.delayed) timer.cancel();
    this.delayed.clear();
  }

  private send(event: JobStateChangeEvent, copies: number): void {
    const delay = Math.max(0, Number(this.faults.events.delayMs) || 0);
    for (let i = 0; i < copies; i++) {
      if (delay > 0) {
        const timer = this.clock.setTimer(delay, () => {
          this.delayed.delete(timer);
          this.deliver(event);
        });
        this.delayed.add(timer);
      } else {
        this.deliver(event);
      }
    }
  }

  private deliver(event: JobStateChangeEvent): void {
    if (this.stopped) return;
    this.delivered.push(event);
    for (const listener of this.listeners) {
      try {
        const result = listener(structuredClone(event));
        if (result instanceof Promise) result.catch(() => undefined);
      } catch {
        // A failing listener does not stop delivery to the others.
      }
    }
  }
}

export type { JobEventListener };
export { buildJobEvent, EventPublisher };
