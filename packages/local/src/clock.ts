/**
 * The local runtime's one time source. Written here rather than taken from a fake-timers library
 * (@sinonjs/fake-timers, jest's modern timers): those replace the process's global timers, while
 * the runtime must keep real timers for sockets, worker threads and Lambda timeouts and move only
 * its own virtual time, and only when no work is in flight.
 */
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
 * The time source of the local runtime. Everything time-based (job phases, timeouts, heartbeats,
 * retries, delayed events, schedules, and the `Date` that function code sees) goes through one
 * clock.
 *
 * Virtual time never outruns work: while any work registered with {@link Clock.track} is in
 * flight (a function invocation, a request to a local server, I/O a timer started), virtual time
 * stands still, and timers run one at a time, each once the work of the one before has settled.
 * So the same input gives the same outcome on a fast or a slow machine.
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
   * Registers work in flight: until `work` settles, virtual time does not advance and no timer
   * runs. Returns the same promise.
   */
  track<T>(work: Promise<T>): Promise<T>;
  /** Whether tracked work is in flight. */
  readonly busy: boolean;
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

function checkStart(start: number): number {
  if (typeof start !== 'number' || !Number.isFinite(start)) {
    throw new InvalidOptionError('start', start, 'must be a finite epoch millisecond value');
  }
  return start;
}

/** Resolves after the current turn of the event loop (pending I/O callbacks included). */
function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

interface QueuedTimer {
  readonly dueAt: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * What both clocks share: the queue of timers in (due time, scheduling order), and the count of
 * tracked work in flight. Subclasses decide when time moves.
 */
abstract class VirtualClock implements Clock {
  protected current: number;
  private queue: QueuedTimer[] = [];
  private seq = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  protected constructor(start: number) {
    this.current = checkStart(start);
  }

  public now(): number {
    return this.current;
  }

  public get busy(): boolean {
    return this.inFlight > 0;
  }

  /** How many timers are waiting to run. */
  public get pendingTimers(): number {
    return this.queue.length;
  }

  public setTimer(delayMs: number, callback: () => void): ClockTimer {
    checkDelay(delayMs);
    const timer: QueuedTimer = { dueAt: this.now() + delayMs, seq: this.seq++, callback };
    // Binary search for the first timer due later (same due time: scheduling order).
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.queue[mid] as QueuedTimer).dueAt <= timer.dueAt) low = mid + 1;
      else high = mid;
    }
    this.queue.splice(low, 0, timer);
    this.timersChanged();
    return {
      dueAt: timer.dueAt,
      cancel: () => {
        const index = this.queue.indexOf(timer);
        if (index < 0) return;
        this.queue.splice(index, 1);
        this.timersChanged();
      },
    };
  }

  public sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        timer.cancel();
        reject(signal?.reason);
      };
      const timer = this.setTimer(delayMs, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  public track<T>(work: Promise<T>): Promise<T> {
    this.inFlight += 1;
    if (this.inFlight === 1) this.workStarted();
    const done = (): void => {
      this.inFlight -= 1;
      if (this.inFlight > 0) return;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
      this.workEnded();
    };
    work.then(done, done);
    return work;
  }

  /**
   * Waits until no tracked work is in flight, and none started during one more turn of the event
   * loop (continuations of finished work often start the next piece of work).
   */
  public async settle(): Promise<void> {
    do {
      await nextTurn();
      while (this.inFlight > 0) {
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      }
      await nextTurn();
    } while (this.inFlight > 0);
  }

  /** The earliest timer, if it is due at or before `limit`. */
  protected peek(limit = Number.POSITIVE_INFINITY): QueuedTimer | undefined {
    const first = this.queue[0];
    return first !== undefined && first.dueAt <= limit ? first : undefined;
  }

  /** Takes the earliest timer off the queue, moves time to its due time and runs it. */
  protected runNext(): void {
    const timer = this.queue.shift();
    if (timer === undefined) return;
    this.current = Math.max(this.current, timer.dueAt);
    timer.callback();
  }

  /** Called when tracked work goes from none to some. */
  protected workStarted(): void {}
  /** Called when the last tracked work settles. */
  protected workEnded(): void {}
  /** Called when a timer is added or cancelled. */
  protected timersChanged(): void {}
}

