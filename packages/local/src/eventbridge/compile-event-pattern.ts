import { EventBridgeArgumentError, EventPatternError } from '../errors.js';
import type { EventPattern } from './event-pattern-types.js';
import { compileMatchValue, isPlainObject, type LeafValue } from './pattern-filters.js';

/** Tests one object level of an event. */
type ObjectMatcher = (node: Readonly<Record<string, unknown>>) => boolean;

/**
 * A compiled event pattern: call it with an event (an object) to know whether the pattern
 * matches.
 */
type EventPatternMatcher = (event: unknown) => boolean;

const ROOT_PATH = '<root>';

function childPath(parent: string, key: string): string {
  return parent === ROOT_PATH ? key : `${parent}.${key}`;
}

function fieldOf(node: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

/** The leaf values of an event field: arrays are flattened, objects are not leaves. */
function leafValues(value: unknown, into: LeafValue[] = []): LeafValue[] {
  if (value === undefined || isPlainObject(value)) return into;
  if (Array.isArray(value)) {
    for (const item of value) leafValues(item, into);
    return into;
  }
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    into.push(value);
  }
  return into;
}

/** The objects an event field holds: itself, or the objects of an array (flattened). */
function objectsOf(
  value: unknown,
  into: Record<string, unknown>[] = [],
): Record<string, unknown>[] {
  if (isPlainObject(value)) into.push(value);
  else if (Array.isArray(value)) for (const item of value) objectsOf(item, into);
  return into;
}

function compileLeaf(key: string, elements: readonly unknown[], path: string): ObjectMatcher {
  if (elements.length === 0) {
    throw new EventPatternError(path, elements, 'must not be an empty array');
  }
  const matchers = elements.map((element, index) =>
    compileMatchValue(element, `${path}[${index}]`),
  );
  return (node) => {
    const values = leafValues(fieldOf(node, key));
    return matchers.some((matcher) =>
      matcher.kind === 'exists'
        ? values.length > 0 === matcher.present
        : values.some((value) => matcher.test(value)),
    );
  };
}

function compileOr(alternatives: unknown, path: string): ObjectMatcher {
  if (!Array.isArray(alternatives) || alternatives.length < 2) {
    throw new EventPatternError(path, alternatives, 'must be an array of at least two patterns');
  }
  const matchers = alternatives.map((alternative, index) =>
    compileObject(alternative, `${path}[${index}]`),
  );
  return (node) => matchers.some((matcher) => matcher(node));
}

function compileNested(key: string, pattern: unknown, path: string): ObjectMatcher {
  const matcher = compileObject(pattern, path);
  return (node) => {
    const objects = objectsOf(fieldOf(node, key));
    // A missing (or non-object) field has no sub-fields: only `exists: false` can match there.
    if (objects.length === 0) return matcher({});
    return objects.some((object) => matcher(object));
  };
}

function compileObject(pattern: unknown, path: string): ObjectMatcher {
  if (!isPlainObject(pattern)) {
    throw new EventPatternError(path, pattern, 'must be a JSON object');
  }
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    throw new EventPatternError(path, pattern, 'must not be an empty object');
  }
  const matchers = keys.map((key): ObjectMatcher => {
    const value = pattern[key];
    const fieldPath = childPath(path, key);
    if (key === '$or') return compileOr(value, fieldPath);
    if (Array.isArray(value)) return compileLeaf(key, value, fieldPath);
    if (isPlainObject(value)) return compileNested(key, value, fieldPath);
    throw new EventPatternError(
      fieldPath,
      value,
      'must be an array of match values or a nested object',
    );
  });
  return (node) => matchers.every((matcher) => matcher(node));
}

function parsePattern(pattern: EventPattern | string): unknown {
  if (typeof pattern !== 'string') return pattern;
  try {
    return JSON.parse(pattern) as unknown;
  } catch (error) {
    throw new EventPatternError(ROOT_PATH, pattern, 'must be valid JSON', { cause: error });
  }
}

/**
 * Validates an event pattern once and returns a function that tests events against it. Use it
 * when one rule tests many events; {@link matchesEventPattern} compiles on every call.
 *
 * @param pattern - the pattern, as an object or as the JSON text CloudFormation stores
 * @throws EventPatternError when the pattern is malformed (the message names the path)
 *
 * @example
 * ```ts
 * const isTerminalJobEvent = compileEventPattern({
 *   source: ['aws.bedrock'],
 *   'detail-type': ['Batch Inference Job State Change'],
 *   detail: { status: ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'] },
 * });
 * if (isTerminalJobEvent(event)) await deliver(event);
 * ```
 */
function compileEventPattern(pattern: EventPattern | string): EventPatternMatcher {
  const matcher = compileObject(parsePattern(pattern), ROOT_PATH);
  return (event) => {
    if (!isPlainObject(event)) {
      throw new EventBridgeArgumentError('event', event, 'must be a JSON object');
    }
    return matcher(event);
  };
}

export type { EventPatternMatcher };
export { compileEventPattern };
