import { aws_iam as iam, type aws_kms as kms, Stack, type aws_s3 as s3 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  invokeModelArns,
  modelInvocationJobsArn,
  networkInterfacesArn,
  securityGroupArn,
  subnetArn,
} from './arns.js';
import type { BedrockBatchVpcConfig } from './bedrock-batch-sfn-props.js';
import { acknowledgeWildcardResources } from './nag-acknowledgements.js';
import { WORK_PREFIX } from './service-constants.js';

/** What the Bedrock service role of one fragment must reach. */
interface BedrockRoleOptions {
  readonly role?: iam.IRole;
  readonly managedPolicy?: iam.IManagedPolicy;
  readonly inputBucket: s3.IBucket;
  readonly outputBucket: s3.IBucket;
  readonly outputPrefix: string;
  readonly encryptionKey?: kms.IKey;
  readonly vpcConfig?: BedrockBatchVpcConfig;
}

/** The role, and the KMS keys of the output (prop and bucket default). */
interface BedrockRoleResult {
  readonly role: iam.IRole;
  readonly outputKeys: kms.IKey[];
}

/**
 * Creates (or takes) the service role Bedrock runs a fragment's jobs as, and gives it exactly
 * what a job needs: read the input bucket and the datasets' manifests (the work folder of the
 * output bucket), write the output bucket under the prefix, use the
 * KMS keys involved, invoke the models (unless a managed policy narrows them) and, with a VPC,
 * manage its network interfaces in the given subnets and security groups. The trust policy
 * admits Bedrock for this account's batch jobs only (`aws:SourceAccount`, `aws:SourceArn`).
 *
 * @example
 * ```ts
 * const { role } = configureBedrockRole(this, { inputBucket, outputBucket, outputPrefix: 'out/' });
 * ```
 */
function configureBedrockRole(scope: Construct, options: BedrockRoleOptions): BedrockRoleResult {
  const stack = Stack.of(scope);
  const role =
    options.role ??
    new iam.Role(scope, 'BedrockBatchRole', {
      description:
        'Service role Amazon Bedrock assumes to run BedrockBatchSfn batch inference jobs.',
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': modelInvocationJobsArn(stack) },
        },
      }),
    });
  if (options.managedPolicy !== undefined) role.addManagedPolicy(options.managedPolicy);

  const policy = new iam.Policy(scope, 'BedrockBatchRolePolicy');
  const cfnPolicy = policy.node.defaultChild;
  const add = (statement: iam.PolicyStatement, reason: string): void => {
    policy.addStatements(statement);
    if (cfnPolicy !== undefined) acknowledgeWildcardResources(cfnPolicy, statement, reason);
  };

  add(
    new iam.PolicyStatement({
      sid: 'ReadInput',
      actions: ['s3:GetObject'],
      resources: [options.inputBucket.arnForObjects('*')],
    }),
    'Manifest keys are chosen per execution (manifest_keys in the fragment input), anywhere in the input bucket.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'ReadDatasetManifests',
      actions: ['s3:GetObject'],
      resources: [options.outputBucket.arnForObjects(`${WORK_PREFIX}*`)],
    }),
    'The manifests of a dataset input are written per execution under the work folder of the output bucket; scoped to that folder.',
  );
  const buckets = [options.inputBucket, options.outputBucket];
  add(
    new iam.PolicyStatement({
      sid: 'ListBuckets',
      actions: ['s3:ListBucket'],
      resources: [...new Set(buckets.map((b) => b.bucketArn))],
    }),
    'No wildcard.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'WriteOutput',
      actions: ['s3:PutObject'],
      resources: [options.outputBucket.arnForObjects(`${options.outputPrefix}*`)],
    }),
    'Bedrock writes the output under <prefix><job id>/, and the job id is assigned at creation; scoped to the output prefix.',
  );

  const inputKey = options.inputBucket.encryptionKey;
  if (inputKey !== undefined) {
    add(
      new iam.PolicyStatement({
        sid: 'DecryptInput',
        actions: ['kms:Decrypt'],
        resources: [inputKey.keyArn],
      }),
      'No wildcard.',
    );
  }
  const outputKeys = [options.encryptionKey, options.outputBucket.encryptionKey].filter(
    (key): key is kms.IKey => key !== undefined,
  );
  if (outputKeys.length > 0) {
    add(
      new iam.PolicyStatement({
        sid: 'EncryptOutput',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [...new Set(outputKeys.map((key) => key.keyArn))],
      }),
      'No wildcard.',
    );
  }

  if (options.managedPolicy === undefined) {
    add(
      new iam.PolicyStatement({
        sid: 'InvokeModels',
        actions: ['bedrock:InvokeModel'],
        resources: invokeModelArns(stack),
      }),
      'The model or inference profile is chosen per execution (model_id in the fragment input); pass bedrockBatchPolicy to narrow it. Foundation models have no account; cross-Region inference profiles route to other Regions; custom models are invoked through their deployments.',
    );
  }

  if (options.vpcConfig !== undefined) addVpcStatements(stack, options.vpcConfig, add);

  policy.attachToRole(role);
  return { role, outputKeys };
}

function addVpcStatements(
  stack: Stack,
  vpcConfig: BedrockBatchVpcConfig,
  add: (statement: iam.PolicyStatement, reason: string) => void,
): void {
  const subnets = vpcConfig.subnets.map((subnet) => subnetArn(stack, subnet.subnetId));
  const securityGroups = vpcConfig.securityGroups.map((group) =>
    securityGroupArn(stack, group.securityGroupId),
  );
  const interfaces = networkInterfacesArn(stack);
  add(
    new iam.PolicyStatement({
      sid: 'DescribeNetwork',
      actions: [
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeVpcs',
        'ec2:DescribeDhcpOptions',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
      ],
      resources: ['*'],
    }),
    'EC2 Describe* actions support no resource-level permissions.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'CreateJobInterfaces',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [interfaces],
      conditions: { StringEquals: { 'aws:RequestTag/BedrockManaged': 'true' } },
    }),
    'The network interface does not exist yet; only interfaces Bedrock tags BedrockManaged=true on creation.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'UseSubnetsAndGroups',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [...subnets, ...securityGroups],
    }),
    'No wildcard.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'ManageJobInterfaces',
      actions: [
        'ec2:CreateNetworkInterfacePermission',
        'ec2:DeleteNetworkInterface',
        'ec2:DeleteNetworkInterfacePermission',
      ],
      resources: [interfaces],
      conditions: {
        ArnEquals: { 'ec2:Subnet': subnets },
        StringEquals: { 'ec2:ResourceTag/BedrockManaged': 'true' },
      },
    }),
    'Interface ids are assigned at creation; only Bedrock-managed interfaces in the configured subnets.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'TagJobInterfaces',
      actions: ['ec2:CreateTags'],
      resources: [interfaces],
      conditions: {
        StringEquals: { 'ec2:CreateAction': 'CreateNetworkInterface' },
        'ForAllValues:StringEquals': {
          'aws:TagKeys': ['BedrockManaged', 'BedrockModelInvocationJobArn'],
        },
      },
    }),
    'Tags can only be set while creating a network interface, and only the two Bedrock keys.',
  );
}

export type { BedrockRoleOptions, BedrockRoleResult };
export { configureBedrockRole };
