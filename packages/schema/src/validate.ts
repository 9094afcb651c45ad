import type * as z from 'zod';
import { ContractValidationError, type ValidationIssue } from './errors.js';

const MAX_RECEIVED_LENGTH = 80;
/** Fields whose values are secrets: never copied into an error message. */
const SECRET_KEY = /token/i;

type PathSegment = PropertyKey;

function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown, path: readonly PathSegment[]): string {
  if (value === undefined) return 'undefined';
  const last = path.at(-1);
  if (typeof last === 'string' && SECRET_KEY.test(last)) {
    return typeof value === 'string' ? `[redacted, ${value.length} characters]` : '[redacted]';
  }
  let text: string;
  try {
    text = JSON.stringify(value, (key, inner) =>
      key !== '' && SECRET_KEY.test(key) ? '[redacted]' : inner,
    );
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length > MAX_RECEIVED_LENGTH ? `${text.slice(0, MAX_RECEIVED_LENGTH - 1)}…` : text;
}

/**
 * Turns zod issues into {@link ValidationIssue}s: one per failing path, with the value received.
 *
 * @example
 * ```ts
 * const result = BatchFragmentInputSchema.safeParse(input);
 * if (!result.success) console.log(toValidationIssues(result.error.issues, input));
 * ```
 */
function toValidationIssues(issues: readonly z.core.$ZodIssue[], data: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push({
          path: formatPath(path),
          message: 'is not a known field',
          received: describeValue(valueAt(data, path), path),
        });
      }
      continue;
    }
    const path = issue.path as readonly PathSegment[];
    out.push({
      path: formatPath(path),
      message: issue.message,
      received: describeValue(valueAt(data, path), path),
    });
  }
  return out;
}

/** The contract's name: its `title` metadata, else `value`. */
function contractName(schema: z.ZodType): string {
  const meta = schema.meta() as { title?: unknown } | undefined;
  return typeof meta?.title === 'string' ? meta.title : 'value';
}

/**
 * Parses `data` with a contract and returns the typed value, or throws one readable
 * {@link ContractValidationError} naming every failing path and the value received there.
 *
 * @param schema - any schema of this package (or any zod 4 schema)
 * @param data - the untrusted value
 * @returns the parsed value, typed by the schema's output
 * @throws ContractValidationError when `data` does not satisfy `schema`
 *
 * @example
 * ```ts
 * import { BatchFragmentInputSchema, validate } from '@bedrock-batch/schema';
 *
 * const input = validate(BatchFragmentInputSchema, JSON.parse(body));
 * input.manifest_keys.forEach((key) => console.log(key));
 * ```
 */
function validate<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ContractValidationError(
    contractName(schema),
    toValidationIssues(result.error.issues, data),
    { cause: result.error },
  );
}

export { toValidationIssues, validate };
