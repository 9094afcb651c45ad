import {
  Duration,
  aws_events as events,
  aws_iam as iam,
  type aws_kms as kms,
  Lazy,
  aws_lambda as lambda,
  aws_logs as logs,
  Names,
  Stack,
  type aws_s3 as s3,
  Token,
  aws_events_targets as targets,
  Validations,
} from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import {
  createJobModelArns,
  invokeModelArns,
  modelInvocationJobsArn,
  stateMachineExecutionsArn,
} from './arns.js';
import { HandlerLogLevel } from './bedrock-batch-sfn-props.js';
import { BedrockBatchConstructError, InvalidPropError } from './errors.js';
import { BUNDLE_HANDLER, type HandlerBundleName, handlerCode } from './handler-code.js';
import { acknowledgeWildcardResources } from './nag-acknowledgements.js';
import {
  CONTROL_PREFIX,
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  TERMINAL_STATUSES,
  WORK_PREFIX,
} from './service-constants.js';

/** Construct id of the shared resources under the stack. */
const SHARED_RESOURCES_ID = 'BedrockBatchSfnShared';
/** How long a reconcile run may take. */
const RECONCILE_FUNCTION_TIMEOUT = Duration.minutes(5);
/**
 * Memory of the prepare-dataset and collect-results functions. `bench:datasets` (examples)
 * measured their peak RSS on a million 1-KiB records at 214-245 MiB (prepare) and 315-342 MiB
 * (collect), 2026-11-30; 1,024 MB leaves three times that, and buys CPU (Lambda gives CPU in
 * proportion to memory; both functions are CPU-bound, about 15-18 CPU seconds per million
 * records there), so a million records take a few minutes at most within the 15-minute timeout.
 */
const DATASET_FUNCTION_MEMORY_MB = 1024;
/** Timeout of the prepare-dataset and collect-results functions: Lambda's longest. */
const DATASET_FUNCTION_TIMEOUT = Duration.minutes(15);
/**
 * Memory of the on-demand function: it waits on runtime API calls and holds at most a few
 * records' answers per call in flight, so it needs little; it streams the manifest.
 */
const ON_DEMAND_FUNCTION_MEMORY_MB = 512;
/** Retention of the handlers' log groups. */
const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;
/** Most verbose first. */
const LOG_LEVEL_ORDER: readonly HandlerLogLevel[] = [
  HandlerLogLevel.DEBUG,
  HandlerLogLevel.INFO,
  HandlerLogLevel.WARN,
  HandlerLogLevel.ERROR,
  HandlerLogLevel.SILENT,
];

const REASON_JOBS =
  'Batch job ids are assigned by Bedrock at creation; the resource is every model-invocation-job of this account and Region, the narrowest ARN the service allows.';
const REASON_MODELS =
  'The model is chosen per execution (model_id in the fragment input): any foundation model (they have no account; cross-Region inference profiles route to other Regions) or a custom model of this account and Region.';
const REASON_TASK_TOKENS =
  'states:SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat take a task token and support no resource-level permissions.';
const REASON_LIST_JOBS = 'bedrock:ListModelInvocationJobs supports no resource-level permissions.';
const REASON_EXECUTIONS =
  'Reconcile reads the execution named by a job tag (states:DescribeExecution, read-only) before it stops the job; the fragment cannot know the state machine it runs in, so any execution of this account and Region.';
const REASON_TICKETS =
  "Job tickets are named after the job; scoped to this stack's ticket folder of the output bucket.";
const REASON_DATASETS =
  'Dataset keys are chosen per execution (dataset_keys in the fragment input), anywhere in the input bucket.';
const REASON_WORK =
  "A dataset's manifests and results.jsonl are written per execution under the work folder of the output bucket; scoped to that folder.";
const REASON_ON_DEMAND_MODELS =
  'The model is chosen per execution (model_id in the fragment input): the same models the Bedrock service role may invoke. The on-demand function assumes this role with a session policy that allows only the execution model.';
const REASON_OUTPUT =
  'Job output keys contain the job id Bedrock assigns; scoped to the configured output prefix.';

