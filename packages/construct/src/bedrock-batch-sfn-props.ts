import type {
  Duration,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_s3 as s3,
} from 'aws-cdk-lib';

/**
 * How Bedrock runs the records of a job: the body of each `modelInput` is an `InvokeModel`
 * request of the model's provider, or a `Converse` request.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html
 *
 * @example
 * new BedrockBatchSfn(stack, 'Batch', { ...props, modelInvocationType: ModelInvocationType.CONVERSE });
 */
export enum ModelInvocationType {
  /** Each record's `modelInput` is the model provider's native `InvokeModel` body. */
  INVOKE_MODEL = 'InvokeModel',
  /** Each record's `modelInput` is a `Converse` request. */
  CONVERSE = 'Converse',
}

/**
 * The Bedrock runtime API's service tier for records answered on demand (`serviceTier` of
 * `InvokeModel` and `Converse`). `FLEX` is cheaper and slower, for models that offer it;
 * `PRIORITY` costs more for faster answers.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/service-tiers-inference.html
 *
 * @example
 * new BedrockBatchSfn(stack, 'Batch', { ...props, onDemandServiceTier: OnDemandServiceTier.FLEX });
 */
export enum OnDemandServiceTier {
  /** The standard on-demand tier. */
  DEFAULT = 'default',
  /** The discounted tier, for models that offer it. */
  FLEX = 'flex',
  /** The premium tier. */
  PRIORITY = 'priority',
}

/**
 * Log level of the three handler functions (`POWERTOOLS_LOG_LEVEL`). Task tokens and record
 * contents are never logged at `INFO` or above.
 *
 * @example
 * new BedrockBatchSfn(stack, 'Batch', { ...props, handlerLogLevel: HandlerLogLevel.DEBUG });
 */
export enum HandlerLogLevel {
  /** Everything, including each AWS call. */
  DEBUG = 'DEBUG',
  /** One line per job event, delivery and reconcile run. */
  INFO = 'INFO',
  /** Only what needs attention. */
  WARN = 'WARN',
  /** Only failures. */
  ERROR = 'ERROR',
  /** Nothing. */
  SILENT = 'SILENT',
}

/**
 * Retry settings of one family of errors of the create-job task. Step Functions waits
 * `interval`, then `interval × backoffRate`, ... capped at `maxDelay`, with full jitter.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 *
 * @example
 * const quotaRetry: BedrockBatchRetryOptions = {
 *   interval: Duration.minutes(10),
 *   maxAttempts: 50,
 *   backoffRate: 1.5,
 *   maxDelay: Duration.hours(2),
 * };
 */
export interface BedrockBatchRetryOptions {
  /**
   * Wait before the first retry (at least 1 second).
   *
   * @default - 10 seconds for throttling, 3 minutes for quota errors
   */
  readonly interval?: Duration;
  /**
   * Retries after the first attempt (0 disables retrying; at most 1,000).
   *
   * @default - 8 for throttling, 280 for quota errors
   */
  readonly maxAttempts?: number;
  /**
   * Multiplier of the wait after each retry (1 to 10).
   *
   * @default - 2 for throttling, 1.5 for quota errors
   */
  readonly backoffRate?: number;
  /**
   * Longest wait between two attempts (at least `interval`).
   *
   * @default - 5 minutes for throttling, 15 minutes for quota errors
   */
  readonly maxDelay?: Duration;
}

/**
 * Bedrock batch quotas of the model a fragment runs datasets on (`dataset_keys` input), where they
 * differ from the defaults. Preparation splits a dataset into jobs within them. They vary by
 * model, Region and account (Service Quotas); the defaults are Bedrock's documented defaults.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/quotas.html
 *
 * @example
 * const datasetQuotas: BedrockBatchDatasetQuotas = {
 *   minRecordsPerJob: 100,
 *   maxRecordsPerJob: 20_000,
 * };
 */
