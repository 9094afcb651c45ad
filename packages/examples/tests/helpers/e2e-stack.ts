import { fileURLToPath } from 'node:url';
import { type BedrockBatchDatasetQuotas, BedrockBatchSfn } from '@bedrock-batch/construct';
import {
  Duration,
  aws_lambda as lambda,
  Stack,
  type StackProps,
  aws_s3 as s3,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
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
  /**
   * Put a Lambda step before the fragment that takes this many real milliseconds, under a task
   * timeout of one virtual minute; it logs the time its code sees.
   * @default - no such step
   */
  readonly slowStepMs?: number;
  /**
   * The fragments' `datasetQuotas`.
   * @default - the construct's default
   */
  readonly datasetQuotas?: BedrockBatchDatasetQuotas;
  /**
   * The fragments' `onDemandBelowMinimum`.
   * @default - the construct's default
   */
  readonly onDemandBelowMinimum?: boolean;
}

const SLOW_STEP_CODE = fileURLToPath(new URL('../fixtures/functions/slow-step', import.meta.url));

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
      ...(props.datasetQuotas !== undefined ? { datasetQuotas: props.datasetQuotas } : {}),
      ...(props.onDemandBelowMinimum !== undefined
        ? { onDemandBelowMinimum: props.onDemandBelowMinimum }
        : {}),
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
    let start: sfn.IChainable = chain.next(new sfn.Succeed(this, 'Done'));
    if (props.slowStepMs !== undefined) {
      const slowFunction = new lambda.Function(this, 'SlowStepFunction', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(SLOW_STEP_CODE),
        timeout: Duration.seconds(30),
        environment: { SLOW_MS: String(props.slowStepMs) },
      });
      start = new tasks.LambdaInvoke(this, 'Slow Step', {
        lambdaFunction: slowFunction,
        payloadResponseOnly: true,
        resultPath: sfn.JsonPath.DISCARD,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
      }).next(start);
    }
    new sfn.StateMachine(this, 'Pipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(start),
    });
  }
}

export { E2eStack };
