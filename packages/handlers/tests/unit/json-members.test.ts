import { describe, expect, it } from '@jest/globals';
import { scanLineMembers } from '../../src/json-members.js';

const NAMES = ['recordId', 'modelOutput'];
const COPIED = [false, true];

/** What the scanner found, as text, or `undefined` when it leaves the line to JSON.parse. */
function scan(line: string | Buffer) {
  const bytes = Buffer.isBuffer(line) ? line : Buffer.from(line, 'utf8');
  const found = scanLineMembers(bytes, 0, bytes.length, NAMES, COPIED);
  if (found === undefined) return undefined;
  return NAMES.map((_, index) =>
    found.starts[index] === -1
      ? undefined
      : bytes.toString('utf8', found.starts[index], found.ends[index]),
  );
}

describe('scanLineMembers', () => {
  it.each([
    '{"recordId":"a","modelOutput":{"x":01}}',
    '{"recordId":"a","modelOutput":{"x":1,}}',
    '{"recordId":"a","modelOutput":{"x":.5}}',
    '{"recordId":"a","modelOutput":{"x":1.}}',
    '{"recordId":"a","modelOutput":{"x":+1}}',
    '{"recordId":"a","modelOutput":{"x":NaN}}',
    '{"recordId":"a","modelOutput":{"x":tru}}',
    '{"recordId":"a","modelOutput":{"x":"\u0001"}}',
    '{"recordId":"a","modelOutput":{"x":"\\q"}}',
    '{"recordId":"a","other":"\\u12"}',
    '{"recordId":"a","modelOutput":{"x":"open}}',
    '{"recordId":"a","modelOutput":{}} x',
    '{"recordId":"a",}',
    '{"recordId" "a"}',
    '\ufeff{"recordId":"a"}',
    '{"recordId":"a","modelOutput":{}',
    '',
  ])('leaves invalid JSON to JSON.parse: %s', (line) => {
    expect(() => JSON.parse(line)).toThrow();
    expect(scan(line)).toBeUndefined();
  });

  it.each([
    '{"recordId":"a","modelOutput":{"n":1.0}}',
    '{"recordId":"a","modelOutput":{"n":1e2}}',
    '{"recordId":"a","modelOutput":{"n":-0}}',
    '{"recordId":"a","modelOutput":{"s":"\\u00e9"}}',
    '{"recordId":"a","modelOutput":{"s":"\\/"}}',
    '{"recordId":"a","modelOutput":{ "s":1}}',
    '{"recordId":"a","modelOutput":{"2":1,"b":2}}',
    '{"recordId":"a","modelOutput":{"b":1,"b":2}}',
    '{"recordId":"a","modelOutput":{},"modelOutput":{}}',
    '{"record\\u0049d":"a","modelOutput":{}}',
    '["recordId","a"]',
  ])('leaves text JSON.stringify would write otherwise to JSON.parse: %s', (line) => {
    expect(scan(line)).toBeUndefined();
  });

  it('leaves invalid UTF-8 in a copied value to JSON.parse, and reads it in other members', () => {
    const bad = Buffer.from([0xff, 0xfe]);
    const line = (before: string, after: string) =>
      Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]);
    expect(scan(line('{"recordId":"a","modelOutput":{"s":"', '"}}'))).toBeUndefined();
    expect(scan(line('{"recordId":"a","modelOutput":{},"x":"', '"}'))).toEqual(['"a"', '{}']);
  });

  it.each([
    ['{"recordId":"a","modelOutput":{"x":"y"}}', ['"a"', '{"x":"y"}']],
    [
      ' { "recordId" : "a" ,\t"modelOutput" : {"x":[1,-2,0.5,true,false,null]} } ',
      ['"a"', '{"x":[1,-2,0.5,true,false,null]}'],
    ],
    ['{"modelInput":{"t":"}{\\"modelOutput\\":1"},"recordId":"a\\"b"}', ['"a\\"b"', undefined]],
    [
      '{"recordId":"ü 🎉","modelOutput":{"t":"日本語 \\" \\\\ \\n"}}',
      ['"ü 🎉"', '{"t":"日本語 \\" \\\\ \\n"}'],
    ],
    ['{}', [undefined, undefined]],
  ])('finds the members of %s', (line, expected) => {
    expect(scan(line)).toEqual(expected);
    const parsed = JSON.parse(line);
    const output = expected[1];
    if (output !== undefined) expect(output).toBe(JSON.stringify(parsed.modelOutput));
  });
});
