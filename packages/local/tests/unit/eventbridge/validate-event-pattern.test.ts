import { describe, expect, it } from '@jest/globals';
import {
  EventBridgeError,
  type EventPattern,
  EventPatternError,
  validateEventPattern,
} from '../../../src/index.js';

function thrownBy(action: () => unknown): EventPatternError {
  try {
    action();
  } catch (error) {
    if (error instanceof EventPatternError) return error;
    throw error;
  }
  throw new Error('expected an EventPatternError');
}

/** Validates a pattern read from JSON, whatever its shape. */
function validateUnknown(pattern: unknown): void {
  validateEventPattern(pattern as EventPattern);
}

describe('Function: validateEventPattern', () => {
  it('accepts the Bedrock rule and every filter operator', () => {
    expect(() =>
      validateEventPattern({
        source: ['aws.bedrock'],
        time: [{ prefix: '2026' }, { prefix: { 'equals-ignore-case': 'x' } }],
        region: [{ suffix: '-1' }, { suffix: { 'equals-ignore-case': '-1' } }],
        'detail-type': [{ 'equals-ignore-case': 'batch inference job state change' }],
        detail: {
          status: [{ 'anything-but': ['InProgress', 'Scheduled'] }],
          a: [{ 'anything-but': { prefix: 'x' } }, { 'anything-but': { suffix: 'y' } }],
          b: [{ 'anything-but': { 'equals-ignore-case': ['x', 'y'] } }],
          c: [{ 'anything-but': { wildcard: '*/lib/*' } }, { 'anything-but': 3 }],
          d: [{ numeric: ['>=', 0, '<', 5e9] }, { numeric: ['=', -5e9] }],
          e: [{ exists: true }, null, true, 1, ''],
          f: [{ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }],
          g: [{ wildcard: 'a*b\\*c\\\\' }],
          $or: [{ h: ['1'] }, { i: ['2'] }],
        },
      }),
    ).not.toThrow();
  });

  it.each<[string, unknown, string, string]>([
    [
      'a leaf that is not an array',
      { source: 'aws.bedrock' },
      'source',
      'must be an array of match values or a nested object',
    ],
    [
      'a number leaf',
      { detail: { n: 5 } },
      'detail.n',
      'must be an array of match values or a nested object',
    ],
    ['an empty leaf array', { source: [] }, 'source', 'must not be an empty array'],
    ['an empty nested object', { detail: {} }, 'detail', 'must not be an empty object'],
    ['an empty pattern', {}, '<root>', 'must not be an empty object'],
    ['a pattern that is an array', [{ source: ['x'] }], '<root>', 'must be a JSON object'],
    [
      'an array inside a leaf',
      { source: [['x']] },
      'source[0]',
      'must be a string, number, boolean, null or a filter object',
    ],
    [
      'an unknown filter operator',
      { detail: { status: [{ startsWith: 'Comp' }] } },
      'detail.status[0].startsWith',
      'unknown filter operator "startsWith"',
    ],
    [
      'a filter with two operators',
      { a: [{ prefix: 'a', suffix: 'b' }] },
      'a[0]',
      'a filter object must have exactly one operator',
    ],
    [
      'an empty filter object',
      { a: [{}] },
      'a[0]',
      'a filter object must have exactly one operator',
    ],
    ['a non-string prefix', { a: [{ prefix: 5 }] }, 'a[0].prefix', 'must be a string'],
    [
      'a prefix object without equals-ignore-case',
      { a: [{ prefix: { value: 'x' } }] },
      'a[0].prefix',
      'must be a string or an object with only "equals-ignore-case"',
    ],
    [
      'a non-string equals-ignore-case',
      { a: [{ 'equals-ignore-case': ['x'] }] },
      'a[0].equals-ignore-case',
      'must be a string',
    ],
    ['a non-boolean exists', { a: [{ exists: 'true' }] }, 'a[0].exists', 'must be true or false'],
    [
      'a numeric that is not an array',
      { a: [{ numeric: '>5' }] },
      'a[0].numeric',
      'must be [operator, number]',
    ],
    [
      'a numeric of odd length',
      { a: [{ numeric: ['>', 1, '<'] }] },
      'a[0].numeric',
      'must be [operator, number]',
    ],
    [
      'an unknown numeric operator',
      { a: [{ numeric: ['!=', 1] }] },
      'a[0].numeric[0]',
      'must be one of "=", "<", "<=", ">", ">="',
    ],
    [
      'a numeric bound that is a string',
      { a: [{ numeric: ['>', '1'] }] },
      'a[0].numeric[1]',
      'must be a number between',
    ],
    [
      'a numeric bound out of range',
      { a: [{ numeric: ['<', 6e9] }] },
      'a[0].numeric[1]',
      'must be a number between',
    ],
    [
      '"=" combined with a range',
      { a: [{ numeric: ['=', 1, '<', 5] }] },
      'a[0].numeric[0]',
      '"=" cannot be combined with a range',
    ],
    [
      'two lower bounds',
      { a: [{ numeric: ['>', 1, '>=', 2] }] },
      'a[0].numeric[2]',
      'repeats a lower bound',
    ],
    [
      'a lower bound above the upper bound',
      { a: [{ numeric: ['>', 5, '<', 1] }] },
      'a[0].numeric',
      'lower bound must be below the upper bound',
    ],
    [
      'a cidr without a prefix length',
      { a: [{ cidr: '10.0.0.1' }] },
      'a[0].cidr',
      'must be an IPv4 or IPv6 network in CIDR notation',
    ],
    [
      'a cidr prefix length too long',
      { a: [{ cidr: '10.0.0.0/33' }] },
      'a[0].cidr',
      'must be an IPv4 or IPv6 network in CIDR notation',
    ],
    [
      'a cidr that is not an address',
      { a: [{ cidr: 'example.com/24' }] },
      'a[0].cidr',
      'must be an IPv4 or IPv6 network in CIDR notation',
    ],
    [
      'consecutive wildcards',
      { a: [{ wildcard: 'a**b' }] },
      'a[0].wildcard',
      'must not contain consecutive wildcard characters',
    ],
    [
      'an invalid wildcard escape',
      { a: [{ wildcard: 'a\\b' }] },
      'a[0].wildcard',
      'may escape only "*" or "\\" with a backslash',
    ],
    [
      'anything-but with an empty list',
      { a: [{ 'anything-but': [] }] },
      'a[0].anything-but',
      'must be a non-empty array of only strings or only numbers',
    ],
    [
      'anything-but with a mixed list',
      { a: [{ 'anything-but': ['a', 1] }] },
      'a[0].anything-but',
      'must be a non-empty array of only strings or only numbers',
    ],
    [
      'anything-but with a boolean',
      { a: [{ 'anything-but': true }] },
      'a[0].anything-but',
      'must be a string, a number',
    ],
    [
      'anything-but with an unknown operator',
      { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'a[0].anything-but.numeric',
      'unknown anything-but operator "numeric"',
    ],
    [
      'anything-but with two operators',
      { a: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      'a[0].anything-but',
      'must have exactly one operator',
    ],
    [
      'anything-but wildcard with consecutive wildcards',
      { a: [{ 'anything-but': { wildcard: ['x', '**'] } }] },
      'a[0].anything-but.wildcard[1]',
      'must not contain consecutive wildcard characters',
    ],
    [
      '$or that is not an array',
      { $or: { a: ['x'] } },
      '$or',
      'must be an array of at least two patterns',
    ],
    [
      '$or with one alternative',
      { $or: [{ a: ['x'] }] },
      '$or',
      'must be an array of at least two patterns',
    ],
    [
      '$or with a malformed alternative',
      { detail: { $or: [{ a: ['x'] }, { b: 'y' }] } },
      'detail.$or[1].b',
      'must be an array of match values or a nested object',
    ],
  ])('throws for %s', (_case, pattern, path, requirement) => {
    // Act
    const error = thrownBy(() => validateUnknown(pattern));

    // Assess
    expect(error).toBeInstanceOf(EventBridgeError);
    expect(error.name).toBe('EventPatternError');
    expect(error.path).toBe(path);
    expect(error.message).toContain(`Invalid event pattern at ${path}: ${requirement}`);
  });

  it('throws naming the value received', () => {
    const error = thrownBy(() => validateUnknown({ detail: { status: 'Completed' } }));
    expect(error.message).toBe(
      'Invalid event pattern at detail.status: must be an array of match values or a nested object (received: "Completed")',
    );
    expect(error.received).toBe('"Completed"');
  });

  it('throws for pattern text that is not JSON, keeping the parse error as cause', () => {
    const error = thrownBy(() => validateEventPattern('{"source": ['));
    expect(error.path).toBe('<root>');
    expect(error.message).toContain('must be valid JSON');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});
