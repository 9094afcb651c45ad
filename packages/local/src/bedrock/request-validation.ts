import { BEDROCK_API_LIMITS, TAG_CHARACTERS } from '@bedrock-batch/schema';
import type { EmulatedJobInputConfig, EmulatedJobOutputConfig } from './job.js';
import type { ModelInvocationType } from './responses.js';
import { ConstraintCollector, ServiceException } from './service-exceptions.js';

/**
 * Checks of request members, with the constraints of the Bedrock service model. Violations are
 * reported the way the service reports them (see {@link ConstraintCollector}).
 */

const JOB_NAME = /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/;
const JOB_NAME_SOURCE = '[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}';
const CLIENT_REQUEST_TOKEN = /^[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}$/;
const CLIENT_REQUEST_TOKEN_SOURCE = '[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}';
const ROLE_ARN = /^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/;
const ROLE_ARN_SOURCE = 'arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+';
const S3_URI = /^s3:\/\/[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:\/\P{Cc}*)?$/u;
const S3_URI_SOURCE =
  "s3://[a-z0-9][-.a-z0-9]{1,61}(?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?";
const JOB_IDENTIFIER =
  /^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job\/)?([a-z0-9]{12})$/;
const JOB_IDENTIFIER_SOURCE =
  '((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})';
const TAG_CHARACTERS_SOURCE = '^[a-zA-Z0-9\\s._:/=+@-]*$';
const STATUSES = [
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
];

/** A CreateModelInvocationJob request after its checks. */
interface CreateJobRequest {
  readonly jobName: string;
  readonly roleArn: string;
  readonly modelId: string;
  readonly clientRequestToken?: string;
  readonly inputDataConfig: EmulatedJobInputConfig;
  readonly outputDataConfig: EmulatedJobOutputConfig;
  readonly vpcConfig?: Record<string, unknown>;
  readonly timeoutDurationInHours?: number;
  readonly tags: readonly { key: string; value: string }[];
  readonly modelInvocationType?: ModelInvocationType;
}

/** A ListModelInvocationJobs request after its checks. */
interface ListJobsRequest {
  readonly submitTimeAfter?: number;
  readonly submitTimeBefore?: number;
  readonly statusEquals?: string;
  readonly nameContains?: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
  readonly sortOrder: 'Ascending' | 'Descending';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkString(
  c: ConstraintCollector,
  field: string,
  value: unknown,
  rules: {
    required?: boolean;
    min?: number;
    max?: number;
    pattern?: RegExp;
    patternSource?: string;
  },
): value is string {
  if (value === undefined || value === null) {
    if (rules.required) c.add(field, value, 'Member must not be null');
    return false;
  }
  if (typeof value !== 'string') {
    c.add(field, value, 'Member must be a string');
    return false;
  }
  let ok = true;
  if (rules.min !== undefined && value.length < rules.min) {
    c.add(field, value, `Member must have length greater than or equal to ${rules.min}`);
    ok = false;
  }
  if (rules.max !== undefined && value.length > rules.max) {
    c.add(field, value, `Member must have length less than or equal to ${rules.max}`);
    ok = false;
  }
  if (ok && rules.pattern && !rules.pattern.test(value)) {
    c.add(field, value, `Member must satisfy regular expression pattern: ${rules.patternSource}`);
    ok = false;
  }
  return ok;
}

function checkEnum(
  c: ConstraintCollector,
  field: string,
  value: unknown,
  allowed: readonly string[],
): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    c.add(field, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    return false;
  }
  return true;
}

