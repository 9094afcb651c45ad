import { BedrockBatchSfn } from '@bedrock-batch/construct';
import {
  CfnOutput,
  Duration,
  RemovalPolicies,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_s3 as s3,
  aws_stepfunctions as sfn,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The stack name the smoke test deploys and destroys. */
const SMOKE_STACK_NAME = 'BedrockBatchSmoke';

/**
 * The smallest app the smoke test needs: a bucket for the manifest and the output, the
 * `BedrockBatchSfn` fragment, and a state machine that passes its input to the fragment and fails
 * with the fragment's error. Everything in it is removed with the stack: the bucket empties itself
 * (`autoDeleteObjects`) and every resource, log groups included, has the `DESTROY` removal policy.
 *
 * Outputs: `BucketName` and `StateMachineArn`. Execution input:
 * `{ "job_name", "manifest_keys": [...], "model_id" }`.
 *
 * @example
 * ```ts
 * const app = new App();
 * new SmokeStack(app, SMOKE_STACK_NAME);
 * app.synth();
 * ```
 */
class SmokeStack extends Stack {
  public readonly bucket: s3.Bucket;
  public readonly stateMachine: sfn.StateMachine;

  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, 'Data', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      autoDeleteObjects: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const batch = new BedrockBatchSfn(this, 'Batch', {
      bedrockBatchInputBucket: this.bucket,
      bedrockBatchOutputBucket: this.bucket,
      timeout: Duration.hours(24),
      resultPath: '$.jobs',
    });
    batch.addCatch(
      new sfn.Fail(this, 'BatchFailed', {
        errorPath: sfn.JsonPath.stringAt('$.Error'),
        causePath: sfn.JsonPath.stringAt('$.Cause'),
      }),
    );
    this.stateMachine = new sfn.StateMachine(this, 'Pipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(batch),
      timeout: Duration.hours(26),
    });
    RemovalPolicies.of(this).destroy();
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
  }
}

export { SMOKE_STACK_NAME, SmokeStack };
