import { describe, expect, it } from '@jest/globals';
import { readLineBatches, readLines } from '../../src/read-lines.js';

async function* streamOf(chunks: (string | Uint8Array)[]) {
  yield* chunks;
}

async function linesOf(chunks: (string | Uint8Array)[]) {
  const out: [number, string][] = [];
  for await (const line of readLines(streamOf(chunks))) out.push([line.number, line.text]);
  return out;
}

describe('readLines', () => {
  it('splits lines across chunks, keeps blank lines and a last line without a break', async () => {
    expect(await linesOf(['{"a"', ':1}\n\n{"b":2}\r\n{"c', '":3}'])).toEqual([
      [1, '{"a":1}'],
      [2, ''],
      [3, '{"b":2}'],
      [4, '{"c":3}'],
    ]);
  });

  it('decodes a multi-byte character split between two chunks', async () => {
    const bytes = Buffer.from('élan\nnaïve\n', 'utf8');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await linesOf(chunks)).toEqual([
      [1, 'élan'],
      [2, 'naïve'],
    ]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await linesOf([])).toEqual([]);
    expect(await linesOf([''])).toEqual([]);
  });

  it('breaks lines as node:readline does: \\r\\n split between chunks, a lone \\r, a line over many chunks', async () => {
    expect(await linesOf(['a\r', '\nb\rc\r\r\n', 'd', 'e', 'f', '\ng\r'])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, ''],
      [5, 'def'],
      [6, 'g'],
    ]);
  });

  it('gives byte ranges, a batch per chunk, with line numbers', async () => {
    const batches = [];
    for await (const batch of readLineBatches(streamOf(['{"a":1}\n{"b"', ':2}\n\n{"c":3}']))) {
      batches.push(
        batch.starts.map((start, index) => [
          batch.firstNumber + index,
          batch.bytes.toString('utf8', start, batch.ends[index]),
        ]),
      );
    }
    expect(batches).toEqual([[[1, '{"a":1}']], [[2, '{"b":2}']], [[3, '']], [[4, '{"c":3}']]]);
  });
});
