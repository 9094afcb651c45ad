import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ManualClock, RealTimeClock } from '../../src/clock.js';
import { LambdaInvocationError } from '../../src/errors.js';
import { LocalFunction } from '../../src/lambda/local-function.js';

const PROBE = join(fileURLToPath(import.meta.url), '../../fixtures/functions/clock-probe');
const Y2030 = Date.parse('2030-01-01T00:00:00.000Z');

interface Seen {
  startedAt: number;
  endedAt: number;
  iso: string;
  text: string;
  epoch: string;
  isDate: boolean;
}

describe('Class: LocalFunction', () => {
  const started: LocalFunction[] = [];
  const probe = (options: Partial<ConstructorParameters<typeof LocalFunction>[0]> = {}) => {
    const fn = new LocalFunction({
      name: 'probe',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:probe',
      codeDirectory: PROBE,
      handler: 'index.handler',
      environment: {},
      timeoutMs: 10_000,
      ...options,
    });
    started.push(fn);
    return fn;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((fn) => fn.stop()));
  });

  it('shows the function the virtual time through Date, Date.now() and new Date()', async () => {
    // Prepare
    const clock = new ManualClock({ start: Date.parse('2034-06-15T12:00:00.000Z') });
    const fn = probe({ clock });

    // Act
    const seen = (await fn.invoke({})) as Seen;

    // Assess
    expect(seen.startedAt).toBe(clock.now());
    expect(seen.iso).toBe('2034-06-15T12:00:00.000Z');
    expect(seen.text).toContain('2034');
    expect(seen.epoch).toBe('1970-01-01T00:00:00.000Z');
    expect(seen.isDate).toBe(true);
  });

  it('shows a 2030 date inside a function on a RealTimeClock started on 2030-01-01 at 100 ms per virtual hour', async () => {
    // Prepare
    const clock = new RealTimeClock({ msPerVirtualHour: 100, start: Y2030 });
    const fn = probe({ clock });

    // Act
    const seen = (await fn.invoke({})) as Seen;

    // Assess
    expect(seen.iso.startsWith('2030-01-')).toBe(true);
    expect(seen.startedAt).toBeGreaterThanOrEqual(Y2030);
  });

  it('stops virtual time while an invocation runs, however long it takes in real time', async () => {
    // Prepare: on this clock one virtual minute lasts under 2 real ms of idle waiting.
    const clock = new RealTimeClock({ msPerVirtualHour: 100, start: Y2030 });
    const fn = probe({ clock });
    let fired = false;
    clock.setTimer(60_000, () => {
      fired = true;
    });
    const before = clock.now();

    // Act: the function waits 1.2 real seconds.
    const seen = (await fn.invoke({ waitMs: 1200 })) as Seen;

    // Assess
    expect(fired).toBe(false);
    expect(seen.endedAt).toBe(seen.startedAt);
    expect(seen.startedAt - before).toBeLessThan(60_000);
    await new Promise<void>((resolve) => clock.setTimer(60_000, resolve));
    expect(fired).toBe(true);
  });

  it('runs concurrent invocations in separate environments and reuses an idle one', async () => {
    // Prepare
    const fn = probe({ clock: new ManualClock() });

    // Act
    await Promise.all([fn.invoke({ waitMs: 200 }), fn.invoke({ waitMs: 200 })]);
    const afterConcurrent = fn.coldStarts;
    await fn.invoke({});
    await fn.invoke({});

    // Assess
    expect(afterConcurrent).toBe(2);
    expect(fn.coldStarts).toBe(2);
    expect(fn.environmentCount).toBe(2);
    expect(fn.invocations).toBe(4);
  });

  it('does not count the init phase (loading the module) against the function timeout', async () => {
    // Prepare: the module takes twice the function's timeout to load
    const fn = probe({ timeoutMs: 300, environment: { INIT_WAIT_MS: '600' } });

    // Act
    const result = fn.invoke({});

    // Assess
    await expect(result).resolves.toMatchObject({ isDate: true });
    expect(fn.coldStarts).toBe(1);
  });

  it('ends an environment that runs past its timeout, as Lambda does; the next invocation starts a fresh one', async () => {
    // Prepare
    const clock = new ManualClock();
    const fn = probe({ clock, timeoutMs: 300 });

    // Act
    const timedOut = fn.invoke({ spin: true });

    // Assess
    await expect(timedOut).rejects.toThrow(LambdaInvocationError);
    await expect(timedOut).rejects.toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(fn.environmentCount).toBe(0);
    expect(clock.busy).toBe(false);
    await expect(fn.invoke({})).resolves.toMatchObject({ isDate: true });
    expect(fn.coldStarts).toBe(2);
  });

  it('fails invocations in flight with Runtime.Stopped when stopped', async () => {
    // Prepare
    const fn = probe({ clock: new ManualClock() });
    const running = fn.invoke({ waitMs: 5000 });

    // Act
    await fn.stop();

    // Assess
    await expect(running).rejects.toMatchObject({ errorType: 'Runtime.Stopped' });
    expect(fn.environmentCount).toBe(0);
  });
});