/** Checks a tag list (CreateModelInvocationJob and TagResource); returns the valid tags. */
function checkTags(
  c: ConstraintCollector,
  value: unknown,
  field = 'tags',
): { key: string; value: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    c.add(field, value, 'Member must be a list');
    return [];
  }
  if (value.length > BEDROCK_API_LIMITS.maxTagsPerResource) {
    c.add(
      field,
      value,
      `Member must have length less than or equal to ${BEDROCK_API_LIMITS.maxTagsPerResource}`,
    );
  }
  const tags: { key: string; value: string }[] = [];
  value.forEach((tag: unknown, index) => {
    const at = `${field}.${index + 1}.member`;
    if (!isObject(tag)) {
      c.add(at, tag, 'Member must be a structure with key and value');
      return;
    }
    const keyOk = checkString(c, `${at}.key`, tag.key, {
      required: true,
      min: 1,
      max: BEDROCK_API_LIMITS.maxTagKeyLength,
      pattern: TAG_CHARACTERS,
      patternSource: TAG_CHARACTERS_SOURCE,
    });
    const valueOk = checkString(c, `${at}.value`, tag.value, {
      required: true,
      min: 0,
      max: BEDROCK_API_LIMITS.maxTagValueLength,
      pattern: TAG_CHARACTERS,
      patternSource: TAG_CHARACTERS_SOURCE,
    });
    if (keyOk && (tag.key as string).toLowerCase().startsWith('aws:')) {
      c.add(`${at}.key`, tag.key, "Member must not start with the reserved prefix 'aws:'");
      return;
    }
    if (keyOk && valueOk) tags.push({ key: tag.key as string, value: tag.value as string });
  });
  return tags;
}

function checkS3Uri(c: ConstraintCollector, field: string, value: unknown): void {
  checkString(c, field, value, {
    required: true,
    min: 1,
    max: 1024,
    pattern: S3_URI,
    patternSource: S3_URI_SOURCE,
  });
}

/**
 * Checks a CreateModelInvocationJob body (everything but the model id's existence and quotas).
 *
 * @throws EmulatedServiceError ValidationException naming each bad member and its value
 */
function parseCreateJobRequest(body: unknown): CreateJobRequest {
  if (!isObject(body))
    throw ServiceException.serialization('The request body must be a JSON object.');
  const c = new ConstraintCollector();
  checkString(c, 'jobName', body.jobName, {
    required: true,
    min: 1,
    max: BEDROCK_API_LIMITS.maxJobNameLength,
    pattern: JOB_NAME,
    patternSource: JOB_NAME_SOURCE,
  });
  checkString(c, 'roleArn', body.roleArn, {
    required: true,
    min: 0,
    max: 2048,
    pattern: ROLE_ARN,
    patternSource: ROLE_ARN_SOURCE,
  });
  checkString(c, 'modelId', body.modelId, { required: true, min: 1, max: 2048 });
  checkString(c, 'clientRequestToken', body.clientRequestToken, {
    min: 1,
    max: BEDROCK_API_LIMITS.maxClientRequestTokenLength,
    pattern: CLIENT_REQUEST_TOKEN,
    patternSource: CLIENT_REQUEST_TOKEN_SOURCE,
  });

  const input = body.inputDataConfig;
  if (!isObject(input)) c.add('inputDataConfig', input, 'Member must not be null');
  else if (!isObject(input.s3InputDataConfig)) {
    c.add('inputDataConfig.s3InputDataConfig', input.s3InputDataConfig, 'Member must not be null');
  } else {
    const s3 = input.s3InputDataConfig;
    checkS3Uri(c, 'inputDataConfig.s3InputDataConfig.s3Uri', s3.s3Uri);
    checkEnum(c, 'inputDataConfig.s3InputDataConfig.s3InputFormat', s3.s3InputFormat, ['JSONL']);
    checkString(c, 'inputDataConfig.s3InputDataConfig.s3BucketOwner', s3.s3BucketOwner, {
      pattern: /^[0-9]{12}$/,
      patternSource: '[0-9]{12}',
    });
  }
  const output = body.outputDataConfig;
  if (!isObject(output)) c.add('outputDataConfig', output, 'Member must not be null');
  else if (!isObject(output.s3OutputDataConfig)) {
    c.add(
      'outputDataConfig.s3OutputDataConfig',
      output.s3OutputDataConfig,
      'Member must not be null',
    );
  } else {
    const s3 = output.s3OutputDataConfig;
    checkS3Uri(c, 'outputDataConfig.s3OutputDataConfig.s3Uri', s3.s3Uri);
    checkString(c, 'outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId', s3.s3EncryptionKeyId, {
      min: 1,
      max: 2048,
    });
    checkString(c, 'outputDataConfig.s3OutputDataConfig.s3BucketOwner', s3.s3BucketOwner, {
      pattern: /^[0-9]{12}$/,
      patternSource: '[0-9]{12}',
    });
  }
  const timeout = body.timeoutDurationInHours;
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout)) {
      c.add('timeoutDurationInHours', timeout, 'Member must be an integer');
    } else if (timeout < BEDROCK_API_LIMITS.minTimeoutHours) {
      c.add(
        'timeoutDurationInHours',
        timeout,
        `Member must have value greater than or equal to ${BEDROCK_API_LIMITS.minTimeoutHours}`,
      );
    } else if (timeout > BEDROCK_API_LIMITS.maxTimeoutHours) {
      c.add(
        'timeoutDurationInHours',
        timeout,
        `Member must have value less than or equal to ${BEDROCK_API_LIMITS.maxTimeoutHours}`,
      );
    }
  }
  checkEnum(c, 'modelInvocationType', body.modelInvocationType, ['InvokeModel', 'Converse']);
  if (body.vpcConfig !== undefined && body.vpcConfig !== null && !isObject(body.vpcConfig)) {
    c.add('vpcConfig', body.vpcConfig, 'Member must be a structure');
  }
  const tags = checkTags(c, body.tags);
  c.throwIfAny();

  return {
    jobName: body.jobName as string,
    roleArn: body.roleArn as string,
    modelId: body.modelId as string,
    ...(typeof body.clientRequestToken === 'string'
      ? { clientRequestToken: body.clientRequestToken }
      : {}),
    inputDataConfig: input as unknown as EmulatedJobInputConfig,
    outputDataConfig: output as unknown as EmulatedJobOutputConfig,
    ...(isObject(body.vpcConfig) ? { vpcConfig: body.vpcConfig } : {}),
    ...(typeof timeout === 'number' ? { timeoutDurationInHours: timeout } : {}),
    tags,
    ...(typeof body.modelInvocationType === 'string'
      ? { modelInvocationType: body.modelInvocationType as ModelInvocationType }
      : {}),
  };
}

