/**
 * The few service facts and names the construct needs, kept here rather than imported from
 * `@bedrock-batch/schema`: a jsii package may depend at run time only on jsii packages, and the
 * schema package (zod) is not one. `tests/unit/service-constants.test.ts` keeps every value equal
 * to the schema's.
 */

/** Error names the fragment raises or retries (the schema's `BatchErrorName`, in part). */
const BATCH_ERROR_NAMES = Object.freeze({
  InvalidInput: 'BedrockBatch.InvalidInput',
  Throttled: 'BedrockBatch.Throttled',
  QuotaExceeded: 'BedrockBatch.QuotaExceeded',
  Failed: 'Failed',
  Stopped: 'Stopped',
  Expired: 'Expired',
  NoOutput: 'BedrockBatch.NoOutput',
});

/** Bedrock API limits the props are checked against (the schema's `BEDROCK_API_LIMITS`, in part). */
const BEDROCK_LIMITS = Object.freeze({
  /** `timeoutDurationInHours`: 24 to 168. */
  minTimeoutHours: 24,
  /** `timeoutDurationInHours`: 24 to 168. */
  maxTimeoutHours: 168,
  /** Characters in a tag key. */
  maxTagKeyLength: 128,
  /** Characters in a tag value. */
  maxTagValueLength: 256,
});

/** Tag keys the construct sets on its jobs start with this; users' tags may not. */
const RESERVED_TAG_PREFIX = 'bedrock-batch:';

/** Characters Bedrock allows in tag keys and values. */
const TAG_CHARACTER_PATTERN = /^[a-zA-Z0-9\s._:/=+@-]*$/;

/** Folder of the job tickets in an output bucket (the schema's `CONTROL_PREFIX`). */
const CONTROL_PREFIX = 'bedrock-batch-control/';

/** Bedrock's default records per job (the schema's `DEFAULT_BATCH_QUOTAS`, in part). */
const DEFAULT_RECORDS_PER_JOB = Object.freeze({ min: 100, max: 50_000 });

/** Folder of the datasets' work (manifests, `results.jsonl`) in an output bucket (the schema's `WORK_PREFIX`). */
const WORK_PREFIX = 'bedrock-batch-work/';

/** `source` of Bedrock's job state change events. */
const EVENT_SOURCE = 'aws.bedrock';

/** `detail-type` of Bedrock's job state change events. */
const EVENT_DETAIL_TYPE = 'Batch Inference Job State Change';

/** The statuses a job never leaves, in the order the schema lists them. */
const TERMINAL_STATUSES: readonly string[] = Object.freeze([
  'Completed',
  'PartiallyCompleted',
  'Failed',
  'Stopped',
  'Expired',
]);

export {
  BATCH_ERROR_NAMES,
  BEDROCK_LIMITS,
  CONTROL_PREFIX,
  DEFAULT_RECORDS_PER_JOB,
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  RESERVED_TAG_PREFIX,
  TAG_CHARACTER_PATTERN,
  TERMINAL_STATUSES,
  WORK_PREFIX,
};
