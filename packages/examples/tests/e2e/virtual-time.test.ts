import { ManualClock, RealTimeClock } from '@bedrock-batch/local';
import { afterEach, describe, expect, it } from '@jest/globals';
import { batchInput, type E2e, startE2e } from '../helpers/e2e-harness.js';

/** The `timestamp` of every JSON log line the app's functions printed. */
function logTimestamps(e2e: E2e): string[] {
  return [...e2e.app.functions.values()].flatMap((fn) =>
    fn.logs.flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as { timestamp?: unknown; seenAt?: unknown };
        return [parsed.timestamp, parsed.seenAt].filter((t): t is string => typeof t === 'string');
      } catch {
        return [];
      }
    }),
  );
}

describe('E2E: one virtual time, whatever the wall date and the speed of the work', () => {
  let e2e: E2e | undefined;

  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it.each([
    ['years before today', '2019-03-01T00:00:00.000Z'],
    ['years after today', '2034-09-01T00:00:00.000Z'],
  ])(
    'runs the workflow on a clock started %s (%s): jobs, events and functions all in that time',
    async (_when, start) => {
      // Prepare
      const startMs = Date.parse(start);
      e2e = await startE2e({ clock: new ManualClock({ start: startMs }) });
      const keys = [await e2e.manifest(1), await e2e.manifest(2)];

      // Act
      const result = await e2e.run(e2e.start(batchInput(keys)));

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect((result.output as Array<{ status: string }>).map((job) => job.status)).toEqual([
        'Completed',
        'Completed',
      ]);
      const dayLater = startMs + 24 * 3_600_000;
      for (const job of e2e.local.bedrock.jobs.list()) {
        expect(job.submitTime).toBeGreaterThanOrEqual(startMs);
        expect(job.endTime).toBeLessThan(dayLater);
      }
      const stamps = logTimestamps(e2e);
      expect(stamps.length).toBeGreaterThan(0);
      for (const stamp of stamps) {
        expect(Date.parse(stamp)).toBeGreaterThanOrEqual(startMs);
        expect(Date.parse(stamp)).toBeLessThan(dayLater);
      }
      expect(e2e.jobsInFlight()).toEqual([]);
    },
  );

  it('succeeds when a function takes over a second of real time on a clock of 100 ms per virtual hour', async () => {
    // Prepare: the slow step's task times out after one virtual minute, under 2 ms of real idle
    // time on this clock; its function takes 1.2 real seconds.
    const start = Date.parse('2030-01-01T00:00:00.000Z');
    e2e = await startE2e({
      clock: new RealTimeClock({ msPerVirtualHour: 100, start }),
      slowStepMs: 1200,
    });
    const keys = [await e2e.manifest(1)];

    // Act
    const began = performance.now();
    const result = await e2e.run(e2e.start(batchInput(keys)));
    const realMs = performance.now() - began;

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as Array<{ status: string }>)[0]?.status).toBe('Completed');
    expect(realMs).toBeGreaterThan(1200);
    const slow = [...e2e.app.functions.values()].find((fn) => fn.name.includes('SlowStep'));
    const seen = (slow?.logs ?? [])
      .filter((line) => line.includes('slow step done'))
      .map((line) => JSON.parse(line) as { seenAt: string; endedAt: string });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.seenAt.startsWith('2030-01-01')).toBe(true);
    expect(seen[0]?.endedAt).toBe(seen[0]?.seenAt);
    expect(
      result.history.filter(
        (event) => event.type === 'TaskRetryScheduled' || event.type === 'TaskFailed',
      ),
    ).toEqual([]);
    expect(e2e.jobsInFlight()).toEqual([]);
  }, 60_000);
});