export interface BedrockBatchDatasetQuotas {
  /**
   * Fewest records a job may hold; a dataset with fewer fails with `BedrockBatch.InvalidInput`.
   *
   * @default 100
   */
  readonly minRecordsPerJob?: number;
  /**
   * Most records a job may hold.
   *
   * @default 50000
   */
  readonly maxRecordsPerJob?: number;
  /**
   * Most records one input file may hold (each job has one manifest file).
   *
   * @default 50000
   */
  readonly maxRecordsPerFile?: number;
  /**
   * Largest input file, in bytes.
   *
   * @default 1073741824 (1 GiB)
   */
  readonly maxInputFileSizeBytes?: number;
  /**
   * Largest total input of one job, in bytes.
   *
   * @default 5368709120 (5 GiB)
   */
  readonly maxJobSizeBytes?: number;
}

/**
 * The VPC a Bedrock batch job reads its input and writes its output through. The construct
 * grants the Bedrock service role the EC2 network-interface permissions this needs, scoped to
 * these subnets and security groups.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/batch-vpc.html
 *
 * @example
 * const vpcConfig: BedrockBatchVpcConfig = {
 *   subnets: vpc.privateSubnets,
 *   securityGroups: [batchSecurityGroup],
 * };
 */
export interface BedrockBatchVpcConfig {
  /** Subnets of the job's network interfaces: 1 to 16. */
  readonly subnets: ec2.ISubnet[];
  /** Security groups of the job's network interfaces: 1 to 5. */
  readonly securityGroups: ec2.ISecurityGroup[];
}

/**
 * Props of {@link BedrockBatchSfn}. The first six are those of `BedrockBatchSfn` in
 * `@cdklabs/generative-ai-cdk-constructs`, with the same meaning; the others are new and optional.
 *
 * The fragment's input, output and error contracts are the schemas of `@bedrock-batch/schema`:
 * `BatchFragmentInputSchema`, `BatchJobResultSchema` (one per manifest key) and `BatchErrorName`.
 *
 * @example
 * const props: BedrockBatchSfnProps = {
 *   bedrockBatchInputBucket: bucket,
 *   bedrockBatchOutputBucket: bucket,
 *   timeout: Duration.hours(48),
 *   maxConcurrency: 5,
 * };
 */
