/**
 * A JSON scanner for the dataset steps' lines, written here instead of calling `JSON.parse`: the
 * steps read one or two members of each line (`recordId`, `modelInput`, `modelOutput`, `error`)
 * and copy the others' text unchanged, so parsing the whole line into objects (and
 * `JSON.stringify` to get the text back) is most of their CPU time and garbage. This scanner
 * walks the line's UTF-8 bytes once, checks the JSON grammar and gives the byte ranges of the
 * members asked for. It is deliberately strict: whatever it is not sure to treat exactly as
 * `JSON.parse` + `JSON.stringify` would (escaped member names, `\u` escapes in copied values,
 * white space or non-canonical numbers in copied values, numeric or repeated keys, deep nesting,
 * invalid JSON) makes it answer `undefined`, and the caller falls back to `JSON.parse`.
 */
import { isUtf8 } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** Deeper values are left to `JSON.parse`. */
const MAX_DEPTH = 256;
/** Objects with more keys than this are left to `JSON.parse` (keys are compared pairwise). */
const MAX_CANONICAL_KEYS = 64;
/** Digits of an integer that is surely printed back the same by `JSON.stringify`. */
const SAFE_INTEGER_DIGITS = 15;

/** `STRING_BYTE[byte]`: `PLAIN` for a byte a string holds as is, else `SPECIAL`. */
const PLAIN = 0;
const SPECIAL = 1;
const STRING_BYTE = new Uint8Array(256).map((_, byte) =>
  byte < 0x20 || byte === QUOTE || byte === BACKSLASH || byte >= 0x80 ? SPECIAL : PLAIN,
);

/** A failed scan. */
const FAIL = -1;

/** Set when a scanned string held a byte of 0x80 or more (see `copiedBytesAreUtf8`). */
let sawNonAscii = false;

function isWhiteSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipWhiteSpace(bytes: Buffer, at: number, end: number): number {
  let position = at;
  while (position < end && isWhiteSpace(bytes[position])) position++;
  return position;
}

function isHex(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= ZERO && byte <= NINE) ||
      (byte >= 0x41 && byte <= 0x46) ||
      (byte >= 0x61 && byte <= 0x66))
  );
}

/**
 * Scans a string from its opening quote; returns the position after the closing quote. In
 * canonical mode only the escapes `JSON.stringify` writes for printable text are allowed.
 */
function scanString(bytes: Buffer, at: number, end: number, canonical: boolean): number {
  let position = at + 1;
  while (position < end) {
    const byte = bytes[position] as number;
    if (STRING_BYTE[byte] === PLAIN) {
      position++;
      continue;
    }
    if (byte === QUOTE) return position + 1;
    if (byte === BACKSLASH) {
      const escaped = bytes[position + 1];
      if (
        escaped === QUOTE ||
        escaped === BACKSLASH ||
        escaped === 0x62 || // b
        escaped === 0x66 || // f
        escaped === 0x6e || // n
        escaped === 0x72 || // r
        escaped === 0x74 // t
      ) {
        position += 2;
        continue;
      }
      if (canonical) return FAIL;
      if (escaped === 0x2f) {
        position += 2;
        continue;
      }
      if (
        escaped === 0x75 && // u
        isHex(bytes[position + 2]) &&
        isHex(bytes[position + 3]) &&
        isHex(bytes[position + 4]) &&
        isHex(bytes[position + 5])
      ) {
        position += 6;
        continue;
      }
      return FAIL;
    }
    if (byte < 0x20) return FAIL;
    if (byte >= 0x80) sawNonAscii = true;
    position++;
  }
  return FAIL;
}

function scanDigits(bytes: Buffer, at: number, end: number): number {
  let position = at;
  while (position < end) {
    const byte = bytes[position] as number;
    if (byte < ZERO || byte > NINE) break;
    position++;
  }
  return position;
}

/** Scans a number; in canonical mode, only one `JSON.stringify` prints back the same. */
function scanNumber(bytes: Buffer, at: number, end: number, canonical: boolean): number {
  let position = at;
  if (bytes[position] === MINUS) position++;
  const first = bytes[position];
  if (first === ZERO) position++;
  else if (first !== undefined && first > ZERO && first <= NINE)
    position = scanDigits(bytes, position, end);
  else return FAIL;
  const integerEnd = position;
  if (bytes[position] === DOT) {
    const digits = scanDigits(bytes, position + 1, end);
    if (digits === position + 1) return FAIL;
    position = digits;
  }
  const exponent = bytes[position];
  if (exponent === 0x65 || exponent === 0x45) {
    position++;
    if (bytes[position] === 0x2b || bytes[position] === MINUS) position++;
    const digits = scanDigits(bytes, position, end);
    if (digits === position) return FAIL;
    position = digits;
  }
  if (!canonical) return position;
  const plainInteger =
    position === integerEnd &&
    integerEnd - at <= SAFE_INTEGER_DIGITS &&
    !(bytes[at] === MINUS && bytes[at + 1] === ZERO);
  if (plainInteger) return position;
  const text = bytes.toString('latin1', at, position);
  return String(Number(text)) === text ? position : FAIL;
}

