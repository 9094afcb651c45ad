/**
 * Exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the n-th wait is a uniformly random time in `[0, min(cap, base * 2^(n-1)))`. A few
 * lines, so no library: the SDK's own retry strategy is not exposed as a delay function, and
 * the delay must use an injectable random source for tests.
 */

/**
 * First backoff ceiling: the first wait is under a second.
 *
 * @example
 * ```ts
 * fullJitterDelay(1, Math.random); // in [0, BACKOFF_BASE_MS)
 * ```
 */
const BACKOFF_BASE_MS = 1_000;

/**
 * Largest backoff ceiling: no single wait is 20 seconds or more.
 *
 * @example
 * ```ts
 * backoffCeiling(10) === BACKOFF_CAP_MS; // true
 * ```
 */
const BACKOFF_CAP_MS = 20_000;

/** Options of {@link fullJitterDelay}. */
interface BackoffOptions {
  /**
   * Ceiling of the first wait, in milliseconds.
   * @default BACKOFF_BASE_MS (1,000)
   */
  readonly baseMs?: number;
  /**
   * Largest ceiling, in milliseconds.
   * @default BACKOFF_CAP_MS (20,000)
   */
  readonly capMs?: number;
}

/**
 * The ceiling of the wait after the `attempt`-th failed attempt: `min(cap, base * 2^(attempt-1))`.
 *
 * @example
 * ```ts
 * backoffCeiling(1); // 1000
 * backoffCeiling(3); // 4000
 * backoffCeiling(9); // 20000
 * ```
 */
function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? BACKOFF_BASE_MS;
  const cap = options.capMs ?? BACKOFF_CAP_MS;
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

/**
 * The wait after the `attempt`-th failed attempt (1 for the first): a random whole number of
 * milliseconds in `[0, backoffCeiling(attempt))`.
 *
 * @param attempt - how many attempts failed so far (1 or more)
 * @param random - a source of numbers in `[0, 1)`, such as `Math.random`
 * @param options - base and cap
 * @returns the delay in milliseconds
 *
 * @example
 * ```ts
 * await sleep(fullJitterDelay(attempt, Math.random));
 * ```
 */
function fullJitterDelay(attempt: number, random: () => number, options?: BackoffOptions): number {
  return Math.floor(random() * backoffCeiling(attempt, options));
}

export type { BackoffOptions };
export { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffCeiling, fullJitterDelay };
