import { BedrockBatchSfn } from '@bedrock-batch/construct';
import {
  Duration,
  aws_iam as iam,
  type Stack,
  aws_s3 as s3,
  aws_stepfunctions as sfn,
} from 'aws-cdk-lib';

/**
 * The minimal deployable pattern of the upstream `BedrockBatchSfn` README, as the README has it:
 * the body below is the seed's code with only the import changed (from
 * `@cdklabs/generative-ai-cdk-constructs` to `@bedrock-batch/construct`).
 *
 * @example
 * ```ts
 * const stack = new Stack(new App(), 'Seed');
 * addSeedPattern(stack);
 * ```
 */
function addSeedPattern(stack: Stack): sfn.StateMachine {
  const batchBucket = new s3.Bucket(stack, 'BedrockBatchBucket');

  const batchPolicy = new iam.ManagedPolicy(stack, 'BatchPolicy', {});

  batchPolicy.addStatements(
    new iam.PolicyStatement({
      sid: 'Inference',
      actions: ['bedrock:InvokeModel', 'bedrock:CreateModelInvocationJob'],
      resources: [`arn:aws:bedrock:${stack.region}::foundation-model/*`],
    }),
  );

  const bedrockBatchSfnFragment = new BedrockBatchSfn(stack, 'AwsBedrockBatchSfn', {
    bedrockBatchInputBucket: batchBucket,
    bedrockBatchOutputBucket: batchBucket,
    bedrockBatchPolicy: batchPolicy,
    timeout: Duration.hours(48),
  });

  const inputState = new sfn.Pass(stack, 'InputState', {
    parameters: {
      job_name: 'test_job',
      manifest_keys: ['test_key.jsonl'],
      model_id: 'test.model-v1',
    },
  });

  const outputState = new sfn.Pass(stack, 'OutputState');

  const failState = new sfn.Fail(stack, 'FailState', {
    causePath: sfn.JsonPath.stringAt('$.cause'),
    errorPath: sfn.JsonPath.stringAt('$.error'),
  });

  const chain = inputState.next(bedrockBatchSfnFragment).next(outputState);

  // biome-ignore lint/suspicious/useIterableCallbackReturn: the seed's code, kept as the upstream README has it
  bedrockBatchSfnFragment.endStates.map((endState) => {
    if (endState instanceof sfn.TaskStateBase) {
      endState.addCatch(failState);
    }
  });

  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(chain),
  });
  return stateMachine;
}

export { addSeedPattern };