/** Options of {@link RealTimeClock}. */
interface RealTimeClockOptions {
  /**
   * Real milliseconds one virtual hour of idle waiting lasts. `3_600_000` is real time; `1000`
   * waits out a 24-hour job timeout in 24 real seconds. Work in flight is never compressed: it
   * stops virtual time until it is done.
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
 * A clock that runs by itself, paced against the real clock: while the runtime is idle, virtual
 * time flows `3_600_000 / msPerVirtualHour` times faster than real time up to the next timer,
 * which then runs; while tracked work is in flight, virtual time stands still. A run's outcome
 * therefore does not depend on how fast the machine does the work, only its duration does.
 *
 * @example
 * ```ts
 * // One virtual hour per real second of idle waiting.
 * const clock = new RealTimeClock({ msPerVirtualHour: 1000 });
 * await clock.sleep(30 * 60_000); // about half a real second, if nothing else is in flight
 * ```
 */
class RealTimeClock extends VirtualClock {
  /** Virtual milliseconds per real millisecond of idle waiting. */
  public readonly speed: number;
  /** Real time (performance.now) since which virtual time flows; undefined while it stands. */
  private flowingSince: number | undefined;
  /** Cancels the real timer (or immediate) armed for the earliest virtual timer. */
  private disarm: (() => void) | undefined;

  public constructor(options: RealTimeClockOptions = {}) {
    super(options.start ?? Date.now());
    const msPerVirtualHour = options.msPerVirtualHour ?? MS_PER_HOUR;
    if (
      typeof msPerVirtualHour !== 'number' ||
      !Number.isFinite(msPerVirtualHour) ||
      msPerVirtualHour <= 0
    ) {
      throw new InvalidOptionError('msPerVirtualHour', msPerVirtualHour, 'must be a number > 0');
    }
    this.speed = MS_PER_HOUR / msPerVirtualHour;
    this.flowingSince = performance.now();
  }

  public override now(): number {
    if (this.flowingSince === undefined) return this.current;
    const flowed = this.current + Math.floor((performance.now() - this.flowingSince) * this.speed);
    const next = this.peek();
    // Never past a timer that has not run yet, and never backwards.
    return Math.max(this.current, next === undefined ? flowed : Math.min(flowed, next.dueAt));
  }

  protected override workStarted(): void {
    this.stand();
  }

  protected override workEnded(): void {
    this.flowWhenIdle();
  }

  protected override timersChanged(): void {
    if (this.flowingSince !== undefined) this.arm();
  }

  /** Stops virtual time where it is. */
  private stand(): void {
    this.current = this.now();
    this.flowingSince = undefined;
    this.disarm?.();
    this.disarm = undefined;
  }

  /** Lets time flow again once a turn of the event loop started no new work. */
  private flowWhenIdle(): void {
    setImmediate(() => {
      if (this.busy || this.flowingSince !== undefined) return;
      this.flowingSince = performance.now();
      this.arm();
    });
  }

  /**
   * Sets the real timer for the earliest virtual timer; one already due runs on the next turn of
   * the event loop (`setTimeout` would wait at least a millisecond).
   */
  private arm(): void {
    this.disarm?.();
    this.disarm = undefined;
    const next = this.peek();
    if (next === undefined) return;
    const realDelay = (next.dueAt - this.now()) / this.speed;
    if (realDelay <= 0) {
      const immediate = setImmediate(() => this.fire());
      this.disarm = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(() => this.fire(), Math.min(realDelay, MAX_TIMEOUT_MS));
      this.disarm = () => clearTimeout(timeout);
    }
  }

  private fire(): void {
    this.disarm = undefined;
    const next = this.peek();
    if (next === undefined || this.busy) return;
    if (this.now() < next.dueAt) {
      this.arm(); // a wait longer than setTimeout allows, or a timer that fired early
      return;
    }
    this.stand();
    try {
      this.runNext();
    } finally {
      if (!this.busy) this.flowWhenIdle();
    }
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

/**
 * A clock that only moves when told to: {@link ManualClock.advance} runs every due timer in time
 * order (same time: scheduling order), and before each timer waits for the work in flight (see
 * {@link Clock.track}). Tests use it to step a job through its statuses.
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
class ManualClock extends VirtualClock {
  public constructor(options: ManualClockOptions = {}) {
    super(options.start ?? Date.parse('2026-01-01T00:00:00.000Z'));
  }

  /**
   * Moves virtual time forward by `ms`, running every timer that falls due on the way (also
   * timers scheduled by those timers), each at its own due time. Waits for tracked work before
   * every timer and at the end, so work a timer starts finishes before the next timer runs.
   *
   * @param ms - virtual milliseconds, >= 0; `0` runs only what is due now
   * @throws InvalidOptionError when `ms` is negative or not a number
   */
  public async advance(ms: number): Promise<void> {
    checkDelay(ms);
    await this.settle();
    const target = this.current + ms;
    while (this.peek(target) !== undefined) {
      this.runNext();
      await this.settle();
    }
    this.current = Math.max(this.current, target);
    await this.settle();
  }

  /** Advances to the next pending timer and runs it (and anything due at the same time). */
  public async advanceToNext(): Promise<boolean> {
    await this.settle();
    const next = this.peek();
    if (next === undefined) return false;
    await this.advance(Math.max(0, next.dueAt - this.current));
    return true;
  }
}

export type { Clock, ClockTimer, ManualClockOptions, RealTimeClockOptions };
export { ManualClock, RealTimeClock };