/**
 * Checks a job identifier (job ARN or 12-character job id) and returns the job id.
 *
 * @throws EmulatedServiceError ValidationException when it matches neither form
 */
function parseJobIdentifier(value: string): string {
  const match = JOB_IDENTIFIER.exec(value);
  if (!match?.[3]) {
    const c = new ConstraintCollector();
    c.add(
      'jobIdentifier',
      value,
      `Member must satisfy regular expression pattern: ${JOB_IDENTIFIER_SOURCE}`,
    );
    c.throwIfAny();
  }
  return match?.[3] as string;
}

function parseTimestamp(
  c: ConstraintCollector,
  field: string,
  value: string | null,
): number | undefined {
  if (value === null) return undefined;
  const time = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(time)) {
    c.add(field, value, 'Member must be a timestamp');
    return undefined;
  }
  return time;
}

/**
 * Checks the query of ListModelInvocationJobs.
 *
 * @throws EmulatedServiceError ValidationException naming each bad parameter and its value
 */
function parseListJobsQuery(query: URLSearchParams): ListJobsRequest {
  const c = new ConstraintCollector();
  const submitTimeAfter = parseTimestamp(c, 'submitTimeAfter', query.get('submitTimeAfter'));
  const submitTimeBefore = parseTimestamp(c, 'submitTimeBefore', query.get('submitTimeBefore'));
  const statusEquals = query.get('statusEquals') ?? undefined;
  checkEnum(c, 'statusEquals', statusEquals, STATUSES);
  const nameContains = query.get('nameContains') ?? undefined;
  checkString(c, 'nameContains', nameContains, {
    min: 1,
    max: 63,
    pattern: JOB_NAME,
    patternSource: JOB_NAME_SOURCE,
  });
  const maxRaw = query.get('maxResults');
  let maxResults: number | undefined;
  if (maxRaw !== null) {
    maxResults = Number(maxRaw);
    if (!Number.isInteger(maxResults)) c.add('maxResults', maxRaw, 'Member must be an integer');
    else if (maxResults < 1)
      c.add('maxResults', maxRaw, 'Member must have value greater than or equal to 1');
    else if (maxResults > 1000)
      c.add('maxResults', maxRaw, 'Member must have value less than or equal to 1000');
  }
  const nextToken = query.get('nextToken') ?? undefined;
  checkString(c, 'nextToken', nextToken, {
    min: 1,
    max: 2048,
    pattern: /^\S*$/,
    patternSource: '^\\S*$',
  });
  checkEnum(c, 'sortBy', query.get('sortBy') ?? undefined, ['CreationTime']);
  const sortOrder = query.get('sortOrder') ?? undefined;
  checkEnum(c, 'sortOrder', sortOrder, ['Ascending', 'Descending']);
  c.throwIfAny();
  return {
    ...(submitTimeAfter !== undefined ? { submitTimeAfter } : {}),
    ...(submitTimeBefore !== undefined ? { submitTimeBefore } : {}),
    ...(statusEquals !== undefined ? { statusEquals } : {}),
    ...(nameContains !== undefined ? { nameContains } : {}),
    ...(maxResults !== undefined ? { maxResults } : {}),
    ...(nextToken !== undefined ? { nextToken } : {}),
    sortOrder: sortOrder === 'Ascending' ? 'Ascending' : 'Descending',
  };
}

