import { describe, expect, it } from '@jest/globals';
import {
  App,
  aws_ec2 as ec2,
  aws_kms as kms,
  aws_logs as logs,
  Stack,
  aws_s3 as s3,
  aws_stepfunctions as sfn,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { BedrockBatchSfn, type BedrockBatchSfnProps } from '../../src/index.js';

/** A stack whose own resources (bucket, state machine) follow AwsSolutions, plus fragments. */
function compliantApp(extra: (stack: Stack, bucket: s3.Bucket) => Partial<BedrockBatchSfnProps>): {
  app: App;
  stack: Stack;
} {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'NagStack');
  const logBucket = new s3.Bucket(stack, 'AccessLogs', {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  });
  Validations.of(logBucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'Test fixture: this bucket is the access-log target itself.',
  });
  const bucket = new s3.Bucket(stack, 'BatchBucket', {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: logBucket,
  });
  const fragment = new BedrockBatchSfn(stack, 'Batch', {
    bedrockBatchInputBucket: bucket,
    bedrockBatchOutputBucket: bucket,
    ...extra(stack, bucket),
  });
  const failed = new sfn.Fail(stack, 'Failed', { errorPath: '$.Error', causePath: '$.Cause' });
  fragment.addCatch(failed);
  const machine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(fragment),
    tracingEnabled: true,
    logs: {
      destination: new logs.LogGroup(stack, 'MachineLogs', {
        retention: logs.RetentionDays.ONE_WEEK,
      }),
      level: sfn.LogLevel.ALL,
    },
  });
  // The test's own state machine: log delivery and X-Ray actions take no resource ARN.
  const machinePolicy = machine.role.node.findChild('DefaultPolicy').node.defaultChild;
  if (machinePolicy === undefined) throw new Error('state machine policy not found');
  Validations.of(machinePolicy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Test fixture: CloudWatch Logs delivery and X-Ray tracing of the state machine support no resource-level permissions.',
  });
  return { app, stack };
}

/** Every construct that carries an acknowledgement, with the acknowledged ids and reasons. */
function acknowledgements(
  root: IConstruct,
): Array<{ path: string; isResource: boolean; entries: Record<string, string> }> {
  return root.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((entry) => ({
        path: node.node.path,
        isResource: node.node.children.length === 0 && 'cfnResourceType' in node,
        entries: entry.data as Record<string, string>,
      })),
  );
}

describe('Construct: BedrockBatchSfn with cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged for the default fragment', () => {
    // Prepare
    const { app } = compliantApp(() => ({}));

    // Act
    const act = () => app.synth();

    // Assess
    expect(act).not.toThrow();
  });

  it('reports nothing unacknowledged with a KMS key, a VPC and a second fragment', () => {
    // Prepare
    const { app } = compliantApp((stack, bucket) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 1,
        natGateways: 0,
        flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs() } },
      });
      new BedrockBatchSfn(stack, 'Second', {
        bedrockBatchInputBucket: bucket,
        bedrockBatchOutputBucket: bucket,
        outputPrefix: 'second/',
      });
      return {
        encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
        vpcConfig: {
          subnets: vpc.isolatedSubnets,
          securityGroups: [new ec2.SecurityGroup(stack, 'Group', { vpc })],
        },
      };
    });

    // Act
    const act = () => app.synth();

    // Assess
    expect(act).not.toThrow();
  });

  it('acknowledges findings on single resources only, each with its reason', () => {
    // Prepare
    const { app, stack } = compliantApp(() => ({}));
    app.synth();

    // Act
    const found = acknowledgements(stack).filter(
      (a) => !a.path.includes('AccessLogs') && !a.path.includes('StateMachine'),
    );

    // Assess
    expect(found.length).toBeGreaterThan(0);
    for (const acknowledgement of found) {
      expect(acknowledgement.isResource).toBe(true);
      for (const [id, reason] of Object.entries(acknowledgement.entries)) {
        expect(id).toMatch(/AwsSolutions-(IAM5\[Resource::.+\]|L1)$/);
        expect(reason.length).toBeGreaterThan(20);
      }
    }
  });

  it('acknowledges the execution wildcard of reconcile on its policy only, with its reason', () => {
    // Prepare
    const { app, stack } = compliantApp(() => ({}));
    app.synth();
    const id =
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:*:*]';

    // Act
    const found = acknowledgements(stack).flatMap((a) =>
      Object.entries(a.entries)
        .filter(([key]) => key.endsWith(id))
        .map(([, reason]) => ({ path: a.path, reason })),
    );

    // Assess
    expect(found).toEqual([
      {
        path: 'NagStack/BedrockBatchSfnShared/ReconcilePolicy/Resource',
        reason: expect.stringContaining('states:DescribeExecution'),
      },
    ]);
  });

  it('fails synthesis when a finding is not acknowledged', () => {
    // Prepare
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Unsafe');
    const bucket = new s3.Bucket(stack, 'PlainBucket');
    new BedrockBatchSfn(stack, 'Batch', {
      bedrockBatchInputBucket: bucket,
      bedrockBatchOutputBucket: bucket,
    });

    // Act
    const act = () => app.synth();

    // Assess: the user's plain bucket is reported, so the plugin does run.
    expect(act).toThrow(/AwsSolutions-S1|AwsSolutions-S10/);
  });
});
