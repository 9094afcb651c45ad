import { BlockList, isIP } from 'node:net';
import { EventPatternError } from '../errors.js';

/** A JSON value found at a leaf of an event (objects are never leaves). */
type LeafValue = string | number | boolean | null;

/**
 * One compiled element of a leaf array: `exists` looks at whether the field has any leaf value;
 * every other element tests each leaf value.
 */
type LeafMatcher =
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'value'; readonly test: (value: LeafValue) => boolean };

/** Numeric matching limits, as documented for EventBridge (`-5.0e9` to `+5.0e9`). */
const NUMERIC_LIMIT = 5e9;

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameIgnoringCase(left: string, right: string): boolean {
  return left.toLowerCase() === right.toLowerCase();
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new EventPatternError(path, value, 'must be a string');
  return value;
}

/** Returns the strings of `value` (a string or a non-empty array of strings). */
function requireStrings(value: unknown, path: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0) {
    return value.map((item, index) => requireString(item, `${path}[${index}]`));
  }
  throw new EventPatternError(path, value, 'must be a string or a non-empty array of strings');
}

/**
 * Compiles a `wildcard` value: `*` matches any run of characters, `\*` a literal asterisk and
 * `\\` a literal backslash. Consecutive wildcards and other escapes are rejected, as EventBridge
 * does.
 */
function compileWildcard(value: unknown, path: string): (text: string) => boolean {
  const pattern = requireString(value, path);
  let source = '';
  let previousWasWildcard = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern.charAt(index);
    if (char === '*') {
      if (previousWasWildcard) {
        throw new EventPatternError(
          path,
          pattern,
          'must not contain consecutive wildcard characters',
        );
      }
      source += '.*';
      previousWasWildcard = true;
      continue;
    }
    previousWasWildcard = false;
    if (char === '\\') {
      const next = pattern.charAt(index + 1);
      if (next !== '*' && next !== '\\') {
        throw new EventPatternError(path, pattern, 'may escape only "*" or "\\" with a backslash');
      }
      source += `\\${next}`;
      index += 1;
      continue;
    }
    source += char.replace(REGEXP_SPECIAL, '\\$&');
  }
  const regexp = new RegExp(`^${source}$`, 's');
  return (text) => regexp.test(text);
}

/** Compiles `prefix` / `suffix`, whose value is a string or `{ "equals-ignore-case": string }`. */
function compileAffix(
  operator: 'prefix' | 'suffix',
  value: unknown,
  path: string,
): (value: LeafValue) => boolean {
  let expected: string;
  let ignoreCase = false;
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new EventPatternError(
        path,
        value,
        'must be a string or an object with only "equals-ignore-case"',
      );
    }
    expected = requireString(value['equals-ignore-case'], `${path}.equals-ignore-case`);
    ignoreCase = true;
  } else {
    expected = requireString(value, path);
  }
  const wanted = ignoreCase ? expected.toLowerCase() : expected;
  return (candidate) => {
    if (typeof candidate !== 'string') return false;
    const text = ignoreCase ? candidate.toLowerCase() : candidate;
    return operator === 'prefix' ? text.startsWith(wanted) : text.endsWith(wanted);
  };
}

/** Compiles `numeric`: `["=", n]`, or one lower (`>`, `>=`) and/or one upper (`<`, `<=`) bound. */
function compileNumeric(value: unknown, path: string): (value: LeafValue) => boolean {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 4)) {
    throw new EventPatternError(
      path,
      value,
      'must be [operator, number] or [operator, number, operator, number]',
    );
  }
  let equal: number | undefined;
  let lower: { readonly bound: number; readonly inclusive: boolean } | undefined;
  let upper: { readonly bound: number; readonly inclusive: boolean } | undefined;
  for (let index = 0; index < value.length; index += 2) {
    const operator: unknown = value[index];
    const bound: unknown = value[index + 1];
    if (typeof bound !== 'number' || !Number.isFinite(bound) || Math.abs(bound) > NUMERIC_LIMIT) {
      throw new EventPatternError(
        `${path}[${index + 1}]`,
        bound,
        `must be a number between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT}`,
      );
    }
    if (operator === '=') {
      if (value.length !== 2) {
        throw new EventPatternError(
          `${path}[${index}]`,
          operator,
          '"=" cannot be combined with a range',
        );
      }
      equal = bound;
    } else if (operator === '>' || operator === '>=') {
      if (lower !== undefined) {
        throw new EventPatternError(`${path}[${index}]`, operator, 'repeats a lower bound');
      }
      lower = { bound, inclusive: operator === '>=' };
    } else if (operator === '<' || operator === '<=') {
      if (upper !== undefined) {
        throw new EventPatternError(`${path}[${index}]`, operator, 'repeats an upper bound');
      }
      upper = { bound, inclusive: operator === '<=' };
    } else {
      throw new EventPatternError(
        `${path}[${index}]`,
        operator,
        'must be one of "=", "<", "<=", ">", ">="',
      );
    }
  }
  if (lower !== undefined && upper !== undefined && lower.bound >= upper.bound) {
    throw new EventPatternError(path, value, 'lower bound must be below the upper bound');
  }
  return (candidate) => {
    if (typeof candidate !== 'number') return false;
    if (equal !== undefined) return candidate === equal;
    if (
      lower !== undefined &&
      (lower.inclusive ? candidate < lower.bound : candidate <= lower.bound)
    ) {
      return false;
    }
    if (
      upper !== undefined &&
      (upper.inclusive ? candidate > upper.bound : candidate >= upper.bound)
    ) {
      return false;
    }
    return true;
  };
}

