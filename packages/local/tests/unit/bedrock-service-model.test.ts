import {
  CreateModelInvocationJobCommand,
  type CreateModelInvocationJobCommandInput,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  StopModelInvocationJobCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, jobRequest, startHarness } from '../helpers/harness.js';

/*
 * Conformance of the emulator's request validation with the Bedrock service model: every
 * pattern, length, range, enum and required-member constraint of the inputs of
 * CreateModelInvocationJob, GetModelInvocationJob, ListModelInvocationJobs and
 * StopModelInvocationJob, as botocore's `bedrock/2023-04-20/service-2.json` (and the Bedrock API
 * reference) give them. Each row names the model's shape; its `inside` value is just inside the
 * constraint and its `outside` value just outside. Bounds of 0 (RoleArn, SubnetId and
 * SecurityGroupId min length, TagList min, TagValue min, ModelInvocationJobIdentifier min) have no
 * value outside them, and are not listed.
 *
 * The shapes, for reference (pattern, min, max):
 * - ModelInvocationJobName   `[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}`, 1, 63
 * - RoleArn                  `arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+`, 0, 2048
 * - ModelInvocationIdempotencyToken `[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}`, 1, 256
 * - ModelId                  (model ARN | model id | inference profile), 1, 2048
 * - S3Uri                    `s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?`, 1, 1024
 * - AccountId                `[0-9]{12}`
 * - KmsKeyId                 (key ARN | alias ARN | key id | alias), 1, 2048
 * - SubnetIds / SecurityGroupIds: lists of 1..16 / 1..5, required in VpcConfig
 * - SubnetId / SecurityGroupId `[-0-9a-zA-Z]+`, 0, 32
 * - ModelInvocationJobTimeoutDurationInHours 24..168
 * - TagList 0..200; TagKey `[a-zA-Z0-9\s._:/=+@-]*`, 1, 128; TagValue (same pattern), 0, 256
 * - ModelInvocationJobIdentifier `((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})`, 0, 1011
 * - MaxResults 1..1000; PaginationToken `\S*`, 1, 2048
 * - enums: S3InputFormat, ModelInvocationType, ModelInvocationJobStatus, SortJobsBy, SortOrder
 */

/** Values only known once the emulator runs (ids of jobs created for the table). */
interface Context {
  readonly getJobArn: string;
  readonly stopJobArns: string[];
  readonly nextToken: string;
}

type Value =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly unknown[]
  | Record<string, unknown>
  | ((ctx: Context) => unknown);

interface Row {
  /** Shape name in the service model, and the constraint tested. */
  readonly shape: string;
  readonly operation: 'Create' | 'Get' | 'List' | 'Stop';
  /** The member's path in the service's message. */
  readonly member: string;
  /** Puts the value into the request. */
  readonly put: (value: unknown) => Record<string, unknown>;
  readonly inside: Value;
  /**
   * What the inside value gets when it cannot be accepted for another reason (e.g. a
   * well-formed but unknown model): the exact message. Absent: the call succeeds.
   */
  readonly insideMessage?: (value: unknown) => string;
  readonly outside: Value;
  /** The constraint text of the ValidationException for the outside value. */
  readonly violation: string;
}

