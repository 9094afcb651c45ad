/**
 * The constraints of the Bedrock control-plane service model on the members of the model
 * invocation job operations (CreateModelInvocationJob, GetModelInvocationJob,
 * ListModelInvocationJobs, StopModelInvocationJob), by shape name, as botocore's
 * `bedrock/2023-04-20/service-2.json` and the Bedrock API reference give them.
 *
 * - `pattern` is the model's text, quoted verbatim in a ValidationException. A value must match
 *   it as a whole (the service anchors it); the model's patterns are ECMA 262 (Smithy), so they
 *   run here as JavaScript regular expressions, `\s` and `.` included.
 * - `min` / `max` bound a string's length in Unicode code points (Smithy's `length`), a list's
 *   length in items, or an integer's value.
 */

/** A string shape: length bounds and a pattern (the model gives some only one of them). */
interface StringShape {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
}

/** A list or integer shape: bounds on its length or value. */
interface RangeShape {
  readonly min: number;
  readonly max: number;
}

/** String shapes of the four operations' inputs. */
const STRING_SHAPES = {
  ModelInvocationJobName: {
    min: 1,
    max: 63,
    pattern: '[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}',
  },
  RoleArn: { min: 0, max: 2048, pattern: 'arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+' },
  ModelInvocationIdempotencyToken: {
    min: 1,
    max: 256,
    pattern: '[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}',
  },
  ModelId: {
    min: 1,
    max: 2048,
    pattern:
      '(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-:]{1,63}/[a-z0-9]{12}$)|(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)$)|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)',
  },
  S3Uri: {
    min: 1,
    max: 1024,
    pattern:
      "s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?",
  },
  AccountId: { pattern: '[0-9]{12}' },
  KmsKeyId: {
    min: 1,
    max: 2048,
    pattern:
      '(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)',
  },
  SubnetId: { min: 0, max: 32, pattern: '[-0-9a-zA-Z]+' },
  SecurityGroupId: { min: 0, max: 32, pattern: '[-0-9a-zA-Z]+' },
  TagKey: { min: 1, max: 128, pattern: '[a-zA-Z0-9\\s._:/=+@-]*' },
  TagValue: { min: 0, max: 256, pattern: '[a-zA-Z0-9\\s._:/=+@-]*' },
  ModelInvocationJobIdentifier: {
    min: 0,
    max: 1011,
    pattern:
      '((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})',
  },
  PaginationToken: { min: 1, max: 2048, pattern: '\\S*' },
} as const satisfies Record<string, StringShape>;

/** List and integer shapes of the four operations' inputs. */
const RANGE_SHAPES = {
  SubnetIds: { min: 1, max: 16 },
  SecurityGroupIds: { min: 1, max: 5 },
  TagList: { min: 0, max: 200 },
  ModelInvocationJobTimeoutDurationInHours: { min: 24, max: 168 },
  MaxResults: { min: 1, max: 1000 },
} as const satisfies Record<string, RangeShape>;

/** Enum shapes of the four operations' inputs, values in the model's order. */
const ENUM_SHAPES = {
  S3InputFormat: ['JSONL'],
  ModelInvocationType: ['InvokeModel', 'Converse'],
  ModelInvocationJobStatus: [
    'Submitted',
    'InProgress',
    'Completed',
    'Failed',
    'Stopping',
    'Stopped',
    'PartiallyCompleted',
    'Expired',
    'Validating',
    'Scheduled',
  ],
  SortJobsBy: ['CreationTime'],
  SortOrder: ['Ascending', 'Descending'],
} as const satisfies Record<string, readonly string[]>;

type StringShapeName = keyof typeof STRING_SHAPES;

const compiled = new Map<string, RegExp>();

/** The shape's pattern as a regular expression that matches whole values. */
function wholeValuePattern(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Length of a string as the model counts it: Unicode code points. */
function modelLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

export type { RangeShape, StringShape, StringShapeName };
export { ENUM_SHAPES, modelLength, RANGE_SHAPES, STRING_SHAPES, wholeValuePattern };
