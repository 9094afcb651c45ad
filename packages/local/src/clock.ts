import { InvalidOptionError } from './errors.js';

/**
 * A scheduled callback of a {@link Clock}. Cancelling a timer that already ran, or was already
 * cancelled, does nothing.
 */
interface ClockTimer {
  /** Virtual time (epoch ms) at which the callback runs. */
  readonly dueAt: number;
  /** Prevents the callback from running. */
  cancel(): void;
}

/**
 * The time source of the local runtime. Everything time-based (job phases, timeouts, delayed
 * events, schedules) goes through one clock, so a test can drive it by hand and a demo can run
 * hours of virtual time in seconds.
 *
 * Times are virtual epoch milliseconds (`Date`-compatible numbers).
 *
 * @example
 * ```ts
 * const clock: Clock = new ManualClock();
 * clock.setTimer(60_000, () => console.log('one virtual minute later'));
 * await (clock as ManualClock).advance(60_000);
 * ```
 */
interface Clock {
  /** The current virtual time, epoch milliseconds. */
  now(): number;
  /**
   * Runs `callback` after `delayMs` virtual milliseconds (0 runs it as soon as the clock allows).
   * Callbacks due at the same time run in the order they were scheduled.
   */
  setTimer(delayMs: number, callback: () => void): ClockTimer;
  /** Resolves after `delayMs` virtual milliseconds; rejects with the signal's reason on abort. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
  /**
   * Registers asynchronous work started by a timer (I/O, for example), so that a manual clock's
   * `advance` waits for it before running later timers. Returns the same promise.
   */
  track<T>(work: Promise<T>): Promise<T>;
}

const MS_PER_HOUR = 3_600_000;
/** Longest delay `setTimeout` accepts; longer waits are split. */
const MAX_TIMEOUT_MS = 2_147_483_647;

function checkDelay(delayMs: number): number {
  if (typeof delayMs !== 'number' || Number.isNaN(delayMs) || delayMs < 0) {
    throw new InvalidOptionError('delayMs', delayMs, 'must be a number >= 0');
  }
  return delayMs;
}

function sleepWith(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(delayMs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Options of {@link RealTimeClock}. */
interface RealTimeClockOptions {
  /**
   * Real milliseconds one virtual hour lasts. `3_600_000` is real time; `1000` runs a 24-hour
   * job timeout in 24 real seconds.
   * @default 3600000
   */
  readonly msPerVirtualHour?: number;
  /**
   * Virtual time at which the clock starts, epoch milliseconds.
   * @default Date.now()
   */
  readonly start?: number;
}

/**
 * A clock that follows the real clock, optionally compressed: virtual time runs
 * `3_600_000 / msPerVirtualHour` times faster than real time. Timers use `setTimeout`.
 *
 * @example
 * ```ts
 * // One virtual hour per real second.
 * const clock = new RealTimeClock({ msPerVirtualHour: 1000 });
 * await clock.sleep(30 * 60_000); // about half a real second
 * ```
 */
class RealTimeClock implements Clock {
  /** Virtual milliseconds per real millisecond. */
  public readonly speed: number;
  private readonly realStart: number;
  private readonly virtualStart: number;

  public constructor(options: RealTimeClockOptions = {}) {
    const msPerVirtualHour = options.msPerVirtualHour ?? MS_PER_HOUR;
    if (!Number.isFinite(msPerVirtualHour) || msPerVirtualHour <= 0) {
      throw new InvalidOptionError('msPerVirtualHour', msPerVirtualHour, 'must be a number > 0');
    }
    const start = options.start ?? Date.now();
    if (!Number.isFinite(start)) {
      throw new InvalidOptionError('start', start, 'must be a finite epoch millisecond value');
    }
    this.speed = MS_PER_HOUR / msPerVirtualHour;
    this.realStart = performance.now();
    this.virtualStart = start;
  }

  public now(): number {
    return Math.floor(this.virtualStart + (performance.now() - this.realStart) * this.speed);
  }

  public setTimer(delayMs: number, callback: () => void): ClockTimer {
    checkDelay(delayMs);
    const dueAt = this.now() + delayMs;
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (realDelay: number): void => {
      const step = Math.min(realDelay, MAX_TIMEOUT_MS);
      handle = setTimeout(() => {
        if (cancelled) return;
        if (realDelay > step) arm(realDelay - step);
        else callback();
      }, step);
    };
    arm(delayMs / this.speed);
    return {
      dueAt,
      cancel: () => {
        cancelled = true;
        if (handle !== undefined) clearTimeout(handle);
      },
    };
  }

  public sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, delayMs, signal);
  }

  public track<T>(work: Promise<T>): Promise<T> {
    return work;
  }
}

