import { BedrockBatchSfn } from '@bedrock-batch/construct';
import {
  Duration,
  Stack,
  type StackProps,
  aws_s3 as s3,
  aws_stepfunctions as sfn,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** Props of {@link E2eStack}. */
interface E2eStackProps extends StackProps {
  /**
   * Put a second fragment after the first, in the same state machine.
   * @default false
   */
  readonly twoFragments?: boolean;
  /**
   * The fragment's `maxConcurrency`.
   * @default - the construct's default
   */
  readonly maxConcurrency?: number;
}

/**
 * The state machine the end-to-end tests drive: the execution input goes to the fragment as it
 * is (so each test chooses `job_name`, `manifest_keys`, `model_id`), failures are caught by
 * `fragment.addCatch` into a Fail state that keeps the error and cause.
 */
class E2eStack extends Stack {
  public constructor(scope: Construct, id: string, props: E2eStackProps = {}) {
    super(scope, id, props);
    const bucket = new s3.Bucket(this, 'Data');
    const failed = new sfn.Fail(this, 'BatchFailed', {
      errorPath: sfn.JsonPath.stringAt('$.Error'),
      causePath: sfn.JsonPath.stringAt('$.Cause'),
    });
    const first = new BedrockBatchSfn(this, 'Batch', {
      bedrockBatchInputBucket: bucket,
      bedrockBatchOutputBucket: bucket,
      timeout: Duration.hours(24),
      resultPath: props.twoFragments ? '$.first' : '$',
      ...(props.maxConcurrency !== undefined ? { maxConcurrency: props.maxConcurrency } : {}),
    });
    first.addCatch(failed);
    let chain: sfn.IChainable & sfn.INextable = first;
    if (props.twoFragments) {
      const second = new BedrockBatchSfn(this, 'SecondBatch', {
        bedrockBatchInputBucket: bucket,
        bedrockBatchOutputBucket: bucket,
        timeout: Duration.hours(24),
        resultPath: '$.second',
      });
      second.addCatch(failed);
      chain = first.next(second);
    }
    new sfn.StateMachine(this, 'Pipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(chain.next(new sfn.Succeed(this, 'Done'))),
    });
  }
}

export { E2eStack };
