import type { EmulatedJobInputConfig, EmulatedJobOutputConfig } from './job.js';
import type { ModelInvocationType } from './responses.js';
import { ConstraintCollector, ServiceException } from './service-exceptions.js';
import {
  ENUM_SHAPES,
  modelLength,
  RANGE_SHAPES,
  type RangeShape,
  STRING_SHAPES,
  type StringShapeName,
  wholeValuePattern,
} from './service-model-shapes.js';

/**
 * Checks of request members, with the constraints of the Bedrock service model (see
 * {@link STRING_SHAPES}). Violations are reported the way the service reports them (see
 * {@link ConstraintCollector}).
 */

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

/** Checks a string member against its model shape; `true` when it is present and valid. */
function checkString(
  c: ConstraintCollector,
  field: string,
  value: unknown,
  shape: StringShapeName,
  required = false,
): value is string {
  if (value === undefined || value === null) {
    if (required) c.add(field, value, 'Member must not be null');
    return false;
  }
  if (typeof value !== 'string') {
    c.add(field, value, 'Member must be a string');
    return false;
  }
  const rules: { min?: number; max?: number; pattern?: string } = STRING_SHAPES[shape];
  const length = modelLength(value);
  let ok = true;
  if (rules.min !== undefined && length < rules.min) {
    c.add(field, value, `Member must have length greater than or equal to ${rules.min}`);
    ok = false;
  }
  if (rules.max !== undefined && length > rules.max) {
    c.add(field, value, `Member must have length less than or equal to ${rules.max}`);
    ok = false;
  }
  if (ok && rules.pattern !== undefined && !wholeValuePattern(rules.pattern).test(value)) {
    c.add(field, value, `Member must satisfy regular expression pattern: ${rules.pattern}`);
    ok = false;
  }
  return ok;
}

/** Checks a list member's length against its model shape; `true` when it is a list in range. */
function checkList(
  c: ConstraintCollector,
  field: string,
  value: unknown,
  shape: RangeShape,
  required = false,
): value is unknown[] {
  if (value === undefined || value === null) {
    if (required) c.add(field, value, 'Member must not be null');
    return false;
  }
  if (!Array.isArray(value)) {
    c.add(field, value, 'Member must be a list');
    return false;
  }
  if (value.length < shape.min) {
    c.add(field, value, `Member must have length greater than or equal to ${shape.min}`);
    return false;
  }
  if (value.length > shape.max) {
    c.add(field, value, `Member must have length less than or equal to ${shape.max}`);
    return false;
  }
  return true;
}

/** Checks an integer member against its model shape's range. */
function checkInteger(
  c: ConstraintCollector,
  field: string,
  value: unknown,
  shape: RangeShape,
): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    c.add(field, value, 'Member must be an integer');
  } else if (value < shape.min) {
    c.add(field, value, `Member must have value greater than or equal to ${shape.min}`);
  } else if (value > shape.max) {
    c.add(field, value, `Member must have value less than or equal to ${shape.max}`);
  }
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
  if (!checkList(c, field, value, RANGE_SHAPES.TagList)) {
    return Array.isArray(value) ? collectTags(c, value, field) : [];
  }
  return collectTags(c, value, field);
}

function collectTags(
  c: ConstraintCollector,
  value: readonly unknown[],
  field: string,
): { key: string; value: string }[] {
  const tags: { key: string; value: string }[] = [];
  value.forEach((tag: unknown, index) => {
    const at = `${field}.${index + 1}.member`;
    if (!isObject(tag)) {
      c.add(at, tag, 'Member must be a structure with key and value');
      return;
    }
    const keyOk = checkString(c, `${at}.key`, tag.key, 'TagKey', true);
    const valueOk = checkString(c, `${at}.value`, tag.value, 'TagValue', true);
    if (keyOk && (tag.key as string).toLowerCase().startsWith('aws:')) {
      c.add(`${at}.key`, tag.key, "Member must not start with the reserved prefix 'aws:'");
      return;
    }
    if (keyOk && valueOk) tags.push({ key: tag.key as string, value: tag.value as string });
  });
  return tags;
}