/**
 * What a fragment registers with the shared resources of its stack. Internal to the fragment
 * (TypeScript only: its `readonly` array is not a jsii type).
 *
 * @jsii ignore
 */
export interface FragmentRegistration {
  /** The fragment's reconcile period, in minutes. */
  readonly reconcileMinutes: number;
  /** The log level the fragment asks for, when it asks for one. */
  readonly logLevel: HandlerLogLevel | undefined;
  /** The Bedrock service role the fragment's jobs run as. */
  readonly bedrockRole: iam.IRole;
  /** Where the fragment's manifests and datasets are read from. */
  readonly inputBucket: s3.IBucket;
  /** Where the fragment's jobs write their output. */
  readonly outputBucket: s3.IBucket;
  /** Key prefix of the output, ending with `/`. */
  readonly outputPrefix: string;
  /** KMS key of the output, when one is set (the prop or the bucket's). */
  readonly outputKeys: readonly kms.IKey[];
}

/** One handler function with its role and inline policy. */
interface HandlerParts {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly policy: iam.Policy;
}

/**
 * The per-stack resources every `BedrockBatchSfn` of a stack shares: the create-job function,
 * the job-event function with the EventBridge rule that feeds it, and the reconcile function
 * with its schedule. Exactly one set exists per stack, found with `stack.node.tryFindChild`,
 * so any number of fragments, stacks and apps can live in one process.
 *
 * @example
 * const shared = BedrockBatchSharedResources.of(stack);
 * shared.createJobFunction.addEnvironment('EXTRA', 'value');
 */
