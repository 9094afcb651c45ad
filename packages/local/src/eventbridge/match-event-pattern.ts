import { compileEventPattern } from './compile-event-pattern.js';
import type { EventPattern } from './event-pattern-types.js';

/**
 * Whether an Amazon EventBridge event pattern matches an event, following the EventBridge User
 * Guide: every pattern field must match (AND), any value of a field's array may match (OR),
 * nested objects must have the same nesting in the event, an array in the event matches when any
 * element matches, `null` and `""` are distinct values, and the content filters `prefix`,
 * `suffix`, `equals-ignore-case`, `anything-but`, `numeric`, `exists`, `cidr`, `wildcard` and
 * `$or` are supported.
 *
 * Numbers are compared by value (`300` matches `300.0`), since the event is already parsed JSON.
 *
 * @param pattern - the pattern, as an object or as JSON text
 * @param event - the event, a parsed JSON object
 * @throws EventPatternError when the pattern is malformed
 * @throws EventBridgeArgumentError when the event is not an object
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 *
 * @example
 * ```ts
 * matchesEventPattern(
 *   { source: ['aws.bedrock'], detail: { status: [{ 'anything-but': 'InProgress' }] } },
 *   { source: 'aws.bedrock', detail: { status: 'Completed' } },
 * ); // true
 * ```
 */
function matchesEventPattern(pattern: EventPattern | string, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

/**
 * Throws a clear error when an event pattern is malformed: a field that is neither an array nor
 * an object, an empty array or object, an unknown filter operator, a filter with a wrong operand
 * (a non-boolean `exists`, a bad `numeric` range, an invalid `cidr`, consecutive `*` in a
 * `wildcard`...), or a `$or` that is not an array of at least two patterns.
 *
 * @param pattern - the pattern, as an object or as JSON text
 * @throws EventPatternError naming the path (`detail.status[0].prefix`) and the value received
 *
 * @example
 * ```ts
 * validateEventPattern({ detail: { status: [{ startsWith: 'Comp' }] } });
 * // throws: Invalid event pattern at detail.status[0].startsWith: unknown filter operator "startsWith" ...
 * ```
 */
function validateEventPattern(pattern: EventPattern | string): void {
  compileEventPattern(pattern);
}

export { matchesEventPattern, validateEventPattern };