/** Checks an `s3BucketOwner` member (an account id). */
function checkBucketOwner(c: ConstraintCollector, field: string, value: unknown): void {
  checkString(c, field, value, 'AccountId');
}

/** Checks `inputDataConfig` (a union with one member, `s3InputDataConfig`). */
function checkInputDataConfig(c: ConstraintCollector, input: unknown): void {
  if (!isObject(input)) {
    c.add('inputDataConfig', input, 'Member must not be null');
    return;
  }
  const s3 = input.s3InputDataConfig;
  if (!isObject(s3)) {
    c.add('inputDataConfig.s3InputDataConfig', s3, 'Member must not be null');
    return;
  }
  const at = 'inputDataConfig.s3InputDataConfig';
  checkString(c, `${at}.s3Uri`, s3.s3Uri, 'S3Uri', true);
  checkEnum(c, `${at}.s3InputFormat`, s3.s3InputFormat, ENUM_SHAPES.S3InputFormat);
  checkBucketOwner(c, `${at}.s3BucketOwner`, s3.s3BucketOwner);
}

/** Checks `outputDataConfig` (a union with one member, `s3OutputDataConfig`). */
function checkOutputDataConfig(c: ConstraintCollector, output: unknown): void {
  if (!isObject(output)) {
    c.add('outputDataConfig', output, 'Member must not be null');
    return;
  }
  const s3 = output.s3OutputDataConfig;
  if (!isObject(s3)) {
    c.add('outputDataConfig.s3OutputDataConfig', s3, 'Member must not be null');
    return;
  }
  const at = 'outputDataConfig.s3OutputDataConfig';
  checkString(c, `${at}.s3Uri`, s3.s3Uri, 'S3Uri', true);
  checkString(c, `${at}.s3EncryptionKeyId`, s3.s3EncryptionKeyId, 'KmsKeyId');
  checkBucketOwner(c, `${at}.s3BucketOwner`, s3.s3BucketOwner);
}

/** Checks `vpcConfig`: both id lists are required, each id has the model's pattern. */
function checkVpcConfig(c: ConstraintCollector, vpc: unknown): void {
  if (vpc === undefined || vpc === null) return;
  if (!isObject(vpc)) {
    c.add('vpcConfig', vpc, 'Member must be a structure');
    return;
  }
  const lists = [
    ['subnetIds', RANGE_SHAPES.SubnetIds, 'SubnetId'],
    ['securityGroupIds', RANGE_SHAPES.SecurityGroupIds, 'SecurityGroupId'],
  ] as const;
  for (const [member, listShape, itemShape] of lists) {
    const field = `vpcConfig.${member}`;
    const ids = vpc[member];
    if (!checkList(c, field, ids, listShape, true) && !Array.isArray(ids)) continue;
    (ids as unknown[]).forEach((id, index) => {
      checkString(c, `${field}.${index + 1}.member`, id, itemShape, true);
    });
  }
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
  checkString(c, 'jobName', body.jobName, 'ModelInvocationJobName', true);
  checkString(c, 'roleArn', body.roleArn, 'RoleArn', true);
  checkString(c, 'modelId', body.modelId, 'ModelId', true);
  checkString(c, 'clientRequestToken', body.clientRequestToken, 'ModelInvocationIdempotencyToken');
  checkInputDataConfig(c, body.inputDataConfig);
  checkOutputDataConfig(c, body.outputDataConfig);
  const timeout = body.timeoutDurationInHours;
  checkInteger(
    c,
    'timeoutDurationInHours',
    timeout,
    RANGE_SHAPES.ModelInvocationJobTimeoutDurationInHours,
  );
  checkEnum(c, 'modelInvocationType', body.modelInvocationType, ENUM_SHAPES.ModelInvocationType);
  checkVpcConfig(c, body.vpcConfig);
  const tags = checkTags(c, body.tags);
  c.throwIfAny();

  return {
    jobName: body.jobName as string,
    roleArn: body.roleArn as string,
    modelId: body.modelId as string,
    ...(typeof body.clientRequestToken === 'string'
      ? { clientRequestToken: body.clientRequestToken }
      : {}),
    inputDataConfig: body.inputDataConfig as unknown as EmulatedJobInputConfig,
    outputDataConfig: body.outputDataConfig as unknown as EmulatedJobOutputConfig,
    ...(isObject(body.vpcConfig) ? { vpcConfig: body.vpcConfig } : {}),
    ...(typeof timeout === 'number' ? { timeoutDurationInHours: timeout } : {}),
    tags,
    ...(typeof body.modelInvocationType === 'string'
      ? { modelInvocationType: body.modelInvocationType as ModelInvocationType }
      : {}),
  };
}

