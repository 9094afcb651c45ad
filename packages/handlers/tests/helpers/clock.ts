import { jest } from '@jest/globals';

/**
 * Fakes `Date` only (timers, microtasks and the rest stay real, as the SDK mocks and the
 * Powertools logger need them), so code that reads `new Date()` sees `now`. Undo with
 * {@link releaseClock}.
 *
 * @example
 * ```ts
 * beforeEach(() => fixClock(NOW));
 * afterEach(() => releaseClock());
 * ```
 */
function fixClock(now: Date | string): void {
  jest.useFakeTimers({
    now: new Date(now),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** Moves the faked clock to `now` (see {@link fixClock}). */
function setClock(now: Date | string): void {
  jest.setSystemTime(new Date(now));
}

/** Gives `Date` back its real clock. */
function releaseClock(): void {
  jest.useRealTimers();
}

/** `base` plus `ms` milliseconds, as a Date. */
function after(base: Date | string, ms: number): Date {
  return new Date(new Date(base).getTime() + ms);
}

export { after, fixClock, releaseClock, setClock };
