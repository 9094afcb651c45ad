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
  if (text.length <= MAX_RECEIVED_LENGTH) return text;
  const shortened = `${text.slice(0, MAX_RECEIVED_LENGTH - 1)}…`;
  return typeof value === 'string' ? `${shortened} (${value.length} characters)` : shortened;
}

/**
 * Options of {@link validate} and {@link toValidationIssues}.
 *
 * @example
 * ```ts
 * const options: ValidateOptions = { fieldName: (path) => (path === 'jobName' ? 'job_name' : undefined) };
 * validate(CreateJobPayloadSchema, payload, options);
 * ```
 */
interface ValidateOptions {
  /**
   * The name to show for a failing path (`jobName`, `manifestKeys[2]`), e.g. the field of the
   * user's input it was copied from; `undefined` keeps the path. Two issues that get the same name
   * are reported once (the first).
   */
  readonly fieldName?: (path: string, data: unknown) => string | undefined;
}

/**
 * Turns zod issues into {@link ValidationIssue}s: one per failing path (the first issue of a
 * path), with the value received; paths are renamed by `options.fieldName`.
 *
 * @example
 * ```ts
 * const result = BatchFragmentInputSchema.safeParse(input);
 * if (!result.success) console.log(toValidationIssues(result.error.issues, input));
 * ```
 */
function toValidationIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  options: ValidateOptions = {},
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PathSegment[], message: string) => {
    const formatted = formatPath(path);
    const name = options.fieldName?.(formatted, data) ?? formatted;
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ path: name, message, received: describeValue(valueAt(data, path), path) });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'is not a known field');
      continue;
    }
    add(issue.path as readonly PathSegment[], issue.message);
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
 * @param options - `fieldName` renames failing paths, e.g. to the fields the user wrote
 *   (`createJobPayloadFieldName` does it for `CreateJobPayload`)
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
function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  options: ValidateOptions = {},
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ContractValidationError(
    contractName(schema),
    toValidationIssues(result.error.issues, data, options),
    { cause: result.error },
  );
}

export type { ValidateOptions };
export { toValidationIssues, validate };