/**
 * Checks a job identifier (job ARN or 12-character job id; GetModelInvocationJob and
 * StopModelInvocationJob) and returns the job id.
 *
 * @throws EmulatedServiceError ValidationException when it breaks the model's length or pattern
 */
function parseJobIdentifier(value: string): string {
  const c = new ConstraintCollector();
  checkString(c, 'jobIdentifier', value, 'ModelInvocationJobIdentifier', true);
  c.throwIfAny();
  // The pattern ends with the 12-character job id, with or without the ARN before it.
  return value.slice(-12);
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
  checkEnum(c, 'statusEquals', statusEquals, ENUM_SHAPES.ModelInvocationJobStatus);
  const nameContains = query.get('nameContains') ?? undefined;
  checkString(c, 'nameContains', nameContains, 'ModelInvocationJobName');
  const maxRaw = query.get('maxResults');
  let maxResults: number | undefined;
  if (maxRaw !== null) {
    maxResults = /^-?\d+$/.test(maxRaw) ? Number(maxRaw) : Number.NaN;
    if (Number.isNaN(maxResults)) c.add('maxResults', maxRaw, 'Member must be an integer');
    else checkInteger(c, 'maxResults', maxResults, RANGE_SHAPES.MaxResults);
  }
  const nextToken = query.get('nextToken') ?? undefined;
  checkString(c, 'nextToken', nextToken, 'PaginationToken');
  checkEnum(c, 'sortBy', query.get('sortBy') ?? undefined, ENUM_SHAPES.SortJobsBy);
  const sortOrder = query.get('sortOrder') ?? undefined;
  checkEnum(c, 'sortOrder', sortOrder, ENUM_SHAPES.SortOrder);
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

/** The part of the model's `TaggableResourcesArn` pattern the emulator's resources can match. */
const RESOURCE_ARN = /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:.+$/;
const RESOURCE_ARN_SOURCE =
  '.*(^[a-zA-Z0-9][a-zA-Z0-9\\-]*$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:.+$).*';

/** Checks the `resourceARN` member of the tagging operations and returns it. */
function parseResourceArn(body: Record<string, unknown>): string {
  const c = new ConstraintCollector();
  const arn = body.resourceARN;
  if (typeof arn !== 'string') {
    c.add('resourceARN', arn, arn == null ? 'Member must not be null' : 'Member must be a string');
  } else if (modelLength(arn) < 20) {
    c.add('resourceARN', arn, 'Member must have length greater than or equal to 20');
  } else if (modelLength(arn) > 1011) {
    c.add('resourceARN', arn, 'Member must have length less than or equal to 1011');
  } else if (!RESOURCE_ARN.test(arn)) {
    c.add(
      'resourceARN',
      arn,
      `Member must satisfy regular expression pattern: ${RESOURCE_ARN_SOURCE}`,
    );
  }
  c.throwIfAny();
  return arn as string;
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
    checkList(c, 'tagKeys', keys, RANGE_SHAPES.TagList);
    keys.forEach((key: unknown, index) => {
      checkString(c, `tagKeys.${index + 1}.member`, key, 'TagKey', true);
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
