/**
 * Types of Amazon EventBridge event patterns.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */

/** `{ "equals-ignore-case": "..." }`, allowed inside `prefix` and `suffix`. */
interface IgnoreCaseValue {
  readonly 'equals-ignore-case': string;
}

/** What `anything-but` accepts. */
type AnythingButValue =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string | readonly string[] }
  | { readonly wildcard: string | readonly string[] };

/** A content filter: an object with exactly one operator. */
type EventPatternFilter =
  | { readonly prefix: string | IgnoreCaseValue }
  | { readonly suffix: string | IgnoreCaseValue }
  | { readonly 'equals-ignore-case': string }
  | { readonly 'anything-but': AnythingButValue }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly cidr: string }
  | { readonly wildcard: string };

/** One element of a leaf array: an exact JSON value or a content filter. */
type EventPatternMatchValue = string | number | boolean | null | EventPatternFilter;

/**
 * An event pattern: each field holds either an array of match values (OR), a nested pattern, or,
 * for the `$or` key, an array of at least two patterns.
 *
 * @example
 * ```ts
 * const pattern: EventPattern = {
 *   source: ['aws.bedrock'],
 *   'detail-type': ['Batch Inference Job State Change'],
 *   detail: { status: ['Completed', 'Failed'] },
 * };
 * ```
 */
interface EventPattern {
  readonly [field: string]:
    | readonly EventPatternMatchValue[]
    | EventPattern
    | readonly EventPattern[];
}

export type {
  AnythingButValue,
  EventPattern,
  EventPatternFilter,
  EventPatternMatchValue,
  IgnoreCaseValue,
};
