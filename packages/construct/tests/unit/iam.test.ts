import { describe, expect, it } from '@jest/globals';
import { aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { addFragment, machineWith, newStack } from '../helpers/stacks.js';

type Json = Record<string, unknown>;

/** The statements of the inline policy whose logical id starts with `prefix`. */
function statementsOf(template: Template, prefix: string): Json[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const entry = Object.entries(policies).find(([id]) => id.startsWith(prefix));
  if (entry === undefined) throw new Error(`No policy ${prefix}*`);
  return (entry[1].Properties as { PolicyDocument: { Statement: Json[] } }).PolicyDocument
    .Statement;
}

function actionsOf(statements: Json[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

const jobArn = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':bedrock:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':model-invocation-job/*',
    ],
  ],
};

describe('Construct: BedrockBatchSfn IAM', () => {
  it('trusts Bedrock for this account batch jobs only', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch');

    // Act
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': jobArn },
            },
          },
        ],
      },
    });
  });

  it('lets the Bedrock role read the input, write under the output prefix and invoke models', () => {
    // Prepare
    const stack = newStack();
    const input = new s3.Bucket(stack, 'In');
    const output = new s3.Bucket(stack, 'Out');
    addFragment(stack, 'Batch', {
      bedrockBatchInputBucket: input,
      bedrockBatchOutputBucket: output,
      outputPrefix: 'jobs/',
    });

    // Act
    const statements = statementsOf(Template.fromStack(stack), 'BatchBedrockBatchRolePolicy');

    // Assess
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: 'ReadInput',
        Action: 's3:GetObject',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^In/), 'Arn'] }, '/*']],
        },
      }),
      expect.objectContaining({
        Sid: 'ReadDatasetManifests',
        Action: 's3:GetObject',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^Out/), 'Arn'] }, '/bedrock-batch-work/*'],
          ],
        },
      }),
      expect.objectContaining({ Sid: 'ListBuckets', Action: 's3:ListBucket' }),
      expect.objectContaining({
        Sid: 'WriteOutput',
        Action: 's3:PutObject',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Out/), 'Arn'] }, '/jobs/*']],
        },
      }),
      expect.objectContaining({ Sid: 'InvokeModels', Action: 'bedrock:InvokeModel' }),
    ]);
    const invoke = JSON.stringify(statements[4]?.Resource);
    for (const kind of [
      ':foundation-model/*',
      ':inference-profile/*',
      ':application-inference-profile/*',
      ':custom-model-deployment/*',
      ':imported-model/*',
    ]) {
      expect(invoke).toContain(kind);
    }
    // InvokeModel authorizes no custom-model resource (Service Authorization Reference).
    expect(invoke).not.toContain(':custom-model/');
  });

  it('replaces the default model permissions with bedrockBatchPolicy, on the Bedrock role only', () => {
    // Prepare
    const stack = newStack();
    const policy = new iam.ManagedPolicy(stack, 'Models', {
      statements: [
        new iam.PolicyStatement({
          actions: ['bedrock:InvokeModel'],
          resources: ['arn:aws:bedrock:*::foundation-model/x'],
        }),
      ],
    });
    addFragment(stack, 'Batch', { bedrockBatchPolicy: policy });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    const roles = template.findResources('AWS::IAM::Role');
    for (const [id, role] of Object.entries(roles)) {
      const managed = (role.Properties as Json).ManagedPolicyArns;
      if (id.startsWith('BatchBedrockBatchRole'))
        expect(managed).toEqual([{ Ref: expect.stringMatching(/^Models/) }]);
      else expect(managed).toBeUndefined();
    }
    const sids = statementsOf(template, 'BatchBedrockBatchRolePolicy').map((s) => s.Sid);
    expect(sids).not.toContain('InvokeModels');
  });

  it('lets create-job create and tag jobs, write their tickets, and pass only the Bedrock role to Bedrock', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch');

    // Act
    const statements = statementsOf(
      Template.fromStack(stack),
      'BedrockBatchSfnSharedCreateJobPolicy',
    );

    // Assess
    expect(actionsOf(statements)).toEqual([
      'bedrock:CreateModelInvocationJob',
      'bedrock:GetModelInvocationJob',
      'bedrock:TagResource',
      'iam:PassRole',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObject',
      's3:ListBucket',
      's3:ListBucket',
      's3:PutObject',
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
    ]);
    expect(statements).toContainEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BatchBedrockBatchRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    });
    expect(statements).toContainEqual({
      Action: 'bedrock:GetModelInvocationJob',
      Effect: 'Allow',
      Resource: jobArn,
    });
    const create = statements.find((s) => s.Action === 'bedrock:CreateModelInvocationJob');
    const createResources = JSON.stringify(create?.Resource);
    for (const kind of [':model-invocation-job/*', ':foundation-model/*', ':custom-model/*']) {
      expect(createResources).toContain(kind);
    }
    // CreateModelInvocationJob authorizes no inference profile (Service Authorization Reference).
    expect(createResources).not.toContain('inference-profile/');
    // Only tag-on-create: the job's tags are never read, nor changed after creation.
    expect(statements).toContainEqual({
      Action: 'bedrock:TagResource',
      Effect: 'Allow',
      Resource: jobArn,
    });
    expect(statements).toContainEqual({
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          [
            { 'Fn::GetAtt': [expect.stringMatching(/^BatchBucket/), 'Arn'] },
            '/bedrock-batch-control/TestStack/*',
          ],
        ],
      },
    });
    expect(statements).toContainEqual({
      Action: 's3:ListBucket',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BatchBucket/), 'Arn'] },
      Condition: { StringLike: { 's3:prefix': ['bedrock-batch/output/*'] } },
    });
  });

  it('gives job-event and reconcile only the calls they make', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch');

    // Act
    const template = Template.fromStack(stack);
    const jobEvent = actionsOf(statementsOf(template, 'BedrockBatchSfnSharedJobEventPolicy'));
    const reconcile = actionsOf(statementsOf(template, 'BedrockBatchSfnSharedReconcilePolicy'));

    // Assess
    const common = [
      'bedrock:GetModelInvocationJob',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObject',
      's3:ListBucket',
      's3:ListBucket',
      's3:PutObject',
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
    ];
    expect(jobEvent).toEqual(common);
    expect(reconcile).toEqual(
      [
        ...common,
        'bedrock:ListModelInvocationJobs',
        'bedrock:StopModelInvocationJob',
        'states:DescribeExecution',
        'states:SendTaskHeartbeat',
      ].sort(),
    );
  });

  it('lets prepare-dataset read the input bucket, read a retry round under the work folder, and write only there', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch', {
      bedrockBatchInputBucket: new s3.Bucket(stack, 'In'),
      bedrockBatchOutputBucket: new s3.Bucket(stack, 'Out'),
    });

    // Act
    const statements = statementsOf(
      Template.fromStack(stack),
      'BedrockBatchSfnSharedPrepareDatasetPolicy',
    );

    // Assess
    const objects = (bucket: RegExp, suffix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(bucket), 'Arn'] }, suffix]],
    });
    expect(statements.slice(1)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(/^In/, '/*') },
      {
        Action: 's3:ListBucket',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^In/), 'Arn'] },
      },
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: objects(/^Out/, '/bedrock-batch-work/*'),
      },
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['bedrock-batch-work/*'] } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Out/), 'Arn'] },
      },
      {
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Effect: 'Allow',
        Resource: objects(/^Out/, '/bedrock-batch-work/*'),
      },
    ]);
    expect(actionsOf(statements.slice(0, 1))).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });

  it('lets collect-results read the manifests and the job output and write only under the work folder', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch', {
      bedrockBatchInputBucket: new s3.Bucket(stack, 'In'),
      bedrockBatchOutputBucket: new s3.Bucket(stack, 'Out'),
      outputPrefix: 'jobs/',
    });

    // Act
    const statements = statementsOf(
      Template.fromStack(stack),
      'BedrockBatchSfnSharedCollectResultsPolicy',
    );

    // Assess
    const objects = (suffix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Out/), 'Arn'] }, suffix]],
    });
    expect(statements.slice(1)).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: [objects('/bedrock-batch-work/*'), objects('/jobs/*')],
      },
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['bedrock-batch-work/*', 'jobs/*'] } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Out/), 'Arn'] },
      },
      {
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Effect: 'Allow',
        Resource: objects('/bedrock-batch-work/*'),
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain('"In');
  });

  it('lets the on-demand function use only the work folder, and invoke models only by assuming the invoker role', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch', {
      bedrockBatchInputBucket: new s3.Bucket(stack, 'In'),
      bedrockBatchOutputBucket: new s3.Bucket(stack, 'Out'),
    });

    // Act
    const template = Template.fromStack(stack);
    const statements = statementsOf(template, 'BedrockBatchSfnSharedOnDemandPolicy');
    const invoker = statementsOf(template, 'BedrockBatchSfnSharedOnDemandInvokerPolicy');

    // Assess: the function itself may not invoke a model
    expect(actionsOf(statements)).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sts:AssumeRole',
    ]);
    const text = JSON.stringify(statements);
    expect(text).not.toContain('"In');
    expect(text).toContain('/bedrock-batch-work/*');
    expect(text).not.toContain('bedrock-batch-control');
    expect(statements).toContainEqual({
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/OnDemandInvokerRole/), 'Arn'] },
    });
    // The invoker role: the models, assumed by the on-demand function's role alone
    expect(actionsOf(invoker)).toEqual(['bedrock:InvokeModel']);
    expect(JSON.stringify(invoker)).toContain(':foundation-model/*');
    const roles = template.findResources('AWS::IAM::Role');
    const [invokerRole] = Object.entries(roles).filter(([id]) =>
      id.includes('OnDemandInvokerRole'),
    );
    expect(invokerRole?.[1].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: {
          AWS: { 'Fn::GetAtt': [expect.stringMatching(/OnDemandRole/), 'Arn'] },
        },
      },
    ]);
    expect(invokerRole?.[1].Properties.MaxSessionDuration).toBe(3600);
    // The function finds the role in its environment
    const functions = template.findResources('AWS::Lambda::Function');
    const [onDemand] = Object.entries(functions).filter(([id]) => id.includes('OnDemandFunction'));
    expect(onDemand?.[1].Properties.Environment.Variables.BEDROCK_BATCH_ON_DEMAND_ROLE_ARN).toEqual(
      {
        'Fn::GetAtt': [expect.stringMatching(/OnDemandInvokerRole/), 'Arn'],
      },
    );
  });

  it('lets reconcile describe any execution of the account and Region, and nothing more on Step Functions', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch');

    // Act
    const template = Template.fromStack(stack);
    const reconcile = statementsOf(template, 'BedrockBatchSfnSharedReconcilePolicy');

    // Assess
    expect(reconcile).toContainEqual({
      Action: 'states:DescribeExecution',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':states:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':execution:*:*',
          ],
        ],
      },
    });
    for (const fn of ['CreateJob', 'JobEvent']) {
      const actions = actionsOf(statementsOf(template, `BedrockBatchSfnShared${fn}Policy`));
      expect(actions).not.toContain('states:DescribeExecution');
    }
  });

  it('attaches no managed policy to any Lambda role', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch');

    // Act
    const template = Template.fromStack(stack);

    // Assess
    template.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.anyValue(),
      },
      0,
    );
  });

  it('grants the KMS key to the Bedrock role (encrypt) and to the handlers (decrypt)', () => {
    // Prepare
    const stack = newStack();
    const key = new kms.Key(stack, 'OutputKey', { enableKeyRotation: true });
    addFragment(stack, 'Batch', { encryptionKey: key });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^OutputKey/), 'Arn'] };
    expect(statementsOf(template, 'BatchBedrockBatchRolePolicy')).toContainEqual({
      Sid: 'EncryptOutput',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Effect: 'Allow',
      Resource: keyArn,
    });
    for (const fn of ['CreateJob', 'JobEvent', 'Reconcile']) {
      expect(statementsOf(template, `BedrockBatchSfnShared${fn}Policy`)).toContainEqual({
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: keyArn,
      });
    }
    // Multipart uploads of manifests and results.jsonl to SSE-KMS objects need both actions.
    for (const fn of ['PrepareDataset', 'CollectResults']) {
      expect(statementsOf(template, `BedrockBatchSfnShared${fn}Policy`)).toContainEqual({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Effect: 'Allow',
        Resource: keyArn,
      });
    }
  });

  it('scopes the VPC permissions of the Bedrock role to the given subnets and groups', () => {
    // Prepare
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
    addFragment(stack, 'Batch', {
      vpcConfig: { subnets: vpc.isolatedSubnets, securityGroups: [group] },
    });

    // Act
    const statements = statementsOf(Template.fromStack(stack), 'BatchBedrockBatchRolePolicy');

    // Assess
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(JSON.stringify(bySid.UseSubnetsAndGroups?.Resource)).toContain(':subnet/');
    expect(JSON.stringify(bySid.UseSubnetsAndGroups?.Resource)).toContain(':security-group/');
    expect(bySid.CreateJobInterfaces?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/BedrockManaged': 'true' },
    });
    expect(bySid.ManageJobInterfaces?.Condition).toMatchObject({
      StringEquals: { 'ec2:ResourceTag/BedrockManaged': 'true' },
    });
  });

  it('lets the state machine invoke the create-job and dataset function ARNs, without a version wildcard', () => {
    // Prepare
    const stack = newStack();
    machineWith(stack, [addFragment(stack, 'Batch')]);

    // Act
    const template = Template.fromStack(stack);

    // Assess
    const statements = statementsOf(template, 'StateMachineRoleDefaultPolicy');
    for (const fn of ['CreateJob', 'PrepareDataset', 'CollectResults', 'OnDemand']) {
      expect(statements).toContainEqual({
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: {
          'Fn::GetAtt': [expect.stringMatching(`^BedrockBatchSfnShared${fn}Function`), 'Arn'],
        },
      });
    }
    expect(JSON.stringify(statements)).not.toContain(':*');
  });

  it('uses the partition pseudo parameter in every ARN it writes', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Batch');

    // Act
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));

    // Assess
    expect(policies).not.toContain('arn:aws:');
    expect(policies).toContain('"Ref":"AWS::Partition"');
  });

  it('adds the S3 statements to a role the user brings, and creates no Bedrock role', () => {
    // Prepare
    const stack = newStack();
    const role = new iam.Role(stack, 'MyBedrockRole', {
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com'),
    });

    // Act
    const fragment = addFragment(stack, 'Batch', { bedrockBatchRole: role });
    const template = Template.fromStack(stack);

    // Assess
    expect(fragment.bedrockBatchRole).toBe(role);
    template.resourceCountIs('AWS::IAM::Role', 8);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^BatchBedrockBatchRolePolicy'),
      Roles: [{ Ref: Match.stringLikeRegexp('^MyBedrockRole') }],
    });
  });
});