const LENGTH_MIN = (n: number) => `Member must have length greater than or equal to ${n}`;
const LENGTH_MAX = (n: number) => `Member must have length less than or equal to ${n}`;
const VALUE_MIN = (n: number) => `Member must have value greater than or equal to ${n}`;
const VALUE_MAX = (n: number) => `Member must have value less than or equal to ${n}`;
const PATTERN = (p: string) => `Member must satisfy regular expression pattern: ${p}`;
const ENUM = (values: string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`;
const NOT_NULL = 'Member must not be null';

const S3_URI =
  "s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?";
const JOB_NAME = String.raw`[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}`;
const ROLE_ARN = 'arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+';
const TOKEN = '[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}';
const MODEL_ID =
  '(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-:]{1,63}/[a-z0-9]{12}$)|(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)$)|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)';
const KMS_KEY_ID =
  '(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)';
const VPC_ID = '[-0-9a-zA-Z]+';
const TAG = String.raw`[a-zA-Z0-9\s._:/=+@-]*`;
const JOB_IDENTIFIER =
  '((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})';
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

const ROLE_PREFIX = 'arn:aws:iam::123456789012:role/';
const IN_URI = 's3://batch-input/';
const OUT_URI = 's3://batch-output/';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const repeat = (text: string, length: number) => text.repeat(length).slice(0, length);
const padTo = (prefix: string, length: number) => prefix + repeat('k', length - prefix.length);
const unknownModel = (value: unknown) => `The provided model identifier is invalid: ${value}`;
const badToken = (value: unknown) =>
  `The nextToken '${value}' is not valid. Use the nextToken of a previous response.`;

const input = (extra: Record<string, unknown>) => ({
  inputDataConfig: { s3InputDataConfig: { s3Uri: `${IN_URI}records.jsonl`, ...extra } },
});
const output = (extra: Record<string, unknown>) => ({
  outputDataConfig: { s3OutputDataConfig: { s3Uri: `${OUT_URI}results/`, ...extra } },
});
const vpc = (extra: Record<string, unknown>) => ({
  vpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], ...extra },
});
const without = (member: string) => (value: unknown) => {
  const config: Record<string, unknown> = { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] };
  if (value === undefined) delete config[member];
  return { vpcConfig: config };
};
const ids = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const tags = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: 'v' }));

const ROWS: Row[] = [
  // CreateModelInvocationJob
  ...(
    [
      ['ModelInvocationJobName min 1', 'j', '', LENGTH_MIN(1)],
      ['ModelInvocationJobName max 63', repeat('j', 63), repeat('j', 64), LENGTH_MAX(63)],
      ['ModelInvocationJobName pattern', 'job-1.a+b', 'job_1', PATTERN(JOB_NAME)],
    ] as const
  ).map(([shape, inside, outside, violation]) => ({
    shape,
    operation: 'Create' as const,
    member: 'jobName',
    put: (jobName: unknown) => ({ jobName }),
    inside,
    outside,
    violation,
  })),
  {
    shape: 'RoleArn max 2048',
    operation: 'Create',
    member: 'roleArn',
    put: (roleArn) => ({ roleArn }),
    inside: padTo(ROLE_PREFIX, 2048),
    outside: padTo(ROLE_PREFIX, 2049),
    violation: LENGTH_MAX(2048),
  },
  {
    shape: 'RoleArn pattern',
    operation: 'Create',
    member: 'roleArn',
    put: (roleArn) => ({ roleArn }),
    inside: 'arn:aws-us-gov:iam:::role/service-role/BedrockBatch',
    outside: 'arn:aws:iam::123456789012:user/BedrockBatch',
    violation: PATTERN(ROLE_ARN),
  },
  ...(
    [
      ['ModelInvocationIdempotencyToken min 1', 't', '', LENGTH_MIN(1)],
      [
        'ModelInvocationIdempotencyToken max 256',
        repeat('t', 256),
        repeat('t', 257),
        LENGTH_MAX(256),
      ],
      ['ModelInvocationIdempotencyToken pattern', 'exec-1--2', 'exec.1', PATTERN(TOKEN)],
    ] as const
  ).map(([shape, inside, outside, violation]) => ({
    shape,
    operation: 'Create' as const,
    member: 'clientRequestToken',
    put: (clientRequestToken: unknown) => ({ clientRequestToken }),
    inside,
    outside,
    violation,
  })),
  {
    shape: 'ModelId min 1',
    operation: 'Create',
    member: 'modelId',
    put: (modelId) => ({ modelId }),
    inside: 'm',
    insideMessage: unknownModel,
    outside: '',
    violation: LENGTH_MIN(1),
  },
  {
    shape: 'ModelId max 2048',
    operation: 'Create',
    member: 'modelId',
    put: (modelId) => ({ modelId }),
    inside: repeat('m', 2048),
    insideMessage: unknownModel,
    outside: repeat('m', 2049),
    violation: LENGTH_MAX(2048),
  },
  {
    shape: 'ModelId pattern',
    operation: 'Create',
    member: 'modelId',
    put: (modelId) => ({ modelId }),
    inside: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    outside: 'anthropic/claude-3-haiku-20240307-v1:0',
    violation: PATTERN(MODEL_ID),
  },
  ...(
    [
      ['inputDataConfig.s3InputDataConfig.s3Uri', IN_URI, input],
      ['outputDataConfig.s3OutputDataConfig.s3Uri', OUT_URI, output],
    ] as const
  ).flatMap(([member, base, put]): Row[] => [
    {
      shape: 'S3Uri min 1',
      operation: 'Create',
      member,
      put: (s3Uri) => put({ s3Uri }),
      inside: 's',
      insideMessage: (value) =>
        `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${PATTERN(S3_URI)}`,
      outside: '',
      violation: LENGTH_MIN(1),
    },
    {
      shape: 'S3Uri max 1024',
      operation: 'Create',
      member,
      put: (s3Uri) => put({ s3Uri }),
      inside: padTo(base, 1024),
      outside: padTo(base, 1025),
      violation: LENGTH_MAX(1024),
    },
    ...[
      `${base}dir/a b.jsonl`,
      `${base}dir/a=b.jsonl`,
      `${base}dir/a+b.jsonl`,
      `${base}dir/a~b.jsonl`,
      `${base}dir/caf\u00e9.jsonl`,
      `${base}dir//a.jsonl`,
      `${base.replace('batch', 'Batch')}a.jsonl`,
      's3://ab/a.jsonl',
      's3://batch-input-/a.jsonl',
      `http${base.slice(2)}a.jsonl`,
    ].map(
      (outside): Row => ({
        shape: `S3Uri pattern (${JSON.stringify(outside)})`,
        operation: 'Create',
        member,
        put: (s3Uri) => put({ s3Uri }),
        inside: `${base}dir/file-1_(a)!*'.jsonl`,
        outside,
        violation: PATTERN(S3_URI),
      }),
    ),
  ]),
  {
    shape: 'S3InputFormat enum',
    operation: 'Create',
    member: 'inputDataConfig.s3InputDataConfig.s3InputFormat',
    put: (s3InputFormat) => input({ s3InputFormat }),
    inside: 'JSONL',
    outside: 'CSV',
    violation: ENUM(['JSONL']),
  },
  ...(
    [
      ['inputDataConfig.s3InputDataConfig.s3BucketOwner', input],
      ['outputDataConfig.s3OutputDataConfig.s3BucketOwner', output],
    ] as const
  ).map(
    ([member, put]): Row => ({
      shape: 'AccountId pattern',
      operation: 'Create',
      member,
      put: (s3BucketOwner) => put({ s3BucketOwner }),
      inside: '123456789012',
      outside: '12345678901',
      violation: PATTERN('[0-9]{12}'),
    }),
  ),
  ...(
    [
      [
        'KmsKeyId min 1',
        'k',
        (value: unknown) =>
          `1 validation error detected: Value '${value}' at 'outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId' failed to satisfy constraint: ${PATTERN(KMS_KEY_ID)}`,
        '',
        LENGTH_MIN(1),
      ],
      [
        'KmsKeyId max 2048',
        padTo('alias/', 2048),
        undefined,
        padTo('alias/', 2049),
        LENGTH_MAX(2048),
      ],
      ['KmsKeyId pattern (key id)', KEY_ID, undefined, KEY_ID.slice(1), PATTERN(KMS_KEY_ID)],
      [
        'KmsKeyId pattern (key ARN)',
        `arn:aws:kms:us-east-1:123456789012:key/${KEY_ID}`,
        undefined,
        `arn:aws:kms:us-east-1:123456789012:key/${KEY_ID}x`,
        PATTERN(KMS_KEY_ID),
      ],
      [
        'KmsKeyId pattern (alias ARN)',
        'arn:aws:kms:us-east-1:123456789012:alias/batch_keys/output',
        undefined,
        'arn:aws:kms:us-east-1:123456789012:alias/batch keys',
        PATTERN(KMS_KEY_ID),
      ],
      [
        'KmsKeyId pattern (alias)',
        'alias/batch-output',
        undefined,
        'batch-output',
        PATTERN(KMS_KEY_ID),
      ],
    ] as const
  ).map(
    ([shape, inside, insideMessage, outside, violation]): Row => ({
      shape,
      operation: 'Create',
      member: 'outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId',
      put: (s3EncryptionKeyId) => output({ s3EncryptionKeyId }),
      inside,
      ...(insideMessage !== undefined ? { insideMessage } : {}),
      outside,
      violation,
    }),
  ),
  ...(
    [
      ['subnetIds', 'SubnetIds', 'SubnetId', 'subnet-', 16],
      ['securityGroupIds', 'SecurityGroupIds', 'SecurityGroupId', 'sg-', 5],
    ] as const
  ).flatMap(([member, listShape, itemShape, prefix, max]): Row[] => [
    {
      shape: `${listShape} required`,
      operation: 'Create',
      member: `vpcConfig.${member}`,
      put: without(member),
      inside: [`${prefix}1`],
      outside: undefined,
      violation: NOT_NULL,
    },
    {
      shape: `${listShape} min 1`,
      operation: 'Create',
      member: `vpcConfig.${member}`,
      put: (value) => vpc({ [member]: value }),
      inside: [`${prefix}1`],
      outside: [],
      violation: LENGTH_MIN(1),
    },
    {
      shape: `${listShape} max ${max}`,
      operation: 'Create',
      member: `vpcConfig.${member}`,
      put: (value) => vpc({ [member]: value }),
      inside: ids(prefix, max),
      outside: ids(prefix, max + 1),
      violation: LENGTH_MAX(max),
    },
    {
      shape: `${itemShape} max 32`,
      operation: 'Create',
      member: `vpcConfig.${member}.1.member`,
      put: (value) => vpc({ [member]: [value] }),
      inside: padTo(prefix, 32),
      outside: padTo(prefix, 33),
      violation: LENGTH_MAX(32),
    },
    {
      shape: `${itemShape} pattern`,
      operation: 'Create',
      member: `vpcConfig.${member}.1.member`,
      put: (value) => vpc({ [member]: [value] }),
      inside: `${prefix}0aB-9`,
      outside: `${prefix}0a_9`,
      violation: PATTERN(VPC_ID),
    },
    {
      shape: `${itemShape} pattern (empty)`,
      operation: 'Create',
      member: `vpcConfig.${member}.1.member`,
      put: (value) => vpc({ [member]: [value] }),
      inside: 'a',
      outside: '',
      violation: PATTERN(VPC_ID),
    },
  ]),
  ...(
    [
      ['ModelInvocationJobTimeoutDurationInHours min 24', 24, 23, VALUE_MIN(24)],
      ['ModelInvocationJobTimeoutDurationInHours max 168', 168, 169, VALUE_MAX(168)],
    ] as const
  ).map(
    ([shape, inside, outside, violation]): Row => ({
      shape,
      operation: 'Create',
      member: 'timeoutDurationInHours',
      put: (timeoutDurationInHours) => ({ timeoutDurationInHours }),
      inside,
      outside,
      violation,
    }),
  ),
  {
    shape: 'TagList max 200',
    operation: 'Create',
    member: 'tags',
    put: (value) => ({ tags: value }),
    inside: tags(200),
    outside: tags(201),
    violation: LENGTH_MAX(200),
  },
  ...(
    [
      ['TagKey min 1', 'key', 'k', '', LENGTH_MIN(1)],
      ['TagKey max 128', 'key', repeat('k', 128), repeat('k', 129), LENGTH_MAX(128)],
      ['TagKey pattern', 'key', 'a b\t._:/=+@-Z9', 'a|b', PATTERN(TAG)],
      ['TagValue max 256', 'value', repeat('v', 256), repeat('v', 257), LENGTH_MAX(256)],
      ['TagValue pattern', 'value', 'a b._:/=+@-Z9', 'a#b', PATTERN(TAG)],
    ] as const
  ).map(
    ([shape, part, inside, outside, violation]): Row => ({
      shape,
      operation: 'Create',
      member: `tags.1.member.${part}`,
      put: (value) => ({ tags: [{ key: 'k', value: 'v', [part]: value }] }),
      inside,
      outside,
      violation,
    }),
  ),
  {
    shape: 'ModelInvocationType enum',
    operation: 'Create',
    member: 'modelInvocationType',
    put: (modelInvocationType) => ({ modelInvocationType }),
    inside: 'Converse',
    outside: 'Chat',
    violation: ENUM(['InvokeModel', 'Converse']),
  },
  // GetModelInvocationJob and StopModelInvocationJob
  ...(['Get', 'Stop'] as const).flatMap((operation): Row[] => [
    {
      shape: 'ModelInvocationJobIdentifier max 1011',
      operation,
      member: 'jobIdentifier',
      put: (jobIdentifier) => ({ jobIdentifier }),
      inside: repeat('a', 1011),
      insideMessage: (value) =>
        `1 validation error detected: Value '${shown(value)}' at 'jobIdentifier' failed to satisfy constraint: ${PATTERN(JOB_IDENTIFIER)}`,
      outside: repeat('a', 1012),
      violation: LENGTH_MAX(1011),
    },
    {
      shape: 'ModelInvocationJobIdentifier pattern (ARN)',
      operation,
      member: 'jobIdentifier',
      put: (jobIdentifier) => ({ jobIdentifier }),
      inside: (ctx) => (operation === 'Get' ? ctx.getJobArn : ctx.stopJobArns.shift()),
      outside: (ctx) => ctx.getJobArn.replace(':bedrock:', ':sagemaker:'),
      violation: PATTERN(JOB_IDENTIFIER),
    },
    {
      shape: 'ModelInvocationJobIdentifier pattern (id)',
      operation,
      member: 'jobIdentifier',
      put: (jobIdentifier) => ({ jobIdentifier }),
      inside: (ctx) =>
        (operation === 'Get' ? ctx.getJobArn : (ctx.stopJobArns.shift() ?? '')).slice(-12),
      outside: (ctx) => ctx.getJobArn.slice(-11),
      violation: PATTERN(JOB_IDENTIFIER),
    },
  ]),
  // ListModelInvocationJobs
  ...(
    [
      ['ModelInvocationJobName min 1 (nameContains)', 'j', '', LENGTH_MIN(1)],
      [
        'ModelInvocationJobName max 63 (nameContains)',
        repeat('j', 63),
        repeat('j', 64),
        LENGTH_MAX(63),
      ],
      ['ModelInvocationJobName pattern (nameContains)', 'job-1', 'job_1', PATTERN(JOB_NAME)],
    ] as const
  ).map(
    ([shape, inside, outside, violation]): Row => ({
      shape,
      operation: 'List',
      member: 'nameContains',
      put: (nameContains) => ({ nameContains }),
      inside,
      outside,
      violation,
    }),
  ),
  ...(
    [
      ['MaxResults min 1', 1, 0, VALUE_MIN(1)],
      ['MaxResults max 1000', 1000, 1001, VALUE_MAX(1000)],
    ] as const
  ).map(
    ([shape, inside, outside, violation]): Row => ({
      shape,
      operation: 'List',
      member: 'maxResults',
      put: (maxResults) => ({ maxResults }),
      inside,
      outside,
      violation,
    }),
  ),
  {
    shape: 'PaginationToken min 1',
    operation: 'List',
    member: 'nextToken',
    put: (nextToken) => ({ nextToken }),
    inside: 'x',
    insideMessage: badToken,
    outside: '',
    violation: LENGTH_MIN(1),
  },
  {
    shape: 'PaginationToken max 2048',
    operation: 'List',
    member: 'nextToken',
    put: (nextToken) => ({ nextToken }),
    inside: repeat('x', 2048),
    insideMessage: badToken,
    outside: repeat('x', 2049),
    violation: LENGTH_MAX(2048),
  },
  {
    shape: 'PaginationToken pattern',
    operation: 'List',
    member: 'nextToken',
    put: (nextToken) => ({ nextToken }),
    inside: (ctx) => ctx.nextToken,
    outside: 'next token',
    violation: PATTERN(String.raw`\S*`),
  },
  ...(
    [
      ['ModelInvocationJobStatus enum', 'statusEquals', 'Scheduled', 'Done', ENUM(STATUSES)],
      ['SortJobsBy enum', 'sortBy', 'CreationTime', 'Name', ENUM(['CreationTime'])],
      ['SortOrder enum', 'sortOrder', 'Ascending', 'Up', ENUM(['Ascending', 'Descending'])],
    ] as const
  ).map(
    ([shape, member, inside, outside, violation]): Row => ({
      shape,
      operation: 'List',
      member,
      put: (value) => ({ [member]: value }),
      inside,
      outside,
      violation,
    }),
  ),
];

