import { App, Stack, aws_s3 as s3, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BedrockBatchSfn, type BedrockBatchSfnProps } from '../../src/index.js';

/** A fresh app and env-agnostic stack. */
function newStack(id = 'TestStack', app: App = new App()): Stack {
  return new Stack(app, id);
}

/** A bucket in `stack`, created once per id. */
function bucketIn(stack: Stack, id = 'BatchBucket'): s3.IBucket {
  const existing = stack.node.tryFindChild(id);
  return existing instanceof s3.Bucket ? existing : new s3.Bucket(stack, id);
}

/** A fragment with the given props over one bucket. */
function addFragment(
  scope: Construct,
  id = 'Batch',
  props: Partial<BedrockBatchSfnProps> = {},
): BedrockBatchSfn {
  const bucket = bucketIn(Stack.of(scope));
  return new BedrockBatchSfn(scope, id, {
    bedrockBatchInputBucket: bucket,
    bedrockBatchOutputBucket: bucket,
    ...props,
  });
}

/**
 * A state machine `In -> fragments... -> Out`, each fragment's failures caught by `Failed`
 * (Fail state reading `$.Error` / `$.Cause`).
 */
function machineWith(
  stack: Stack,
  fragments: BedrockBatchSfn[],
  id = 'StateMachine',
): sfn.StateMachine {
  const failed = new sfn.Fail(stack, `${id}Failed`, {
    stateName: 'Failed',
    errorPath: sfn.JsonPath.stringAt('$.Error'),
    causePath: sfn.JsonPath.stringAt('$.Cause'),
  });
  let chain: sfn.Chain = sfn.Chain.start(new sfn.Pass(stack, `${id}In`, { stateName: 'In' }));
  for (const fragment of fragments) {
    fragment.addCatch(failed);
    chain = chain.next(fragment);
  }
  chain = chain.next(new sfn.Pass(stack, `${id}Out`, { stateName: 'Out' }));
  return new sfn.StateMachine(stack, id, {
    definitionBody: sfn.DefinitionBody.fromChainable(chain),
  });
}

export { addFragment, bucketIn, machineWith, newStack };
