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
 * The models `bedrock:CreateModelInvocationJob` is authorized against. The Service Authorization
 * Reference lists only the `foundation-model`, `custom-model` and `model-invocation-job`
 * resource types for that action (no inference profile: a job on a profile is checked through
 * the service role's `bedrock:InvokeModel`): foundation models of any Region (they have no
 * account, and a cross-Region inference profile routes to other Regions) and the stack's custom
 * models.
 */
function createJobModelArns(stack: Stack): string[] {
  return [
    `arn:${Aws.PARTITION}:bedrock:*::foundation-model/*`,
    `arn:${Aws.PARTITION}:bedrock:${stack.region}:${stack.account}:custom-model/*`,
  ];
}

/**
 * What the Bedrock service role may run a job's records on with `bedrock:InvokeModel`, among the
 * resource types the Service Authorization Reference lists for that action: foundation models
 * (any Region), system-defined inference profiles (any Region, this account), and this account's
 * application inference profiles, custom model deployments and imported models. InvokeModel
 * authorizes no `custom-model` resource: a custom model is invoked through its deployment.
 */
function invokeModelArns(stack: Stack): string[] {
  const here = `arn:${Aws.PARTITION}:bedrock:${stack.region}:${stack.account}`;
  return [
    `arn:${Aws.PARTITION}:bedrock:*::foundation-model/*`,
    `arn:${Aws.PARTITION}:bedrock:*:${stack.account}:inference-profile/*`,
    `${here}:application-inference-profile/*`,
    `${here}:custom-model-deployment/*`,
    `${here}:imported-model/*`,
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
  createJobModelArns,
  invokeModelArns,
  modelInvocationJobsArn,
  networkInterfacesArn,
  securityGroupArn,
  stateMachineExecutionsArn,
  subnetArn,
};