/** Compiles `cidr`: an IPv4 or IPv6 network such as `10.0.0.0/24` or `2001:db8::/32`. */
function compileCidr(value: unknown, path: string): (value: LeafValue) => boolean {
  const text = requireString(value, path);
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const family = isIP(address);
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (family === 0 || !/^\d{1,3}$/.test(prefixText) || prefix > maxPrefix) {
    throw new EventPatternError(
      path,
      text,
      'must be an IPv4 or IPv6 network in CIDR notation, such as "10.0.0.0/24"',
    );
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const networks = new BlockList();
  networks.addSubnet(address, prefix, type);
  return (candidate) =>
    typeof candidate === 'string' && isIP(candidate) === family && networks.check(candidate, type);
}

/** Compiles the value of `anything-but`. */
function compileAnythingBut(value: unknown, path: string): (value: LeafValue) => boolean {
  if (typeof value === 'string' || typeof value === 'number') {
    return (candidate) => candidate !== value;
  }
  if (Array.isArray(value)) {
    const allStrings = value.every((item) => typeof item === 'string');
    const allNumbers = value.every((item) => typeof item === 'number');
    if (value.length === 0 || !(allStrings || allNumbers)) {
      throw new EventPatternError(
        path,
        value,
        'must be a non-empty array of only strings or only numbers',
      );
    }
    const excluded = new Set<unknown>(value);
    return (candidate) => !excluded.has(candidate);
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const [operator] = keys;
    if (keys.length !== 1 || operator === undefined) {
      throw new EventPatternError(path, value, 'must have exactly one operator');
    }
    const operand = value[operator];
    const operandPath = `${path}.${operator}`;
    switch (operator) {
      case 'prefix': {
        const prefix = requireString(operand, operandPath);
        return (candidate) => typeof candidate === 'string' && !candidate.startsWith(prefix);
      }
      case 'suffix': {
        const suffix = requireString(operand, operandPath);
        return (candidate) => typeof candidate === 'string' && !candidate.endsWith(suffix);
      }
      case 'equals-ignore-case': {
        const excluded = requireStrings(operand, operandPath);
        return (candidate) =>
          typeof candidate === 'string' &&
          !excluded.some((item) => sameIgnoringCase(item, candidate));
      }
      case 'wildcard': {
        const tests = requireStrings(operand, operandPath).map((item, index) =>
          compileWildcard(item, Array.isArray(operand) ? `${operandPath}[${index}]` : operandPath),
        );
        return (candidate) =>
          typeof candidate === 'string' && !tests.some((test) => test(candidate));
      }
      default:
        throw new EventPatternError(
          operandPath,
          operand,
          `unknown anything-but operator "${operator}" (expected prefix, suffix, equals-ignore-case or wildcard)`,
        );
    }
  }
  throw new EventPatternError(
    path,
    value,
    'must be a string, a number, an array of strings or numbers, or an object with one operator',
  );
}

/**
 * Compiles one element of a leaf array: an exact JSON value (string, number, boolean, `null`)
 * or a content filter object with exactly one operator.
 */
function compileMatchValue(element: unknown, path: string): LeafMatcher {
  if (
    element === null ||
    typeof element === 'string' ||
    typeof element === 'number' ||
    typeof element === 'boolean'
  ) {
    return { kind: 'value', test: (candidate) => candidate === element };
  }
  if (!isPlainObject(element)) {
    throw new EventPatternError(
      path,
      element,
      'must be a string, number, boolean, null or a filter object',
    );
  }
  const keys = Object.keys(element);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined) {
    throw new EventPatternError(path, element, 'a filter object must have exactly one operator');
  }
  const operand = element[operator];
  const operandPath = `${path}.${operator}`;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return { kind: 'value', test: compileAffix(operator, operand, operandPath) };
    case 'equals-ignore-case': {
      const expected = requireString(operand, operandPath);
      return {
        kind: 'value',
        test: (candidate) => typeof candidate === 'string' && sameIgnoringCase(candidate, expected),
      };
    }
    case 'anything-but':
      return { kind: 'value', test: compileAnythingBut(operand, operandPath) };
    case 'numeric':
      return { kind: 'value', test: compileNumeric(operand, operandPath) };
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new EventPatternError(operandPath, operand, 'must be true or false');
      }
      return { kind: 'exists', present: operand };
    case 'cidr':
      return { kind: 'value', test: compileCidr(operand, operandPath) };
    case 'wildcard': {
      const test = compileWildcard(operand, operandPath);
      return {
        kind: 'value',
        test: (candidate) => typeof candidate === 'string' && test(candidate),
      };
    }
    default:
      throw new EventPatternError(
        operandPath,
        operand,
        `unknown filter operator "${operator}" (expected prefix, suffix, equals-ignore-case, anything-but, numeric, exists, cidr or wildcard)`,
      );
  }
}

export type { LeafMatcher, LeafValue };
export { compileMatchValue, isPlainObject };