function scanLiteral(bytes: Buffer, at: number, literal: string): number {
  for (let index = 0; index < literal.length; index++) {
    if (bytes[at + index] !== literal.charCodeAt(index)) return FAIL;
  }
  return at + literal.length;
}

/** Whether two byte ranges hold the same bytes. */
function sameBytes(bytes: Buffer, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let index = 0; index < aEnd - a; index++) {
    if (bytes[a + index] !== bytes[b + index]) return false;
  }
  return true;
}

function isDigitsOnly(bytes: Buffer, start: number, end: number): boolean {
  for (let position = start; position < end; position++) {
    const byte = bytes[position] as number;
    if (byte < ZERO || byte > NINE) return false;
  }
  return true;
}

function scanObject(
  bytes: Buffer,
  at: number,
  end: number,
  canonical: boolean,
  depth: number,
): number {
  let position = canonical ? at + 1 : skipWhiteSpace(bytes, at + 1, end);
  if (bytes[position] === CLOSE_BRACE) return position + 1;
  const keys: number[] = [];
  while (true) {
    if (bytes[position] !== QUOTE) return FAIL;
    const keyEnd = scanString(bytes, position, end, canonical);
    if (keyEnd === FAIL) return FAIL;
    if (canonical) {
      // Integer-like keys are reordered by JSON.parse; a repeated key is dropped.
      if (isDigitsOnly(bytes, position + 1, keyEnd - 1)) return FAIL;
      if (keys.length >= MAX_CANONICAL_KEYS * 2) return FAIL;
      for (let index = 0; index < keys.length; index += 2) {
        if (sameBytes(bytes, keys[index] as number, keys[index + 1] as number, position, keyEnd)) {
          return FAIL;
        }
      }
      keys.push(position, keyEnd);
      position = keyEnd;
    } else {
      position = skipWhiteSpace(bytes, keyEnd, end);
    }
    if (bytes[position] !== COLON) return FAIL;
    position = canonical ? position + 1 : skipWhiteSpace(bytes, position + 1, end);
    position = scanValue(bytes, position, end, canonical, depth + 1);
    if (position === FAIL) return FAIL;
    if (!canonical) position = skipWhiteSpace(bytes, position, end);
    const next = bytes[position];
    if (next === CLOSE_BRACE) return position + 1;
    if (next !== COMMA) return FAIL;
    position = canonical ? position + 1 : skipWhiteSpace(bytes, position + 1, end);
  }
}

function scanArray(
  bytes: Buffer,
  at: number,
  end: number,
  canonical: boolean,
  depth: number,
): number {
  let position = canonical ? at + 1 : skipWhiteSpace(bytes, at + 1, end);
  if (bytes[position] === CLOSE_BRACKET) return position + 1;
  while (true) {
    position = scanValue(bytes, position, end, canonical, depth + 1);
    if (position === FAIL) return FAIL;
    if (!canonical) position = skipWhiteSpace(bytes, position, end);
    const next = bytes[position];
    if (next === CLOSE_BRACKET) return position + 1;
    if (next !== COMMA) return FAIL;
    position = canonical ? position + 1 : skipWhiteSpace(bytes, position + 1, end);
  }
}

/** Scans one value (no white space around it); returns the position after it or `FAIL`. */
function scanValue(
  bytes: Buffer,
  at: number,
  end: number,
  canonical: boolean,
  depth: number,
): number {
  if (depth > MAX_DEPTH || at >= end) return FAIL;
  const byte = bytes[at];
  if (byte === QUOTE) return scanString(bytes, at, end, canonical);
  if (byte === OPEN_BRACE) return scanObject(bytes, at, end, canonical, depth);
  if (byte === OPEN_BRACKET) return scanArray(bytes, at, end, canonical, depth);
  if (byte === 0x74) return scanLiteral(bytes, at, 'true');
  if (byte === 0x66) return scanLiteral(bytes, at, 'false');
  if (byte === 0x6e) return scanLiteral(bytes, at, 'null');
  return scanNumber(bytes, at, end, canonical);
}

