/**
 * Small deterministic helpers: a string hash and a seeded pseudo-random generator. Not for
 * security; they make emulator runs repeatable for a given seed.
 */

/** 32-bit FNV-1a hash of a string. */
function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A generator of numbers in [0, 1) (mulberry32) seeded by a number. */
type Random = () => number;

/**
 * A seeded generator of numbers in [0, 1): the same seed gives the same sequence. The emulator
 * uses it for output order and injected faults; tests and demos can use it for sample data.
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * const pick = ['a', 'b', 'c'][Math.floor(random() * 3)];
 * ```
 */
function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Shuffles `items` in place (Fisher-Yates) with `random`, and returns it. */
function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

export type { Random };
export { createRandom, hashString, shuffleInPlace };