export class BedrockBatchSharedResources extends Construct {
  /**
   * The shared resources of `scope`'s stack, created on first use.
   *
   * @param scope - any construct in the stack
   * @throws BedrockBatchConstructError when the stack has another construct with the reserved id
   */
  public static of(scope: IConstruct): BedrockBatchSharedResources {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SHARED_RESOURCES_ID);
    if (existing === undefined) return new BedrockBatchSharedResources(stack, SHARED_RESOURCES_ID);
    if (existing instanceof BedrockBatchSharedResources) return existing;
    throw new BedrockBatchConstructError(
      `The construct id "${SHARED_RESOURCES_ID}" is reserved for BedrockBatchSfn's shared resources, but stack ${stack.node.path} already has another construct with it.`,
    );
  }

  /** Creates a job for each Map item (the `lambda:invoke.waitForTaskToken` target). */
  public readonly createJobFunction: lambda.Function;
  /** Delivers a job's result when Bedrock reports a terminal status. */
  public readonly jobEventFunction: lambda.Function;
  /** Heartbeats running jobs, stops orphaned ones, delivers lost results. */
  public readonly reconcileFunction: lambda.Function;
  /** Rule matching Bedrock's terminal "Batch Inference Job State Change" events. */
  public readonly jobStateRule: events.Rule;
  /** Schedule of the reconcile function. */
  public readonly reconcileRule: events.Rule;
  /** Splits a dataset (`dataset_keys` input) into one manifest per job. */
  public readonly prepareDatasetFunction: lambda.Function;
  /** Merges the jobs' outputs of a dataset into `results.jsonl`, in dataset order. */
  public readonly collectResultsFunction: lambda.Function;
  /** Answers a dataset under the batch minimum through the Bedrock runtime API. */
  public readonly onDemandFunction: lambda.Function;
  /**
   * The role the on-demand calls are made with. The on-demand function may only assume it, each
   * time with a session policy that allows `bedrock:InvokeModel` on the execution's model alone
   * (`onDemandSessionPolicy` of `@bedrock-batch/handlers`); the role allows the models the
   * fragments' Bedrock service roles may invoke.
   */
  public readonly onDemandInvokerRole: iam.Role;
  /**
   * The owner id every job of this stack is tagged with (`BEDROCK_BATCH_OWNER`), so two stacks
   * never act on each other's jobs: the stack name, unique per account and Region.
   */
  public readonly owner: string;

  private readonly registrations: FragmentRegistration[] = [];
  private readonly createJob: HandlerParts;
  private readonly jobEvent: HandlerParts;
  private readonly reconcile: HandlerParts;
  private readonly prepareDataset: HandlerParts;
  private readonly collectResults: HandlerParts;
  private readonly onDemand: HandlerParts;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    const stack = scope;
    this.owner = ownerId(stack);

    const logLevel = Lazy.string({ produce: () => this.effectiveLogLevel() });
    const commonEnvironment = {
      BEDROCK_BATCH_OWNER: this.owner,
      BEDROCK_BATCH_CONTROL_BUCKETS: Lazy.string({ produce: () => this.controlBuckets() }),
      POWERTOOLS_SERVICE_NAME: 'bedrock-batch',
      POWERTOOLS_LOG_LEVEL: logLevel,
    };

    this.createJob = this.handler('CreateJob', 'create-job', {
      description: 'BedrockBatchSfn: creates one Bedrock batch inference job per manifest.',
      timeout: Duration.minutes(1),
      environment: commonEnvironment,
    });
    this.jobEvent = this.handler('JobEvent', 'job-event', {
      description: 'BedrockBatchSfn: delivers a finished job to its waiting task.',
      timeout: Duration.minutes(1),
      environment: commonEnvironment,
    });
    this.reconcile = this.handler('Reconcile', 'reconcile', {
      description:
        'BedrockBatchSfn: heartbeats running jobs, stops orphaned jobs, delivers lost results.',
      timeout: RECONCILE_FUNCTION_TIMEOUT,
      environment: commonEnvironment,
    });
    const datasetEnvironment = {
      POWERTOOLS_SERVICE_NAME: 'bedrock-batch',
      POWERTOOLS_LOG_LEVEL: logLevel,
    };
    this.prepareDataset = this.handler('PrepareDataset', 'prepare-dataset', {
      description: 'BedrockBatchSfn: splits a dataset into one manifest per batch job.',
      timeout: DATASET_FUNCTION_TIMEOUT,
      memorySize: DATASET_FUNCTION_MEMORY_MB,
      environment: datasetEnvironment,
    });
    this.collectResults = this.handler('CollectResults', 'collect-results', {
      description: "BedrockBatchSfn: merges a dataset's job outputs into results.jsonl.",
      timeout: DATASET_FUNCTION_TIMEOUT,
      memorySize: DATASET_FUNCTION_MEMORY_MB,
      environment: datasetEnvironment,
    });
    this.onDemand = this.handler('OnDemand', 'on-demand', {
      description: 'BedrockBatchSfn: answers a small dataset through the Bedrock runtime API.',
      timeout: DATASET_FUNCTION_TIMEOUT,
      memorySize: ON_DEMAND_FUNCTION_MEMORY_MB,
      environment: datasetEnvironment,
    });
    this.onDemandFunction = this.onDemand.fn;
    this.onDemandInvokerRole = new iam.Role(this, 'OnDemandInvokerRole', {
      assumedBy: new iam.ArnPrincipal(this.onDemand.role.roleArn),
      description:
        'Role of the BedrockBatchSfn on-demand calls, assumed per call with a session policy for the execution model.',
      maxSessionDuration: Duration.hours(1),
    });
    this.onDemand.fn.addEnvironment(
      'BEDROCK_BATCH_ON_DEMAND_ROLE_ARN',
      this.onDemandInvokerRole.roleArn,
    );
    this.prepareDatasetFunction = this.prepareDataset.fn;
    this.collectResultsFunction = this.collectResults.fn;
    this.createJobFunction = this.createJob.fn;
    this.jobEventFunction = this.jobEvent.fn;
    this.reconcileFunction = this.reconcile.fn;

    this.grantStaticPermissions(stack);

    this.jobStateRule = new events.Rule(this, 'JobStateRule', {
      description: 'BedrockBatchSfn: terminal Bedrock batch inference job state changes.',
      eventPattern: {
        source: [EVENT_SOURCE],
        detailType: [EVENT_DETAIL_TYPE],
        detail: { status: [...TERMINAL_STATUSES] },
      },
      targets: [
        new targets.LambdaFunction(this.jobEventFunction, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    this.reconcileRule = new events.Rule(this, 'ReconcileSchedule', {
      description: 'BedrockBatchSfn: runs the reconcile function.',
      schedule: events.Schedule.expression(
        Lazy.string({ produce: () => rateExpression(this.reconcileMinutes()) }),
      ),
      targets: [new targets.LambdaFunction(this.reconcileFunction, { retryAttempts: 0 })],
    });
  }

  /**
   * Registers a fragment: its settings join the stack-wide ones (shortest reconcile period,
   * most verbose log level, its output bucket among the control buckets) and the functions get
   * the grants its jobs need (pass its Bedrock role, read its output location, use its tickets). TypeScript only (see
   * {@link FragmentRegistration}).
   *
   * @param registration - the fragment's settings and resources
   * @jsii ignore
   */
  public register(registration: FragmentRegistration): void {
    const prefix = registration.outputPrefix;
    if (
      !Token.isUnresolved(prefix) &&
      (CONTROL_PREFIX.startsWith(prefix) || prefix.startsWith(CONTROL_PREFIX))
    ) {
      throw new InvalidPropError(
        'outputPrefix',
        `must not contain or lie inside "${CONTROL_PREFIX}", where the job tickets (which hold task tokens) are kept out of the Bedrock service role's reach`,
        prefix,
      );
    }
    if (
      !Token.isUnresolved(prefix) &&
      (WORK_PREFIX.startsWith(prefix) || prefix.startsWith(WORK_PREFIX))
    ) {
      throw new InvalidPropError(
        'outputPrefix',
        `must not contain or lie inside "${WORK_PREFIX}", where the datasets' manifests and results are written, apart from the jobs' output`,
        prefix,
      );
    }
    this.registrations.push(registration);
    this.grantDatasetAccess(registration);

    const passRole = new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [registration.bedrockRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    });
    this.createJob.policy.addStatements(passRole);

    const listOutput = new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [registration.outputBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${registration.outputPrefix}*`] } },
    });
    const readOutput = new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [registration.outputBucket.arnForObjects(`${registration.outputPrefix}*`)],
    });
    const decrypt =
      registration.outputKeys.length > 0
        ? new iam.PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: registration.outputKeys.map((key) => key.keyArn),
          })
        : undefined;
    // The job tickets: create-job writes them, job-event and reconcile read, claim, move and
    // remove them (conditional writes need s3:PutObject; s3:ListBucket turns a missing ticket
    // into NoSuchKey instead of AccessDenied).
    const ticketPrefix = this.ticketPrefix();
    const listTickets = new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [registration.outputBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${ticketPrefix}*`] } },
    });
    const useTickets = new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [registration.outputBucket.arnForObjects(`${ticketPrefix}*`)],
    });
    const encryptTickets =
      registration.outputKeys.length > 0
        ? new iam.PolicyStatement({
            actions: ['kms:GenerateDataKey'],
            resources: registration.outputKeys.map((key) => key.keyArn),
          })
        : undefined;
    for (const parts of [this.createJob, this.jobEvent, this.reconcile]) {
      parts.policy.addStatements(listOutput, readOutput, listTickets, useTickets);
      acknowledgeWildcardResources(resourceOf(parts.policy), readOutput, REASON_OUTPUT);
      acknowledgeWildcardResources(resourceOf(parts.policy), useTickets, REASON_TICKETS);
      if (decrypt !== undefined) parts.policy.addStatements(decrypt);
      if (encryptTickets !== undefined) parts.policy.addStatements(encryptTickets);
    }
  }

  /**
   * The dataset functions' grants for one fragment: prepare-dataset reads the input bucket (and,
   * for a retry round, the work folder) and writes manifests under the work folder; collect-results reads the manifests and the jobs'
   * output, and writes `results.jsonl` under the work folder.
   */
  private grantDatasetAccess(registration: FragmentRegistration): void {
    const { inputBucket, outputBucket, outputPrefix, outputKeys } = registration;
    const work = outputBucket.arnForObjects(`${WORK_PREFIX}*`);
    const readDataset = new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [inputBucket.arnForObjects('*')],
    });
    const listDataset = new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [inputBucket.bucketArn],
    });
    // Multipart uploads: CreateMultipartUpload, UploadPart and Complete are s3:PutObject.
    const writeWork = new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [work],
    });
    const readWork = new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [work, outputBucket.arnForObjects(`${outputPrefix}*`)],
    });
    const listWork = new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [outputBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${WORK_PREFIX}*`, `${outputPrefix}*`] } },
    });
    const listWorkOnly = new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [outputBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${WORK_PREFIX}*`] } },
    });
    const readWorkOnly = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [work] });
    // A retry round's dataset (the records to retry) is under the work folder.
    const prepare = resourceOf(this.prepareDataset.policy);
    this.prepareDataset.policy.addStatements(
      readDataset,
      listDataset,
      readWorkOnly,
      listWorkOnly,
      writeWork,
    );
    acknowledgeWildcardResources(prepare, readDataset, REASON_DATASETS);
    acknowledgeWildcardResources(prepare, readWorkOnly, REASON_WORK);
    acknowledgeWildcardResources(prepare, writeWork, REASON_WORK);
    // The on-demand function reads a manifest and writes its answers, both under the work folder.
    const onDemand = resourceOf(this.onDemand.policy);
    this.onDemand.policy.addStatements(readWorkOnly, listWorkOnly, writeWork);
    acknowledgeWildcardResources(onDemand, readWorkOnly, REASON_WORK);
    acknowledgeWildcardResources(onDemand, writeWork, REASON_WORK);
    const collect = resourceOf(this.collectResults.policy);
    this.collectResults.policy.addStatements(readWork, listWork, writeWork);
    acknowledgeWildcardResources(collect, readWork, `${REASON_WORK} ${REASON_OUTPUT}`);
    acknowledgeWildcardResources(collect, writeWork, REASON_WORK);

    const inputKey = inputBucket.encryptionKey;
    if (inputKey !== undefined) {
      this.prepareDataset.policy.addStatements(
        new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [inputKey.keyArn] }),
      );
    }
    if (outputKeys.length > 0) {
      // Multipart uploads to SSE-KMS objects need kms:Decrypt as well as kms:GenerateDataKey.
      const useOutputKeys = new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [...new Set(outputKeys.map((key) => key.keyArn))],
      });
      this.prepareDataset.policy.addStatements(useOutputKeys);
      this.collectResults.policy.addStatements(useOutputKeys);
      this.onDemand.policy.addStatements(useOutputKeys);
    }
  }

  /** The reconcile period of the stack, in minutes: the shortest any fragment asks for. */
  public reconcileMinutes(): number {
    const periods = this.registrations.map((r) => r.reconcileMinutes);
    return periods.length === 0 ? 5 : Math.min(...periods);
  }

  /**
   * The buckets that hold this stack's job tickets (`BEDROCK_BATCH_CONTROL_BUCKETS`): the
   * output buckets of its fragments, each once, comma-separated.
   */
  public controlBuckets(): string {
    return [...new Set(this.registrations.map((r) => r.outputBucket.bucketName))].join(',');
  }

  /** The folder of this stack's job tickets in an output bucket, ending with `/`. */
  public ticketPrefix(): string {
    return `${CONTROL_PREFIX}${encodeURIComponent(this.owner)}/`;
  }

  /** The handlers' log level: the most verbose any fragment asks for, else `INFO`. */
  public effectiveLogLevel(): HandlerLogLevel {
    const asked = this.registrations
      .map((r) => r.logLevel)
      .filter((level): level is HandlerLogLevel => level !== undefined);
    if (asked.length === 0) return HandlerLogLevel.INFO;
    return asked.reduce((a, b) =>
      LOG_LEVEL_ORDER.indexOf(a) <= LOG_LEVEL_ORDER.indexOf(b) ? a : b,
    );
  }

  private handler(
    id: string,
    bundle: HandlerBundleName,
    options: {
      description: string;
      timeout: Duration;
      memorySize?: number;
      environment: Record<string, string>;
    },
  ): HandlerParts {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: LOG_RETENTION });
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Role of the BedrockBatchSfn ${bundle} function.`,
    });
    const policy = new iam.Policy(this, `${id}Policy`, { roles: [role] });
    policy.addStatements(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const fn = new lambda.Function(this, `${id}Function`, {
      description: options.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: handlerCode(bundle),
      handler: BUNDLE_HANDLER,
      memorySize: options.memorySize ?? 256,
      timeout: options.timeout,
      role,
      logGroup,
      environment: options.environment,
    });
    fn.node.addDependency(policy);
    Validations.of(resourceOf(fn)).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The prebuilt @bedrock-batch/handlers bundles target Node.js 22, the runtime they are built and tested for.',
    });
    return { fn, role, policy };
  }

  private grantStaticPermissions(stack: Stack): void {
    const jobs = modelInvocationJobsArn(stack);
    const readJob = new iam.PolicyStatement({
      actions: ['bedrock:GetModelInvocationJob'],
      resources: [jobs],
    });
    // CreateModelInvocationJob with tags also authorizes bedrock:TagResource on the new job.
    const tagNewJob = new iam.PolicyStatement({
      actions: ['bedrock:TagResource'],
      resources: [jobs],
    });
    const createJob = new iam.PolicyStatement({
      actions: ['bedrock:CreateModelInvocationJob'],
      resources: [jobs, ...createJobModelArns(stack)],
    });
    const answerTask = new iam.PolicyStatement({
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: ['*'],
    });
    const heartbeat = new iam.PolicyStatement({
      actions: ['states:SendTaskHeartbeat'],
      resources: ['*'],
    });
    const stopJob = new iam.PolicyStatement({
      actions: ['bedrock:StopModelInvocationJob'],
      resources: [jobs],
    });
    const listJobs = new iam.PolicyStatement({
      actions: ['bedrock:ListModelInvocationJobs'],
      resources: ['*'],
    });
    const describeExecution = new iam.PolicyStatement({
      actions: ['states:DescribeExecution'],
      resources: [stateMachineExecutionsArn()],
    });

    const add = (parts: HandlerParts, statement: iam.PolicyStatement, reason: string): void => {
      parts.policy.addStatements(statement);
      acknowledgeWildcardResources(resourceOf(parts.policy), statement, reason);
    };
    add(this.createJob, createJob, `${REASON_JOBS} ${REASON_MODELS}`);
    add(this.createJob, readJob, REASON_JOBS);
    add(this.createJob, tagNewJob, REASON_JOBS);
    add(this.createJob, answerTask, REASON_TASK_TOKENS);
    add(this.jobEvent, readJob, REASON_JOBS);
    add(this.jobEvent, answerTask, REASON_TASK_TOKENS);
    add(this.reconcile, readJob, REASON_JOBS);
    add(this.reconcile, stopJob, REASON_JOBS);
    add(this.reconcile, answerTask, REASON_TASK_TOKENS);
    add(this.reconcile, heartbeat, REASON_TASK_TOKENS);
    add(this.reconcile, listJobs, REASON_LIST_JOBS);
    add(this.reconcile, describeExecution, REASON_EXECUTIONS);
    const invokeModels = new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: invokeModelArns(stack),
    });
    const invokerPolicy = new iam.Policy(this, 'OnDemandInvokerPolicy', {
      roles: [this.onDemandInvokerRole],
      statements: [invokeModels],
    });
    acknowledgeWildcardResources(resourceOf(invokerPolicy), invokeModels, REASON_ON_DEMAND_MODELS);
    this.onDemand.fn.node.addDependency(invokerPolicy);
    this.onDemand.policy.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [this.onDemandInvokerRole.roleArn],
      }),
    );
  }
}

/** The L1 resource of an L2 construct. */
function resourceOf(construct: IConstruct): IConstruct {
  const child = construct.node.defaultChild;
  if (child === undefined) {
    throw new BedrockBatchConstructError(`${construct.node.path} has no default child resource.`);
  }
  return child;
}

/** `rate(N minutes)` (singular for 1). */
function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

/**
 * The stack's owner id: its name (letters, digits and hyphens, unique per account and
 * Region), or its unique construct id when the name is a token (nested stacks).
 */
function ownerId(stack: Stack): string {
  const name = stack.stackName;
  const id = Token.isUnresolved(name) ? Names.uniqueId(stack) : name;
  return id.slice(0, 256);
}

export { SHARED_RESOURCES_ID };
