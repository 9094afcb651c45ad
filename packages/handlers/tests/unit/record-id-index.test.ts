import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RecordIdIndex } from '../../src/record-id-index.js';

describe('Class: RecordIdIndex', () => {
  it('returns undefined for a new id and the first position for a repeated one', () => {
    const ids = new RecordIdIndex();
    expect(ids.add('review-1', 0)).toBeUndefined();
    expect(ids.add('review-2', 1)).toBeUndefined();
    expect(ids.add('review-1', 7)).toBe(0);
    expect(ids.size).toBe(2);
  });

  it('keeps every id and its first position as it grows', () => {
    const ids = new RecordIdIndex();
    for (let position = 0; position < 50_000; position++) {
      expect(ids.add(`id-${position}`, position)).toBeUndefined();
    }
    expect(ids.size).toBe(50_000);
    for (const position of [0, 4095, 4096, 32_768, 49_999]) {
      expect(ids.add(`id-${position}`, 60_000)).toBe(position);
    }
  });

  it('agrees with a Set on which ids were seen before', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }), { maxLength: 300 }), (list) => {
        const ids = new RecordIdIndex();
        const firsts = new Map<string, number>();
        list.forEach((id, position) => {
          expect(ids.add(id, position)).toBe(firsts.get(id));
          if (!firsts.has(id)) firsts.set(id, position);
        });
      }),
    );
  });

  it('refuses a position it cannot store', () => {
    expect(() => new RecordIdIndex().add('x', -1)).toThrow(RangeError);
    expect(() => new RecordIdIndex().add('x', 2 ** 32)).toThrow('received: 4294967296');
  });
});
