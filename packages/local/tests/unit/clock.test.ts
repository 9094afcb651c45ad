import { describe, expect, it } from '@jest/globals';
import { InvalidOptionError, ManualClock, RealTimeClock } from '../../src/index.js';

describe('Class: ManualClock', () => {
  it('starts at a fixed instant and only moves on advance', async () => {
    // Prepare
    const clock = new ManualClock({ start: 1_000 });

    // Act
    const before = clock.now();
    await clock.advance(500);

    // Assess
    expect(before).toBe(1_000);
    expect(clock.now()).toBe(1_500);
  });

  it('runs due timers in time order, same-time timers in scheduling order', async () => {
    // Prepare
    const clock = new ManualClock({ start: 0 });
    const seen: string[] = [];
    clock.setTimer(2_000, () => seen.push(`b@${clock.now()}`));
    clock.setTimer(1_000, () => seen.push(`a@${clock.now()}`));
    clock.setTimer(2_000, () => seen.push(`c@${clock.now()}`));
    clock.setTimer(9_000, () => seen.push('late'));

    // Act
    await clock.advance(5_000);

    // Assess
    expect(seen).toEqual(['a@1000', 'b@2000', 'c@2000']);
    expect(clock.now()).toBe(5_000);
    expect(clock.pendingTimers).toBe(1);
  });

  it('runs timers scheduled by timers when they fall inside the window', async () => {
    // Prepare
    const clock = new ManualClock({ start: 0 });
    const seen: number[] = [];
    clock.setTimer(100, () => {
      seen.push(clock.now());
      clock.setTimer(0, () => seen.push(clock.now()));
      clock.setTimer(50, () => seen.push(clock.now()));
    });

    // Act
    await clock.advance(120);

    // Assess
    expect(seen).toEqual([100, 100]);
    await clock.advance(100);
    expect(seen).toEqual([100, 100, 150]);
  });

  it('does not run a cancelled timer', async () => {
    // Prepare
    const clock = new ManualClock();
    const seen: number[] = [];
    const timer = clock.setTimer(10, () => seen.push(1));

    // Act
    timer.cancel();
    await clock.advance(100);

    // Assess
    expect(seen).toEqual([]);
  });

  it('waits for tracked work before running the next timer', async () => {
    // Prepare
    const clock = new ManualClock({ start: 0 });
    const seen: string[] = [];
    clock.setTimer(10, () => {
      void clock.track(
        new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() => {
          seen.push('io done');
          clock.setTimer(0, () => seen.push(`after io @${clock.now()}`));
        }),
      );
    });
    clock.setTimer(20, () => seen.push('second timer'));

    // Act
    await clock.advance(30);

    // Assess
    expect(seen).toEqual(['io done', 'after io @10', 'second timer']);
  });

  it('resolves sleep after the virtual delay and rejects it on abort', async () => {
    // Prepare
    const clock = new ManualClock({ start: 0 });
    const controller = new AbortController();
    let slept = false;
    const sleeping = clock.sleep(1_000).then(() => {
      slept = true;
    });
    const aborted = expect(clock.sleep(1_000, controller.signal)).rejects.toThrow('cancelled');

    // Act
    controller.abort(new Error('cancelled'));
    await clock.advance(999);
    const early = slept;
    await clock.advance(1);
    await sleeping;

    // Assess
    expect(early).toBe(false);
    expect(slept).toBe(true);
    await aborted;
  });

  it('advances to the next timer only', async () => {
    // Prepare
    const clock = new ManualClock({ start: 0 });
    clock.setTimer(300, () => undefined);
    clock.setTimer(700, () => undefined);

    // Act
    const first = await clock.advanceToNext();

    // Assess
    expect(first).toBe(true);
    expect(clock.now()).toBe(300);
    await clock.advanceToNext();
    expect(await clock.advanceToNext()).toBe(false);
    expect(clock.now()).toBe(700);
  });

  it('throws InvalidOptionError for a negative advance or delay', async () => {
    // Prepare
    const clock = new ManualClock();

    // Act / Assess
    await expect(clock.advance(-1)).rejects.toThrow(InvalidOptionError);
    expect(() => clock.setTimer(Number.NaN, () => undefined)).toThrow('Invalid option delayMs');
  });
});

describe('Class: RealTimeClock', () => {
  it('compresses time: one virtual hour per 100 real ms', async () => {
    // Prepare
    const clock = new RealTimeClock({ msPerVirtualHour: 100, start: 0 });
    const started = performance.now();

    // Act
    await clock.sleep(30 * 60_000);

    // Assess
    const real = performance.now() - started;
    expect(real).toBeGreaterThanOrEqual(40);
    expect(clock.now()).toBeGreaterThanOrEqual(30 * 60_000);
  });

  it('runs a zero-delay timer and never runs a cancelled one', async () => {
    // Prepare
    const clock = new RealTimeClock();
    const seen: string[] = [];
    const cancelled = clock.setTimer(0, () => seen.push('cancelled'));
    cancelled.cancel();

    // Act
    await new Promise<void>((resolve) => clock.setTimer(0, () => resolve()));

    // Assess
    expect(seen).toEqual([]);
    await expect(clock.track(Promise.resolve(7))).resolves.toBe(7);
  });

  it('stands still while tracked work is in flight, and runs the due timer once it settles', async () => {
    // Prepare: one real millisecond of idle waiting is a virtual hour.
    const clock = new RealTimeClock({ msPerVirtualHour: 1, start: 0 });
    let release: () => void = () => undefined;
    const work = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ran: number[] = [];
    let dueAt = 0;
    const done = new Promise<void>((resolve) => {
      dueAt = clock.setTimer(10 * 60_000, () => {
        ran.push(clock.now());
        resolve();
      }).dueAt;
    });

    // Act
    void clock.track(work);
    const frozen = clock.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during = { now: clock.now(), busy: clock.busy, ran: ran.length };
    release();
    await done;

    // Assess
    expect(during).toEqual({ now: frozen, busy: true, ran: 0 });
    expect(ran).toEqual([dueAt]);
    expect(frozen).toBeLessThanOrEqual(dueAt);
  });

  it('never moves past a timer that has not run, and runs timers due together one at a time', async () => {
    // Prepare
    const clock = new RealTimeClock({ msPerVirtualHour: 1, start: 0 });
    const order: string[] = [];
    let release: () => void = () => undefined;
    const { dueAt } = clock.setTimer(60_000, () => {
      order.push(`a@${clock.now()}`);
      void clock.track(
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
    });
    const second = new Promise<void>((resolve) =>
      clock.setTimer(Math.max(0, dueAt - clock.now()), () => {
        order.push(`b@${clock.now()}`);
        resolve();
      }),
    );

    // Act
    while (order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const whileFirstWorks = [...order];
    release();
    await second;

    // Assess
    expect(whileFirstWorks).toEqual([`a@${dueAt}`]);
    expect(order).toEqual([`a@${dueAt}`, `b@${dueAt}`]);
  });

  it('throws InvalidOptionError for a non-positive compression', () => {
    // Act / Assess
    expect(() => new RealTimeClock({ msPerVirtualHour: 0 })).toThrow(
      'Invalid option msPerVirtualHour: must be a number > 0 (received: 0)',
    );
  });
});
