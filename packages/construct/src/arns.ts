import { Aws, type Stack } from 'aws-cdk-lib';

/**
 * ARNs the IAM statements of this package scope to. Every ARN uses `Aws.PARTITION`, so the
 * stack deploys to any partition (aws, aws-cn, aws-us-gov, ...).
 */

/** Every batch inference job of the stack's account and Region. */
function modelInvocationJobsArn(stack: Stack): string {
  return `arn:${Aws.PARTITION}:bedrock:${stack.region}:${stack.account}:model-invocation-job/*`;
}

/**
 * Everything a job may run on: foundation models (any Region, since cross-Region inference
 * profiles route to other Regions), system-defined inference profiles (any Region, this
 * account), and this account's application inference profiles and custom models.
 */
function modelArns(stack: Stack): string[] {
  return [
    `arn:${Aws.PARTITION}:bedrock:*::foundation-model/*`,
    `arn:${Aws.PARTITION}:bedrock:*:${stack.account}:inference-profile/*`,
    `arn:${Aws.PARTITION}:bedrock:${stack.region}:${stack.account}:application-inference-profile/*`,
    `arn:${Aws.PARTITION}:bedrock:${stack.region}:${stack.account}:custom-model/*`,
  ];
}

/**
 * Every Step Functions execution of the deployment's account and Region. The fragment cannot
 * know the state machine (the user builds it around the fragment, possibly in another stack),
 * so the state machine name is a wildcard too.
 */
function stateMachineExecutionsArn(): string {
  return `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:*:*`;
}

/** Network interfaces of the stack's account and Region. */
function networkInterfacesArn(stack: Stack): string {
  return `arn:${Aws.PARTITION}:ec2:${stack.region}:${stack.account}:network-interface/*`;
}

/** One subnet. */
function subnetArn(stack: Stack, subnetId: string): string {
  return `arn:${Aws.PARTITION}:ec2:${stack.region}:${stack.account}:subnet/${subnetId}`;
}

/** One security group. */
function securityGroupArn(stack: Stack, securityGroupId: string): string {
  return `arn:${Aws.PARTITION}:ec2:${stack.region}:${stack.account}:security-group/${securityGroupId}`;
}

export {
  modelArns,
  modelInvocationJobsArn,
  networkInterfacesArn,
  securityGroupArn,
  stateMachineExecutionsArn,
  subnetArn,
};
