import { describe, expect, it } from '@jest/globals';
import { aws_ec2 as ec2, aws_kms as kms, Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type BedrockBatchSfnProps, InvalidPropError } from '../../src/index.js';
import { addFragment, machineWith, newStack } from '../helpers/stacks.js';

const ALLOWED = "allowed: letters, digits and -!_*'(). between single slashes";

/** Builds a fragment in `stack` with `props` and returns the InvalidPropError it throws. */
function errorFor(
  props: Partial<BedrockBatchSfnProps>,
  stack: Stack = newStack(),
): InvalidPropError {
  try {
    addFragment(stack, 'Batch', props);
  } catch (error) {
    if (error instanceof InvalidPropError) return error;
    throw error;
  }
  throw new Error('expected an InvalidPropError');
}

describe('Construct: BedrockBatchSfn rejects at synth what Bedrock would reject in a job', () => {
  it.each([
    ['a space', 'batch output/', '" " at position 6'],
    ['an equals sign', 'run=1/', '"=" at position 4'],
    ['a plus sign', 'a+b/', '"+" at position 2'],
    ['a tilde', '~out/', '"~" at position 1'],
    ['a non-ASCII letter', 'r\u00e9sultats/', '"\u00e9" at position 2'],
  ])('rejects an outputPrefix with %s, naming the character', (_name, outputPrefix, where) => {
    // Act
    const error = errorFor({ outputPrefix });

    // Assess
    expect(error.prop).toBe('outputPrefix');
    expect(error.message).toBe(
      `Invalid BedrockBatchSfn prop "outputPrefix": must form, after "s3://<bucket>/", an S3 URI Bedrock accepts, but has a character Bedrock does not accept in an S3 URI (${where}); ${ALLOWED} (received: ${JSON.stringify(outputPrefix)})`,
    );
  });

  it('accepts an outputPrefix of the characters the S3Uri pattern allows, but the IAM wildcard *', () => {
    // Prepare
    const stack = newStack();

    // Act
    machineWith(stack, [addFragment(stack, 'Batch', { outputPrefix: "Out_put-(1)!'.v2/run/" })]);

    // Assess
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain("/Out_put-(1)!'.v2/run/");
  });

  it.each([
    ['bedrockBatchInputBucket', 'Batch_Input'],
    ['bedrockBatchOutputBucket', 'Batch_Output'],
  ] as const)('rejects a %s whose known name cannot be in an S3 URI', (prop, name) => {
    // Prepare
    const stack = newStack();
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', name);
    const good = s3.Bucket.fromBucketName(stack, 'Good', 'batch-bucket-1');
    const props =
      prop === 'bedrockBatchInputBucket'
        ? { bedrockBatchInputBucket: imported, bedrockBatchOutputBucket: good }
        : { bedrockBatchInputBucket: good, bedrockBatchOutputBucket: imported };

    // Act
    const error = errorFor(props, stack);

    // Assess
    expect(error.prop).toBe(prop);
    expect(error.received).toBe(JSON.stringify(name));
    expect(error.message).toContain('3 to 63 lowercase letters, digits, "." and "-"');
  });

  it('accepts buckets of known valid names and buckets whose name is a token', () => {
    // Prepare
    const stack = newStack();
    const known = s3.Bucket.fromBucketName(stack, 'Known', 'batch.bucket-1');
    const created = new s3.Bucket(stack, 'Created');

    // Act
    const fragment = addFragment(stack, 'Batch', {
      bedrockBatchInputBucket: known,
      bedrockBatchOutputBucket: created,
    });

    // Assess
    expect(fragment.mapState).toBeDefined();
    expect(JSON.stringify(stack.resolve(fragment.createJobTask.toStateJson()))).toContain(
      "States.Format('s3://batch.bucket-1/{}', $.manifest_key)",
    );
  });

  it('rejects an imported KMS key whose ARN Bedrock does not accept', () => {
    // Prepare
    const stack = newStack();
    const arn = 'arn:aws:kms:us-east-1:123456789012:key/not-a-key-id';
    const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', arn);

    // Act
    const error = errorFor({ encryptionKey }, stack);

    // Assess
    expect(error.prop).toBe('encryptionKey');
    expect(error.received).toBe(JSON.stringify(arn));
  });

  it('accepts an imported KMS key ARN of the KmsKeyId pattern', () => {
    // Prepare
    const stack = newStack();
    const arn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

    // Act
    const fragment = addFragment(stack, 'Batch', {
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', arn),
    });

    // Assess
    expect(JSON.stringify(stack.resolve(fragment.createJobTask.toStateJson()))).toContain(arn);
  });

  it.each([
    ['vpcConfig.subnets[1]', 'subnet_0a1b', 'subnet'],
    ['vpcConfig.securityGroups[0]', `sg-${'0'.repeat(30)}`, 'security group'],
  ])('rejects %s when its id is known and not one Bedrock accepts', (prop, id, kind) => {
    // Prepare
    const stack = newStack();
    const subnets = [
      ec2.Subnet.fromSubnetId(stack, 'S0', 'subnet-0a1b2c3d'),
      ec2.Subnet.fromSubnetId(stack, 'S1', kind === 'subnet' ? id : 'subnet-0a1b2c3e'),
    ];
    const securityGroups = [
      ec2.SecurityGroup.fromSecurityGroupId(
        stack,
        'G0',
        kind === 'security group' ? id : 'sg-0123456789abcdef0',
      ),
    ];

    // Act
    const error = errorFor({ vpcConfig: { subnets, securityGroups } }, stack);

    // Assess
    expect(error.prop).toBe(prop);
    expect(error.received).toBe(JSON.stringify(id));
    expect(error.message).toContain(
      `must be a ${kind} id Bedrock accepts: 1 to 32 letters, digits and "-"`,
    );
  });

  it('accepts VPC ids that are tokens', () => {
    // Prepare
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const group = new ec2.SecurityGroup(stack, 'Group', { vpc });

    // Act
    const fragment = addFragment(stack, 'Batch', {
      vpcConfig: { subnets: vpc.isolatedSubnets, securityGroups: [group] },
    });

    // Assess
    const payload = stack.resolve(fragment.createJobTask.toStateJson()).Parameters.Payload;
    expect(payload.vpcConfig.subnetIds.length).toBe(vpc.isolatedSubnets.length);
    expect(Stack.of(fragment)).toBe(stack);
  });
});
