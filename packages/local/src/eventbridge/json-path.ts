import { EventBridgeArgumentError } from '../errors.js';

/** One step of a simple JSONPath: an object key or an array index. */
type PathSegment = string | number;

const NAME_SEGMENT = /^\.([^.[\]*]+)(?=[.[]|$)/;
const INDEX_SEGMENT = /^\[(\d+)\]/;
const QUOTED_SEGMENT = /^\[(?:'([^']*)'|"([^"]*)")\]/;

/**
 * Parses a simple JSONPath as EventBridge targets use it: `$`, `$.detail`, `$.detail.status`,
 * `$.resources[0]`, `$['detail-type']`. Wildcards, filters and recursive descent are rejected.
 *
 * @param path - the JSONPath text
 * @param field - the name of the field the path comes from, for error messages
 * @throws EventBridgeArgumentError when the path is not a simple path
 *
 * @example
 * ```ts
 * parseJsonPath('$.detail.batchJobArn', 'InputPath'); // ['detail', 'batchJobArn']
 * ```
 */
function parseJsonPath(path: string, field: string): PathSegment[] {
  if (typeof path !== 'string' || !path.startsWith('$')) {
    throw new EventBridgeArgumentError(field, path, 'must be a JSONPath starting with "$"');
  }
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const name = NAME_SEGMENT.exec(rest);
    const index = name === null ? INDEX_SEGMENT.exec(rest) : null;
    const quoted = name === null && index === null ? QUOTED_SEGMENT.exec(rest) : null;
    const found = name ?? index ?? quoted;
    if (found === null) {
      throw new EventBridgeArgumentError(
        field,
        path,
        "must be a simple JSONPath ($.a.b, $.a[0], $['a-b']) without wildcards or filters",
      );
    }
    if (name !== null) segments.push(name[1] ?? '');
    else if (index !== null) segments.push(Number(index[1]));
    else segments.push(quoted?.[1] ?? quoted?.[2] ?? '');
    rest = rest.slice(found[0].length);
  }
  return segments;
}

/**
 * Reads the value at a parsed path, or `undefined` when the path does not exist in `root`.
 *
 * @example
 * ```ts
 * readJsonPath({ detail: { status: 'Completed' } }, ['detail', 'status']); // 'Completed'
 * ```
 */
function readJsonPath(root: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return undefined;
      current = current[segment];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current))
        return undefined;
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

export type { PathSegment };
export { parseJsonPath, readJsonPath };