/** The value as the emulator quotes it in a message (at most 200 characters). */
function shown(value: unknown): string {
  const text = Array.isArray(value) ? `[array of ${value.length}]` : String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

let h: Harness;
let ctx: Context;
let jobCount = 0;

beforeAll(async () => {
  h = await startHarness({ quotas: { maxJobsInFlightPerModel: 1000 }, listPageSize: 1 });
  const create = async (jobName: string) =>
    (await h.bedrock.send(new CreateModelInvocationJobCommand(jobRequest({ jobName })))).jobArn ??
    '';
  const getJobArn = await create('conformance-get');
  const stopJobArns = [await create('conformance-stop-1'), await create('conformance-stop-2')];
  const page = await h.bedrock.send(new ListModelInvocationJobsCommand({}));
  ctx = { getJobArn, stopJobArns, nextToken: page.nextToken ?? '' };
});

afterAll(async () => {
  await h.stop();
});

/** Sends `value` in the row's member; every job created gets a name of its own. */
function send(row: Row, value: unknown): Promise<unknown> {
  const members = row.put(value);
  switch (row.operation) {
    case 'Create': {
      jobCount++;
      const request: CreateModelInvocationJobCommandInput = jobRequest({
        jobName: `conformance-${jobCount}`,
        ...members,
      } as Partial<CreateModelInvocationJobCommandInput>);
      return h.bedrock.send(new CreateModelInvocationJobCommand(request));
    }
    case 'Get':
      return h.bedrock.send(new GetModelInvocationJobCommand(members as never));
    case 'Stop':
      return h.bedrock.send(new StopModelInvocationJobCommand(members as never));
    case 'List':
      return h.bedrock.send(new ListModelInvocationJobsCommand(members as never));
  }
}

const resolve = (value: Value): unknown =>
  typeof value === 'function' ? (value as (c: Context) => unknown)(ctx) : value;

describe('Conformance: the emulator validates as the Bedrock service model', () => {
  it('lists each of the four operations', () => {
    expect(new Set(ROWS.map((row) => row.operation))).toEqual(
      new Set(['Create', 'Get', 'List', 'Stop']),
    );
  });

  describe.each(ROWS.map((row) => [`${row.operation}: ${row.shape}`, row] as const))(
    '%s',
    (_name, row) => {
      it('accepts the value just inside', async () => {
        // Prepare
        const value = resolve(row.inside);

        // Act
        const call = send(row, value);

        // Assess
        if (row.insideMessage === undefined) {
          await expect(call).resolves.toBeDefined();
        } else {
          await expect(call).rejects.toBeInstanceOf(ValidationException);
          await expect(call).rejects.toMatchObject({
            message: row.insideMessage(value),
          });
        }
      });

      it('rejects the value just outside with ValidationException', async () => {
        // Prepare
        const value = resolve(row.outside);
        const quoted = value === undefined ? 'null' : `'${shown(value)}'`;

        // Act
        const call = send(row, value);

        // Assess
        await expect(call).rejects.toBeInstanceOf(ValidationException);
        await expect(call).rejects.toMatchObject({
          message: `1 validation error detected: Value ${quoted} at '${row.member}' failed to satisfy constraint: ${row.violation}`,
          $metadata: { httpStatusCode: 400 },
        });
      });
    },
  );
});