/**
 * Which of `names` the member name `bytes[start, end)` is: its index, `FAIL` for none, `FAIL - 1`
 * for a name with an escape (it could spell a wanted name: left to `JSON.parse`).
 */
function wantedIndex(bytes: Buffer, start: number, end: number, names: readonly string[]): number {
  for (let position = start; position < end; position++) {
    if (bytes[position] === BACKSLASH) return FAIL - 1;
  }
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string;
    if (name.length !== end - start) continue;
    let same = true;
    for (let offset = 0; offset < name.length && same; offset++) {
      same = bytes[start + offset] === name.charCodeAt(offset);
    }
    if (same) return index;
  }
  return FAIL;
}

/**
 * The members a caller asked {@link scanLineMembers} for: for member `i`, its value's byte range
 * `[starts[i], ends[i])` in the line's buffer, or `-1` in both when the line has no such member.
 */
interface LineMembers {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** The answer of every call (no allocation per line): valid until the next call. */
let found: LineMembers = { starts: new Int32Array(4), ends: new Int32Array(4) };

/**
 * Scans a line that should hold one JSON object and finds the values of some of its top-level
 * members. The other members are only checked to be valid JSON.
 *
 * @param bytes - the buffer holding the line
 * @param start - the line's first byte
 * @param end - the line's end (exclusive, without the line break)
 * @param names - the member names wanted (plain ASCII, e.g. `recordId`)
 * @param canonical - for each name, whether its value will be copied as text: then it must be
 *   exactly what `JSON.stringify(JSON.parse(value))` gives, and its bytes valid UTF-8
 * @returns the ranges of the wanted members' values (valid until the next call), or `undefined` when the line is not sure to
 *   be read the same as `JSON.parse` would (invalid, unusual, or a repeated wanted member): the
 *   caller must then use `JSON.parse`
 *
 * @example
 * ```ts
 * const names = ['recordId', 'modelInput'];
 * const found = scanLineMembers(bytes, 0, bytes.length, names, [false, true]);
 * if (found !== undefined && found.starts[1] !== -1) copy(bytes.subarray(found.starts[1], found.ends[1]));
 * ```
 */
function scanLineMembers(
  bytes: Buffer,
  start: number,
  end: number,
  names: readonly string[],
  canonical: readonly boolean[],
): LineMembers | undefined {
  if (found.starts.length < names.length) {
    found = { starts: new Int32Array(names.length), ends: new Int32Array(names.length) };
  }
  const { starts, ends } = found;
  starts.fill(FAIL);
  ends.fill(FAIL);
  let position = skipWhiteSpace(bytes, start, end);
  if (bytes[position] !== OPEN_BRACE) return undefined;
  position = skipWhiteSpace(bytes, position + 1, end);
  let copiedNonAscii = false;
  if (bytes[position] !== CLOSE_BRACE) {
    while (true) {
      if (bytes[position] !== QUOTE) return undefined;
      const keyStart = position + 1;
      const keyEnd = scanString(bytes, position, end, false);
      if (keyEnd === FAIL) return undefined;
      const wanted = wantedIndex(bytes, keyStart, keyEnd - 1, names);
      if (wanted === FAIL - 1) return undefined;
      position = skipWhiteSpace(bytes, keyEnd, end);
      if (bytes[position] !== COLON) return undefined;
      position = skipWhiteSpace(bytes, position + 1, end);
      const copied = wanted !== -1 && canonical[wanted] === true;
      sawNonAscii = false;
      const valueEnd = scanValue(bytes, position, end, copied, 1);
      if (valueEnd === FAIL) return undefined;
      if (wanted !== -1) {
        if (starts[wanted] !== FAIL) return undefined;
        starts[wanted] = position;
        ends[wanted] = valueEnd;
        if (copied && sawNonAscii) copiedNonAscii = true;
      }
      position = skipWhiteSpace(bytes, valueEnd, end);
      const next = bytes[position];
      if (next === CLOSE_BRACE) break;
      if (next !== COMMA) return undefined;
      position = skipWhiteSpace(bytes, position + 1, end);
    }
  }
  if (skipWhiteSpace(bytes, position + 1, end) !== end) return undefined;
  // Invalid UTF-8 decodes to U+FFFD: copying such bytes would not give JSON.stringify's text.
  if (copiedNonAscii && !isUtf8(bytes.subarray(start, end))) return undefined;
  return found;
}

export type { LineMembers };
export { scanLineMembers };