/** Checks the `resourceARN` member of the tagging operations and returns it. */
function parseResourceArn(body: Record<string, unknown>): string {
  const c = new ConstraintCollector();
  checkString(c, 'resourceARN', body.resourceARN, {
    required: true,
    min: 20,
    max: 1011,
    pattern: /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:.+$/,
    patternSource:
      '.*(^[a-zA-Z0-9][a-zA-Z0-9\\-]*$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:.+$).*',
  });
  c.throwIfAny();
  return body.resourceARN as string;
}

/** Checks a TagResource body; returns the ARN and the tags. */
function parseTagResourceRequest(body: unknown): {
  resourceArn: string;
  tags: { key: string; value: string }[];
} {
  if (!isObject(body))
    throw ServiceException.serialization('The request body must be a JSON object.');
  const resourceArn = parseResourceArn(body);
  const c = new ConstraintCollector();
  if (!Array.isArray(body.tags)) c.add('tags', body.tags, 'Member must not be null');
  const tags = checkTags(c, body.tags);
  c.throwIfAny();
  return { resourceArn, tags };
}

/** Checks an UntagResource body; returns the ARN and the keys. */
function parseUntagResourceRequest(body: unknown): { resourceArn: string; tagKeys: string[] } {
  if (!isObject(body))
    throw ServiceException.serialization('The request body must be a JSON object.');
  const resourceArn = parseResourceArn(body);
  const c = new ConstraintCollector();
  const keys = body.tagKeys;
  if (!Array.isArray(keys)) c.add('tagKeys', keys, 'Member must not be null');
  else {
    if (keys.length > BEDROCK_API_LIMITS.maxTagsPerResource) {
      c.add(
        'tagKeys',
        keys,
        `Member must have length less than or equal to ${BEDROCK_API_LIMITS.maxTagsPerResource}`,
      );
    }
    keys.forEach((key: unknown, index) => {
      checkString(c, `tagKeys.${index + 1}.member`, key, {
        required: true,
        min: 1,
        max: BEDROCK_API_LIMITS.maxTagKeyLength,
        pattern: TAG_CHARACTERS,
        patternSource: TAG_CHARACTERS_SOURCE,
      });
    });
  }
  c.throwIfAny();
  return { resourceArn, tagKeys: keys as string[] };
}

/** Checks a ListTagsForResource body; returns the ARN. */
function parseListTagsRequest(body: unknown): string {
  if (!isObject(body))
    throw ServiceException.serialization('The request body must be a JSON object.');
  return parseResourceArn(body);
}

export type { CreateJobRequest, ListJobsRequest };
export {
  parseCreateJobRequest,
  parseJobIdentifier,
  parseListJobsQuery,
  parseListTagsRequest,
  parseTagResourceRequest,
  parseUntagResourceRequest,
};