/** Options of {@link ManualClock}. */
interface ManualClockOptions {
  /**
   * Virtual time at which the clock starts, epoch milliseconds.
   * @default Date.parse('2026-01-01T00:00:00.000Z')
   */
  readonly start?: number;
}

interface ManualTimer {
  readonly dueAt: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to: {@link ManualClock.advance} runs every due timer in time
 * order (same time: scheduling order), and between two timers waits for the asynchronous work
 * they registered with {@link Clock.track}. Tests use it to step a job through its statuses.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const seen: number[] = [];
 * clock.setTimer(2000, () => seen.push(2));
 * clock.setTimer(1000, () => seen.push(1));
 * await clock.advance(5000); // seen is [1, 2], clock.now() is start + 5000
 * ```
 */
class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];
  private seq = 0;
  private readonly pending = new Set<Promise<unknown>>();

  public constructor(options: ManualClockOptions = {}) {
    const start = options.start ?? Date.parse('2026-01-01T00:00:00.000Z');
    if (!Number.isFinite(start)) {
      throw new InvalidOptionError('start', start, 'must be a finite epoch millisecond value');
    }
    this.current = start;
  }

  public now(): number {
    return this.current;
  }

  /** How many timers are waiting to run. */
  public get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  public setTimer(delayMs: number, callback: () => void): ClockTimer {
    checkDelay(delayMs);
    const timer: ManualTimer = {
      dueAt: this.current + delayMs,
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      dueAt: timer.dueAt,
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  public sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, delayMs, signal);
  }

  public track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return work;
  }

  /**
   * Moves virtual time forward by `ms`, running every timer that falls due on the way (also
   * timers scheduled by those timers), each at its own due time. Waits for tracked work after
   * every timer, so I/O a timer starts finishes before the next timer runs.
   *
   * @param ms - virtual milliseconds, >= 0; `0` runs only what is due now
   * @throws InvalidOptionError when `ms` is negative or not a number
   */
  public async advance(ms: number): Promise<void> {
    checkDelay(ms);
    const target = this.current + ms;
    await this.settle();
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.dueAt);
      next.callback();
      await this.settle();
    }
    this.current = target;
    await this.settle();
  }

  /** Advances to the next pending timer and runs it (and anything due at the same time). */
  public async advanceToNext(): Promise<boolean> {
    const next = this.nextDue(Number.POSITIVE_INFINITY);
    if (next === undefined) return false;
    await this.advance(Math.max(0, next.dueAt - this.current));
    return true;
  }

  /** Waits until no tracked work is pending (running nothing on the clock). */
  public async settle(): Promise<void> {
    // Let already-resolved continuations run first, then drain tracked work until none is left.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.size > 0) {
      await Promise.all([...this.pending]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private nextDue(limit: number): ManualTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: ManualTimer | undefined;
    for (const timer of this.timers) {
      if (timer.dueAt > limit) continue;
      if (
        best === undefined ||
        timer.dueAt < best.dueAt ||
        (timer.dueAt === best.dueAt && timer.seq < best.seq)
      ) {
        best = timer;
      }
    }
    return best;
  }
}

export type { Clock, ClockTimer, ManualClockOptions, RealTimeClockOptions };
export { ManualClock, RealTimeClock };
