/**
 * A set of record ids that remembers, for each id, the position of the record that used it first,
 * in flat typed arrays: 12 bytes a slot (two 32-bit halves of a 64-bit hash of the id, and the
 * position), at most 4 slots in 3 used. A million ids take about 25 MiB, where a `Map` of strings
 * would take several times that and grow with the length of the ids.
 *
 * Only hashes are kept, so a hit means "probably the same id": two different ids share a 64-bit
 * hash with a probability of about n^2 / 2^65 (3 in 100 million for a million records). The caller
 * confirms a hit by reading both records again (see `prepareDataset`).
 */

const EMPTY = 0;
const INITIAL_CAPACITY = 1 << 12;

/** FNV-1a (32-bit) over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A multiply-rotate hash with another seed and a final avalanche, independent of FNV-1a. */
function mixHash(text: string): number {
  let hash = 0x9747b28c ^ text.length;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Record ids seen so far, by 64-bit hash, with the position of the first record of each.
 *
 * @example
 * ```ts
 * const ids = new RecordIdIndex();
 * ids.add('review-1', 0); // undefined: new
 * ids.add('review-1', 7); // 0: probably used by the record at position 0
 * ```
 */
class RecordIdIndex {
  private high = new Uint32Array(INITIAL_CAPACITY);
  private low = new Uint32Array(INITIAL_CAPACITY);
  /** Position + 1 of the record, 0 for an empty slot. */
  private positions = new Uint32Array(INITIAL_CAPACITY);
  private used = 0;

  /** Ids held. */
  public get size(): number {
    return this.used;
  }

  /**
   * Adds `id`, used by the record at `position`, unless an id with the same hash is held.
   *
   * @returns `undefined` when the id is new; else the position stored for the same hash
   */
  public add(id: string, position: number): number | undefined {
    if (position < 0 || position >= 0xffffffff) {
      throw new RangeError(
        `RecordIdIndex holds positions below 4294967295 (received: ${position})`,
      );
    }
    const high = fnv1a(id);
    const low = mixHash(id);
    const mask = this.positions.length - 1;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    while (this.positions[slot] !== EMPTY) {
      if (this.high[slot] === high && this.low[slot] === low) {
        return (this.positions[slot] as number) - 1;
      }
      slot = (slot + 1) & mask;
    }
    this.high[slot] = high;
    this.low[slot] = low;
    this.positions[slot] = position + 1;
    this.used++;
    if (this.used * 4 > this.positions.length * 3) this.grow();
    return undefined;
  }

  private grow(): void {
    const { high, low, positions } = this;
    const capacity = positions.length * 2;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.positions = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let old = 0; old < positions.length; old++) {
      if (positions[old] === EMPTY) continue;
      const h = high[old] as number;
      const l = low[old] as number;
      let slot = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      while (this.positions[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.high[slot] = h;
      this.low[slot] = l;
      this.positions[slot] = positions[old] as number;
    }
  }
}

export { RecordIdIndex };