export interface BedrockBatchSfnProps {
  /**
   * Bucket that holds the JSONL input files (`manifest_keys` are keys in it). The Bedrock
   * service role may read it (and decrypt with its KMS key, when it has one).
   */
  readonly bedrockBatchInputBucket: s3.IBucket;
  /**
   * Bucket Bedrock writes the job output to, under {@link BedrockBatchSfnProps.outputPrefix}.
   * May be the input bucket.
   */
  readonly bedrockBatchOutputBucket: s3.IBucket;
  /**
   * Managed policy that lets the Bedrock service role invoke the models and inference
   * profiles you use. It is attached to the Bedrock service role only, never to a Lambda
   * function. When set, it replaces the construct's default model permissions (every foundation
   * model, cross-Region inference profile, application inference profile and custom model of
   * the account), so it narrows the role to the models it names.
   *
   * @default - the Bedrock role may invoke every foundation model and inference profile
   */
  readonly bedrockBatchPolicy?: iam.IManagedPolicy;
  /**
   * Job timeout (`timeoutDurationInHours`): whole hours, 24 to 168. The create-job task times out
   * a little later (job timeout + 1 hour + one reconcile period).
   *
   * @default Duration.hours(48)
   */
  readonly timeout?: Duration;
  /**
   * JSONPath of the fragment input (a `BatchFragmentInput`) in the state input.
   *
   * @default '$'
   */
  readonly inputPath?: string;
  /**
   * JSONPath where the array of job results is written in the state input. `'$'` replaces the
   * input with the results.
   *
   * @default '$'
   */
  readonly resultPath?: string;
  /**
   * Jobs in flight per execution: the Map's `MaxConcurrency`, 1 to 40 (the inline Map's
   * limit). Keep it within Bedrock's quota of submitted plus in-progress jobs per model; jobs
   * over the quota are retried (see {@link BedrockBatchSfnProps.quotaRetry}).
   *
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Retry of `BedrockBatch.Throttled` (the Bedrock API throttled `CreateModelInvocationJob`).
   *
   * @default - 10 s, then ×2 up to 5 minutes, 8 retries
   */
  readonly throttlingRetry?: BedrockBatchRetryOptions;
  /**
   * Retry of `BedrockBatch.QuotaExceeded` (too many jobs in flight for the model). Jobs run for
   * hours, so the waits are long.
   *
   * @default - 3 minutes, then ×1.5 up to 15 minutes, full jitter, 280 retries (about 35 hours)
   */
  readonly quotaRetry?: BedrockBatchRetryOptions;
  /**
   * Key prefix of the job output in the output bucket: not starting with `/`, ending with
   * `/`, without `*` or `?`. Bedrock writes `<prefix><jobId>/<input file>.out`. The Bedrock
   * role may write only under it, and the handlers may read only under it.
   *
   * @default 'bedrock-batch/output/'
   */
  readonly outputPrefix?: string;
  /**
   * Invocation type of a job whose input has no `model_invocation_type`.
   *
   * @default ModelInvocationType.INVOKE_MODEL
   */
  readonly modelInvocationType?: ModelInvocationType;
  /**
   * KMS key Bedrock encrypts the job output with (`s3EncryptionKeyId`). The Bedrock role may
   * generate data keys and decrypt with it; the handlers that read the output may decrypt.
   *
   * @default - the output bucket's default encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * VPC the jobs reach S3 through.
   *
   * @default - no VPC
   */
  readonly vpcConfig?: BedrockBatchVpcConfig;
  /**
   * Tags put on every job (cost allocation, ownership). Keys starting with `bedrock-batch:` are
   * reserved; keys and values use letters, digits, white space and `_.:/=+-@`.
   *
   * @default - no user tags
   */
  readonly jobTags?: { readonly [key: string]: string };
  /**
   * Service role Bedrock assumes to run the jobs, instead of the one the construct creates. The
   * construct still adds the S3 and KMS statements the jobs need to it (when the role is
   * mutable), and `bedrockBatchPolicy` when set. Its trust policy must allow
   * `bedrock.amazonaws.com`.
   *
   * @default - a role trusted by Bedrock for this account's batch jobs only
   */
  readonly bedrockBatchRole?: iam.IRole;
  /**
   * How often the reconcile function runs: whole minutes, 1 to 60. It heartbeats running jobs,
   * stops jobs nobody waits for and delivers results whose event was lost, so a lost event delays
   * a workflow by at most one period. Shared by the stack: the schedule uses the shortest period
   * any fragment of the stack asks for.
   *
   * @default Duration.minutes(5)
   */
  readonly reconcilePeriod?: Duration;
  /**
   * Heartbeat timeout of the create-job task: more than the reconcile period and less than the
   * job timeout. A task whose job is no longer heartbeaten fails with `States.HeartbeatTimeout`.
   *
   * @default - three reconcile periods
   */
  readonly heartbeatTimeout?: Duration;
  /**
   * Log level of the handler functions. Shared by the stack: the most verbose level any fragment
   * asks for wins.
   *
   * @default HandlerLogLevel.INFO
   */
  readonly handlerLogLevel?: HandlerLogLevel;
  /**
   * Quotas of the model that datasets (`dataset_keys` input) are split into jobs within: records
   * per job and bytes per file and job. Each is a positive integer; the minimum records per job
   * may not exceed the maximum.
   *
   * @default - Bedrock's default quotas (`DEFAULT_BATCH_QUOTAS` of `@bedrock-batch/schema`)
   */
  readonly datasetQuotas?: BedrockBatchDatasetQuotas;
  /**
   * Answer a dataset with fewer records than a job's minimum (`datasetQuotas.minRecordsPerJob`)
   * on demand, through the Bedrock runtime API (`InvokeModel` or `Converse`, as the input's
   * `model_invocation_type`), instead of failing it with `BedrockBatch.InvalidInput`. On-demand
   * tokens cost about twice the batch price; the output's `mode_counts` says how many.
   *
   * @default true
   */
  readonly onDemandBelowMinimum?: boolean;
  /**
   * Runtime API calls in flight at a time when answering on demand: 1 to 64.
   *
   * @default 4
   */
  readonly onDemandConcurrency?: number;
  /**
   * Service tier of the on-demand calls.
   *
   * @default - none sent: the runtime API's default tier
   */
  readonly onDemandServiceTier?: OnDemandServiceTier;
}
