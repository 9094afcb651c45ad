import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BedrockBatchSfn } from '@bedrock-batch/construct';
import {
  Duration,
  aws_lambda as lambda,
  aws_logs as logs,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_s3 as s3,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** Props of {@link ReviewsStack}. */
interface ReviewsStackProps extends StackProps {
  /**
   * Model that classifies the reviews.
   * @default 'anthropic.claude-3-haiku-20240307-v1:0'
   */
  readonly modelId?: string;
  /**
   * Jobs in flight per execution.
   * @default 3
   */
  readonly maxConcurrency?: number;
  /**
   * How often lost events and orphaned jobs are reconciled.
   * @default Duration.minutes(5)
   */
  readonly reconcilePeriod?: Duration;
  /**
   * Records per Bedrock job; the fragment splits the dataset into jobs of this size.
   * @default - the fewest jobs within the model's maximum, of near-equal size
   */
  readonly recordsPerJob?: number;
}

const functionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'functions');

/**
 * A pipeline that classifies the sentiment of product reviews with a Claude model in Bedrock
 * batch mode: `Prepare` names the batch, the `BedrockBatchSfn` fragment splits the dataset into
 * jobs, runs them and merges their answers into one `results.jsonl` in dataset order,
 * `SummarizeResults` reads `results.jsonl` and counts the answers, and any failure ends in
 * `ReviewsFailed` with the error and cause.
 *
 * Execution input: `{ "dataset_keys": ["reviews/reviews.jsonl"] }` (objects, or prefixes ending
 * in `/`, in the bucket; each line `{ "recordId"?, "modelInput" }`).
 *
 * @example
 * ```ts
 * const app = new App();
 * new ReviewsStack(app, 'Reviews', { maxConcurrency: 3 });
 * app.synth();
 * ```
 */
class ReviewsStack extends Stack {
  public readonly bucket: s3.Bucket;
  public readonly stateMachine: sfn.StateMachine;
  public readonly batch: BedrockBatchSfn;

  public constructor(scope: Construct, id: string, props: ReviewsStackProps = {}) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, 'ReviewsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const prepare = new sfn.Pass(this, 'Prepare', {
      parameters: {
        job_name: 'product_reviews',
        'dataset_keys.$': '$.dataset_keys',
        model_id: props.modelId ?? 'anthropic.claude-3-haiku-20240307-v1:0',
        ...(props.recordsPerJob !== undefined ? { records_per_job: props.recordsPerJob } : {}),
      },
    });

    this.batch = new BedrockBatchSfn(this, 'ReviewSentiment', {
      bedrockBatchInputBucket: this.bucket,
      bedrockBatchOutputBucket: this.bucket,
      timeout: Duration.hours(24),
      maxConcurrency: props.maxConcurrency ?? 3,
      resultPath: '$.dataset',
      jobTags: { project: 'review-insights' },
      ...(props.reconcilePeriod ? { reconcilePeriod: props.reconcilePeriod } : {}),
    });

    const summarizeFunction = new lambda.Function(this, 'SummarizeResultsFunction', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(join(functionsDir, 'summarize-results')),
      timeout: Duration.minutes(5),
      memorySize: 512,
      logGroup: new logs.LogGroup(this, 'SummarizeResultsLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    this.bucket.grantRead(summarizeFunction);
    const summarize = new tasks.LambdaInvoke(this, 'SummarizeResults', {
      lambdaFunction: summarizeFunction,
      payload: sfn.TaskInput.fromObject({
        bucket: sfn.JsonPath.stringAt('$.dataset.bucket'),
        results_key: sfn.JsonPath.stringAt('$.dataset.results_key'),
      }),
      resultSelector: { 'summary.$': '$.Payload' },
      resultPath: '$.report',
    });

    const failed = new sfn.Fail(this, 'ReviewsFailed', {
      errorPath: sfn.JsonPath.stringAt('$.Error'),
      causePath: sfn.JsonPath.stringAt('$.Cause'),
    });
    this.batch.addCatch(failed);
    summarize.addCatch(failed);

    this.stateMachine = new sfn.StateMachine(this, 'ReviewsPipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(prepare.next(this.batch).next(summarize)),
      timeout: Duration.hours(30),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'ReviewsPipelineLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ERROR,
      },
    });
  }
}

export type { ReviewsStackProps };
export { ReviewsStack };
