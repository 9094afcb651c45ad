import {
  Duration,
  type aws_iam as iam,
  aws_lambda as lambda,
  type aws_s3 as s3,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BedrockBatchSfnProps } from './bedrock-batch-sfn-props.js';
import { configureBedrockRole } from './bedrock-role.js';
import { checkJobLocations } from './check-job-locations.js';
import { InvalidPropError } from './errors.js';
import { type ResolvedProps, type ResolvedRetry, resolveProps } from './resolve-props.js';
import { BATCH_ERROR_NAMES } from './service-constants.js';
import { BedrockBatchSharedResources } from './shared-resources.js';

/** Step Functions allows state names of at most 80 characters. */
const MAX_STATE_NAME_LENGTH = 80;
/** Errors of the Lambda service itself (not of the function), retried quickly. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/** Suffixes of the state names; the construct id comes first. */
const STATE_SUFFIX = {
  check: 'Check Input',
  defaultType: 'Default Invocation Type',
  map: 'Run Jobs',
  task: 'Create Job And Wait',
  reject: 'Reject Input',
  invalid: 'Invalid Input',
  prepare: 'Prepare Dataset',
  datasetMap: 'Run Dataset Jobs',
  datasetTask: 'Dataset Job And Wait',
  keepResult: 'Keep Job Result',
  keepFailure: 'Keep Job Failure',
  collect: 'Collect Results',
  chooseMode: 'Choose Answer Mode',
  startOnDemand: 'Start On Demand',
  onDemand: 'Answer On Demand',
  onDemandDone: 'On Demand Done',
  keepOnDemand: 'Keep On Demand Answers',
  listOnDemand: 'List On Demand Answers',
  retryChoice: 'Retry Failed Records',
  prepareRetry: 'Prepare Retry Round',
  keepDataset: 'Keep Dataset Result',
} as const;
/** The job outcomes a dataset's Map keeps as the job's failure (its records get no answer). */
const JOB_END_ERRORS = [
  BATCH_ERROR_NAMES.Failed,
  BATCH_ERROR_NAMES.Stopped,
  BATCH_ERROR_NAMES.Expired,
  BATCH_ERROR_NAMES.NoOutput,
];
/** Step Functions' limit on a Lambda task, above the dataset functions' 15-minute timeout. */
const DATASET_TASK_TIMEOUT = Duration.minutes(16);

/**
 * Runs Amazon Bedrock batch inference from a Step Functions state machine: one batch job per
 * manifest key, at most `maxConcurrency` at a time, each waited for with a task token (no
 * polling state, no cost while waiting). A drop-in replacement of `BedrockBatchSfn` from
 * `@cdklabs/generative-ai-cdk-constructs`: same props, same input, a superset of its output.
 * Given a dataset instead of manifests, it splits the dataset into jobs itself and merges the
 * jobs' outputs into one `results.jsonl` in dataset order.
 *
 * - Input (`BatchFragmentInputSchema` in `@bedrock-batch/schema`) at `inputPath`:
 *   `{ job_name, manifest_keys: [...], model_id, model_invocation_type? }`, or
 *   `{ job_name, dataset_keys: [...], records_per_job?, model_id, model_invocation_type? }`.
 * - Output at `resultPath`: for `manifest_keys`, an array with one result per manifest key
 *   (`BatchJobResultSchema`); for `dataset_keys`, one `DatasetResultSchema` object (status,
 *   `results.jsonl` location, record and token counts, the jobs' results). A dataset's job that
 *   ends `Failed`, `Stopped`, `Expired` or without output does not fail the fragment: its records
 *   get the error `BedrockBatch.RecordNotReturned` in `results.jsonl`.
 * - Errors (`BatchErrorName`): `Failed`, `Stopped`, `Expired`, `BedrockBatch.NoOutput`,
 *   `BedrockBatch.InvalidInput`, `BedrockBatch.ValidationException`, `BedrockBatch.AccessDenied`,
 *   `BedrockBatch.Throttled`, `BedrockBatch.QuotaExceeded` (after retries), `States.Timeout`,
 *   `States.HeartbeatTimeout`. Catch them all with {@link BedrockBatchSfn.addCatch}.
 *
 * The stack gets one set of shared resources however many fragments it holds: the create-job,
 * job-event, reconcile, prepare-dataset and collect-results functions, the job-state rule and
 * the reconcile schedule.
 *
 * @example
 * const batch = new BedrockBatchSfn(stack, 'AwsBedrockBatchSfn', {
 *   bedrockBatchInputBucket: bucket,
 *   bedrockBatchOutputBucket: bucket,
 *   timeout: Duration.hours(48),
 * });
 * batch.addCatch(failState);
 * new sfn.StateMachine(stack, 'StateMachine', {
 *   definitionBody: sfn.DefinitionBody.fromChainable(inputState.next(batch).next(outputState)),
 * });
 */
export class BedrockBatchSfn extends sfn.StateMachineFragment {
  /** First state: checks the input and routes it. */
  public readonly startState: sfn.State;
  /** The states a `next()` continues from. */
  public readonly endStates: sfn.INextable[];
  /** The Map over `manifest_keys`. */
  public readonly mapState: sfn.Map;
  /** The `lambda:invoke.waitForTaskToken` task inside the Map, one per manifest. */
  public readonly createJobTask: tasks.LambdaInvoke;
  /** The state that fails with `BedrockBatch.InvalidInput` when the input lacks a field. */
  public readonly rejectInputState: sfn.Parallel;
  /** For a `dataset_keys` input: the task that checks the dataset and writes its manifests. */
  public readonly prepareDatasetTask: tasks.LambdaInvoke;
  /** For a `dataset_keys` input: the Map over the prepared manifests, one job each. */
  public readonly datasetMapState: sfn.Map;
  /** The `lambda:invoke.waitForTaskToken` task inside the dataset Map, one per manifest. */
  public readonly createDatasetJobTask: tasks.LambdaInvoke;
  /** For a `dataset_keys` input: the task that writes `results.jsonl` and the fragment's output. */
  public readonly collectResultsTask: tasks.LambdaInvoke;
  /** For a dataset under the batch minimum: the task of the on-demand loop. */
  public readonly onDemandTask: tasks.LambdaInvoke;
  /** For a retry round: the task that prepares the records to retry as the round's dataset. */
  public readonly prepareRetryRoundTask: tasks.LambdaInvoke;
  /** For a `dataset_keys` input: the last state, which puts the `DatasetResult` at `resultPath`. */
  public readonly keepDatasetResultState: sfn.Pass;
  /** The stack's shared resources (functions and rules). */
  public readonly sharedResources: BedrockBatchSharedResources;

  private readonly role: iam.IRole;

  public constructor(scope: Construct, id: string, props: BedrockBatchSfnProps) {
    super(scope, id);
    const resolved = resolveProps(props);
    checkStateNames(id);
    checkJobLocations(props, resolved.outputPrefix);

    const { role, outputKeys } = configureBedrockRole(this, {
      role: props.bedrockBatchRole,
      managedPolicy: props.bedrockBatchPolicy,
      inputBucket: props.bedrockBatchInputBucket,
      outputBucket: props.bedrockBatchOutputBucket,
      outputPrefix: resolved.outputPrefix,
      encryptionKey: props.encryptionKey,
      vpcConfig: checkVpcConfig(props.vpcConfig),
    });
    this.role = role;

    this.sharedResources = BedrockBatchSharedResources.of(this);
    this.sharedResources.register({
      reconcileMinutes: resolved.reconcilePeriod.toMinutes(),
      logLevel: resolved.handlerLogLevel,
      bedrockRole: role,
      inputBucket: props.bedrockBatchInputBucket,
      outputBucket: props.bedrockBatchOutputBucket,
      outputPrefix: resolved.outputPrefix,
      outputKeys,
    });

    this.createJobTask = this.buildTask(props, resolved, {
      id: 'CreateJob',
      stateName: `${id} ${STATE_SUFFIX.task}`,
      manifestBucket: props.bedrockBatchInputBucket,
      allManifestKeys: true,
    });
    this.mapState = new sfn.Map(this, 'Map', {
      stateName: `${id} ${STATE_SUFFIX.map}`,
      comment: 'One Bedrock batch inference job per manifest key.',
      inputPath: resolved.inputPath,
      resultPath: resolved.resultPath,
      itemsPath: '$.manifest_keys',
      maxConcurrency: resolved.maxConcurrency,
      itemSelector: {
        'job_name.$': '$.job_name',
        'model_id.$': '$.model_id',
        'model_invocation_type.$': '$.model_invocation_type',
        // Every key, so that each item checks them all before it creates a job.
        'manifest_keys.$': '$.manifest_keys',
        'manifest_key.$': '$$.Map.Item.Value',
        'item_index.$': '$$.Map.Item.Index',
      },
    });
    this.mapState.itemProcessor(this.createJobTask);

    this.rejectInputState = new RejectInputParallel(this, 'RejectInput', {
      stateName: `${id} ${STATE_SUFFIX.reject}`,
      comment:
        'Fails with BedrockBatch.InvalidInput; a Parallel state, so that a Catch can handle it.',
    });
    this.rejectInputState.branch(
      new sfn.Fail(this, 'InvalidInput', {
        stateName: `${id} ${STATE_SUFFIX.invalid}`,
        error: BATCH_ERROR_NAMES.InvalidInput,
        cause:
          'The BedrockBatchSfn input needs job_name, model_id and at least one manifest_keys or dataset_keys entry, not both (see BatchFragmentInputSchema in @bedrock-batch/schema).',
      }),
    );

    const base = resolved.inputPath === '$' ? '$' : resolved.inputPath;
    const present = (field: string) => sfn.Condition.isPresent(`${base}.${field}`);
    const required = [present('job_name'), present('model_id'), present('manifest_keys[0]')];
    const defaultType = new sfn.Pass(this, 'DefaultInvocationType', {
      stateName: `${id} ${STATE_SUFFIX.defaultType}`,
      comment: 'Fills in model_invocation_type, which the input may omit.',
      result: sfn.Result.fromString(resolved.modelInvocationType),
      resultPath: `${base}.model_invocation_type`,
    });

    const dataset = this.buildDatasetStates(id, props, resolved);
    this.prepareDatasetTask = dataset.prepare;
    this.datasetMapState = dataset.map;
    this.createDatasetJobTask = dataset.task;
    this.collectResultsTask = dataset.collect;
    this.onDemandTask = dataset.onDemand;
    this.prepareRetryRoundTask = dataset.prepareRetry;
    this.keepDatasetResultState = dataset.done;

    const check = new sfn.Choice(this, 'CheckInput', {
      stateName: `${id} ${STATE_SUFFIX.check}`,
      comment:
        'Routes manifest_keys to the Map and dataset_keys to the preparation; an empty list would make the Map succeed with no job: reject it.',
    })
      .when(
        sfn.Condition.and(present('manifest_keys'), present('dataset_keys')),
        this.rejectInputState,
      )
      .when(sfn.Condition.and(...required, present('model_invocation_type')), this.mapState)
      .when(sfn.Condition.and(...required), defaultType.next(this.mapState))
      .when(
        sfn.Condition.and(present('job_name'), present('model_id'), present('dataset_keys[0]')),
        this.prepareDatasetTask,
      )
      .otherwise(this.rejectInputState);

    this.startState = check;
    this.endStates = [this.mapState, this.rejectInputState, this.keepDatasetResultState];
  }

  /** The service role Bedrock assumes to run this fragment's jobs. */
  public get bedrockBatchRole(): iam.IRole {
    return this.role;
  }

  /** The stack's create-job function. */
  public get createJobFunction(): lambda.IFunction {
    return this.sharedResources.createJobFunction;
  }

  /** The stack's job-event function. */
  public get jobEventFunction(): lambda.IFunction {
    return this.sharedResources.jobEventFunction;
  }

  /** The stack's reconcile function. */
  public get reconcileFunction(): lambda.IFunction {
    return this.sharedResources.reconcileFunction;
  }

  /** The stack's prepare-dataset function. */
  public get prepareDatasetFunction(): lambda.IFunction {
    return this.sharedResources.prepareDatasetFunction;
  }

  /** The stack's on-demand function. */
  public get onDemandFunction(): lambda.IFunction {
    return this.sharedResources.onDemandFunction;
  }

  /** The stack's collect-results function. */
  public get collectResultsFunction(): lambda.IFunction {
    return this.sharedResources.collectResultsFunction;
  }

  /**
   * Routes every failure of the fragment to `handler`: a failed, stopped or expired job (of a
   * `manifest_keys` input), a job that could not be created, a timeout, and an input or dataset
   * rejected as `BedrockBatch.InvalidInput`. The Catch is added to each state of the fragment
   * that can fail (both Maps, the input rejection, the dataset preparation, the on-demand
   * answering, the collection and the preparation of a retry round). Without a `resultPath`, the handler receives `{ "Error": ..., "Cause": ... }`.
   *
   * @param handler - the state to continue with
   * @param props - which errors (default: all) and where to put them
   * @returns this fragment, for chaining
   *
   * @example
   * batch.addCatch(new sfn.Fail(stack, 'Failed', {
   *   errorPath: sfn.JsonPath.stringAt('$.Error'),
   *   causePath: sfn.JsonPath.stringAt('$.Cause'),
   * }));
   */
  public addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): this {
    this.mapState.addCatch(handler, props);
    this.rejectInputState.addCatch(handler, props);
    this.prepareDatasetTask.addCatch(handler, props);
    this.datasetMapState.addCatch(handler, props);
    this.collectResultsTask.addCatch(handler, props);
    this.onDemandTask.addCatch(handler, props);
    this.prepareRetryRoundTask.addCatch(handler, props);
    return this;
  }

  /**
   * The dataset path: prepare the dataset, run one job per manifest (a job that ends without a
   * result is kept as a failure, not raised) or, under the batch minimum, answer it on demand,
   * collect the results. While the collection asks for a retry round, the records to retry are
   * prepared as the round's dataset and go the same way again. Intermediate results live at
   * `resultPath`, which the fragment's output replaces.
   */
  private buildDatasetStates(
    id: string,
    props: BedrockBatchSfnProps,
    resolved: ResolvedProps,
  ): {
    prepare: tasks.LambdaInvoke;
    map: sfn.Map;
    task: tasks.LambdaInvoke;
    collect: tasks.LambdaInvoke;
    onDemand: tasks.LambdaInvoke;
    prepareRetry: tasks.LambdaInvoke;
    done: sfn.Pass;
  } {
    const at = (field: string) =>
      resolved.resultPath === '$' ? `$.${field}` : `${resolved.resultPath}.${field}`;
    const payload: Record<string, unknown> = {
      executionArn: sfn.JsonPath.executionId,
      fragmentId: this.node.addr,
      'input.$': '$',
      inputBucket: props.bedrockBatchInputBucket.bucketName,
      outputBucket: props.bedrockBatchOutputBucket.bucketName,
      defaultModelInvocationType: resolved.modelInvocationType,
      onDemandBelowMinimum: resolved.onDemandBelowMinimum,
    };
    if (resolved.datasetQuotas !== undefined) payload.quotas = { ...resolved.datasetQuotas };
    const prepareFunction = this.invokeTarget(
      'PrepareDatasetRef',
      this.sharedResources.prepareDatasetFunction,
    );
    const prepare = new tasks.LambdaInvoke(this, 'PrepareDataset', {
      stateName: `${id} ${STATE_SUFFIX.prepare}`,
      comment: 'Checks the dataset and writes one manifest per job (PreparedDataset).',
      lambdaFunction: prepareFunction,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      inputPath: resolved.inputPath,
      resultPath: resolved.resultPath,
      taskTimeout: sfn.Timeout.duration(DATASET_TASK_TIMEOUT),
    });
    addLambdaServiceRetry(prepare);

    const task = this.buildTask(props, resolved, {
      id: 'CreateDatasetJob',
      stateName: `${id} ${STATE_SUFFIX.datasetTask}`,
      manifestBucket: props.bedrockBatchOutputBucket,
      allManifestKeys: false,
      resultPath: '$.result',
      // Each round's jobs get names and client request tokens of their own.
      fragmentIdPath: '$.fragment_id',
    });
    const keepResult = new sfn.Pass(this, 'KeepJobResult', {
      stateName: `${id} ${STATE_SUFFIX.keepResult}`,
      comment: "The job's manifest and result, for the collection.",
      parameters: { 'manifestKey.$': '$.manifest_key', 'result.$': '$.result' },
    });
    const keepFailure = new sfn.Pass(this, 'KeepJobFailure', {
      stateName: `${id} ${STATE_SUFFIX.keepFailure}`,
      comment: "The job's manifest and why it returned nothing; its records get no answer.",
      parameters: {
        'manifestKey.$': '$.manifest_key',
        failure: { 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' },
      },
    });
    task.addCatch(keepFailure, { errors: JOB_END_ERRORS, resultPath: '$.failure' });
    const map = new sfn.Map(this, 'DatasetMap', {
      stateName: `${id} ${STATE_SUFFIX.datasetMap}`,
      comment: 'One Bedrock batch inference job per prepared manifest.',
      inputPath: resolved.resultPath,
      resultPath: at('jobs'),
      itemsPath: '$.plan.manifests',
      maxConcurrency: resolved.maxConcurrency,
      itemSelector: {
        'job_name.$': '$.job_name',
        'model_id.$': '$.model_id',
        'model_invocation_type.$': '$.model_invocation_type',
        'fragment_id.$': '$.fragment_id',
        'manifest_key.$': '$$.Map.Item.Value.key',
        'item_index.$': '$$.Map.Item.Index',
      },
    });
    map.itemProcessor(task.next(keepResult));

    const collect = new tasks.LambdaInvoke(this, 'CollectResults', {
      stateName: `${id} ${STATE_SUFFIX.collect}`,
      comment:
        'Writes results.jsonl in dataset order, merging a retry round in; returns the DatasetResult and the next round, if any.',
      lambdaFunction: this.invokeTarget(
        'CollectResultsRef',
        this.sharedResources.collectResultsFunction,
      ),
      payload: sfn.TaskInput.fromObject({
        'bucket.$': '$.plan.bucket',
        'workPrefix.$': '$.round.dataset_prefix',
        'jobs.$': '$.jobs',
        'round.$': '$.round',
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      inputPath: resolved.resultPath,
      resultPath: at('collected'),
      taskTimeout: sfn.Timeout.duration(DATASET_TASK_TIMEOUT),
    });
    addLambdaServiceRetry(collect);
    const onDemand = this.buildOnDemandLoop(id, resolved, collect);
    const chooseMode = new sfn.Choice(this, 'ChooseAnswerMode', {
      stateName: `${id} ${STATE_SUFFIX.chooseMode}`,
      comment: 'A dataset or round under the batch minimum is answered on demand (plan.mode).',
    })
      .when(sfn.Condition.stringEquals(at('plan.mode'), 'on_demand'), onDemand.start)
      .otherwise(map);
    prepare.next(chooseMode);
    map.next(collect);

    const prepareRetry = new tasks.LambdaInvoke(this, 'PrepareRetryRound', {
      stateName: `${id} ${STATE_SUFFIX.prepareRetry}`,
      comment:
        "Prepares the records the collection asks to retry as the next round's dataset (PreparedDataset).",
      lambdaFunction: prepareFunction,
      payload: sfn.TaskInput.fromObject({
        ...payload,
        'input.$': '$.input',
        retry: {
          'round.$': '$.collected.retry.round',
          'datasetKey.$': '$.collected.retry.dataset_key',
          'previous.$': '$.collected',
        },
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      inputPath: resolved.resultPath,
      resultPath: resolved.resultPath,
      taskTimeout: sfn.Timeout.duration(DATASET_TASK_TIMEOUT),
    });
    addLambdaServiceRetry(prepareRetry);
    prepareRetry.next(chooseMode);
    const done = new sfn.Pass(this, 'KeepDatasetResult', {
      stateName: `${id} ${STATE_SUFFIX.keepDataset}`,
      comment: "The last round's DatasetResult is the fragment's output.",
      inputPath: at('collected'),
      resultPath: resolved.resultPath,
    });
    collect.next(
      new sfn.Choice(this, 'RetryFailedRecords', {
        stateName: `${id} ${STATE_SUFFIX.retryChoice}`,
        comment:
          'Another round while the collection found records that failed for a transient reason and rounds are left.',
      })
        .when(sfn.Condition.isPresent(at('collected.retry')), prepareRetry)
        .otherwise(done),
    );
    return { prepare, map, task, collect, onDemand: onDemand.task, prepareRetry, done };
  }

  /**
   * The on-demand loop of a dataset under the batch minimum: the on-demand function answers the
   * one manifest from a start line until its time runs low, and is called again from where it
   * stopped until the manifest is answered; then its answers are listed as the dataset's one
   * job, for the collection.
   */
  private buildOnDemandLoop(
    id: string,
    resolved: ResolvedProps,
    collect: sfn.IChainable,
  ): { start: sfn.State; task: tasks.LambdaInvoke } {
    const root = resolved.resultPath;
    const at = (field: string) => (root === '$' ? `$.${field}` : `${root}.${field}`);
    const start = new sfn.Pass(this, 'StartOnDemand', {
      stateName: `${id} ${STATE_SUFFIX.startOnDemand}`,
      comment: 'The on-demand loop starts at the first record, with no token counted.',
      result: sfn.Result.fromObject({ startLine: 0, tokens: { input: 0, output: 0 } }),
      resultPath: at('on_demand'),
    });
    const payload: Record<string, unknown> = {
      'bucket.$': '$.plan.bucket',
      'workPrefix.$': '$.plan.work_prefix',
      'manifestKey.$': '$.plan.manifests[0].key',
      'startLine.$': '$.on_demand.startLine',
      'modelId.$': '$.model_id',
      'modelInvocationType.$': '$.model_invocation_type',
      concurrency: resolved.onDemandConcurrency,
      'tokens.$': '$.on_demand.tokens',
    };
    if (resolved.onDemandServiceTier !== undefined) {
      payload.serviceTier = resolved.onDemandServiceTier;
    }
    const task = new tasks.LambdaInvoke(this, 'AnswerOnDemand', {
      stateName: `${id} ${STATE_SUFFIX.onDemand}`,
      comment:
        'Answers records through the Bedrock runtime API until the time of the call runs low.',
      lambdaFunction: this.invokeTarget('OnDemandRef', this.sharedResources.onDemandFunction),
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      inputPath: root,
      resultPath: at('on_demand'),
      taskTimeout: sfn.Timeout.duration(DATASET_TASK_TIMEOUT),
    });
    addLambdaServiceRetry(task);
    const keep = new sfn.Pass(this, 'KeepOnDemandAnswers', {
      stateName: `${id} ${STATE_SUFFIX.keepOnDemand}`,
      comment: 'The manifest, the folder of its answers and the tokens used.',
      inputPath: root,
      parameters: {
        'manifestKey.$': '$.plan.manifests[0].key',
        onDemand: {
          'outputPrefix.$': '$.on_demand.outputPrefix',
          'tokens.$': '$.on_demand.tokens',
        },
      },
      resultPath: at('on_demand_job'),
    });
    const list = new sfn.Pass(this, 'ListOnDemandAnswers', {
      stateName: `${id} ${STATE_SUFFIX.listOnDemand}`,
      comment:
        'The plan, the round and the on-demand answers as the one job of the dataset or round.',
      inputPath: root,
      parameters: {
        'plan.$': '$.plan',
        'round.$': '$.round',
        'input.$': '$.input',
        'jobs.$': 'States.Array($.on_demand_job)',
      },
      resultPath: root,
    });
    const done = new sfn.Choice(this, 'OnDemandDone', {
      stateName: `${id} ${STATE_SUFFIX.onDemandDone}`,
      comment: 'Call again from where the last call stopped until every record is answered.',
    })
      .when(sfn.Condition.booleanEquals(at('on_demand.done'), true), keep.next(list).next(collect))
      .otherwise(task);
    start.next(task).next(done);
    return { start, task };
  }

  /**
   * A reference to a shared function that the state machine's role may invoke by its
   * unqualified ARN only, not `<arn>:*` (every version and alias), which cdk-nag would report on
   * the user's state machine as AwsSolutions-IAM5.
   */
  private invokeTarget(id: string, fn: lambda.IFunction): lambda.IFunction {
    const target = lambda.Function.fromFunctionAttributes(this, id, {
      functionArn: fn.functionArn,
      sameEnvironment: true,
    });
    Object.defineProperty(target, 'resourceArnsForGrantInvoke', { value: [target.functionArn] });
    return target;
  }

  private buildTask(
    props: BedrockBatchSfnProps,
    resolved: ResolvedProps,
    options: {
      id: string;
      stateName: string;
      manifestBucket: s3.IBucket;
      allManifestKeys: boolean;
      resultPath?: string;
      /** Where the item holds the id that makes its job unique; default: the fragment's id. */
      fragmentIdPath?: string;
    },
  ): tasks.LambdaInvoke {
    const outputConfig: Record<string, unknown> = {
      s3Uri: `s3://${props.bedrockBatchOutputBucket.bucketName}/${resolved.outputPrefix}`,
    };
    if (props.encryptionKey !== undefined)
      outputConfig.s3EncryptionKeyId = props.encryptionKey.keyArn;
    // Paths of the item are written as ASL (`"key.$": "$.path"`), not as `sfn.JsonPath` tokens:
    // for each such token, LambdaInvoke's task-token check tries to parse the path as an
    // intrinsic function, and the error CDK raises and catches for it is recorded in the CDK
    // CLI's error file (cdk.out/error.txt) although synthesis succeeds. The rendered ASL is the
    // same; the bucket name goes into the format string itself for the same reason.
    const payload: Record<string, unknown> = {
      taskToken: sfn.JsonPath.taskToken,
      executionArn: sfn.JsonPath.executionId,
      'itemIndex.$': '$.item_index',
      // Two fragments of one state machine may run the same manifest: their jobs must differ.
      ...(options.fragmentIdPath === undefined
        ? { fragmentId: this.node.addr }
        : { 'fragmentId.$': options.fragmentIdPath }),
      'jobName.$': '$.job_name',
      ...(options.allManifestKeys ? { 'manifestKeys.$': '$.manifest_keys' } : {}),
      'modelId.$': '$.model_id',
      roleArn: this.role.roleArn,
      inputDataConfig: {
        s3InputDataConfig: {
          's3Uri.$': `States.Format('s3://${options.manifestBucket.bucketName}/{}', $.manifest_key)`,
        },
      },
      outputDataConfig: { s3OutputDataConfig: outputConfig },
      timeoutDurationInHours: resolved.timeoutHours,
      'modelInvocationType.$': '$.model_invocation_type',
    };
    if (props.vpcConfig !== undefined) {
      payload.vpcConfig = {
        subnetIds: props.vpcConfig.subnets.map((subnet) => subnet.subnetId),
        securityGroupIds: props.vpcConfig.securityGroups.map((group) => group.securityGroupId),
      };
    }
    if (resolved.jobTags.length > 0) payload.tags = resolved.jobTags.map((tag) => ({ ...tag }));

    const task = new tasks.LambdaInvoke(this, options.id, {
      stateName: options.stateName,
      comment: 'Creates the Bedrock job, then waits for its result (task token, no polling).',
      lambdaFunction: this.invokeTarget(
        `${options.id}FunctionRef`,
        this.sharedResources.createJobFunction,
      ),
      ...(options.resultPath === undefined ? {} : { resultPath: options.resultPath }),
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject(payload),
      heartbeatTimeout: sfn.Timeout.duration(resolved.heartbeatTimeout),
      taskTimeout: sfn.Timeout.duration(resolved.taskTimeout),
      retryOnServiceExceptions: false,
    });
    addLambdaServiceRetry(task);
    addRetry(task, BATCH_ERROR_NAMES.Throttled, resolved.throttlingRetry);
    addRetry(task, BATCH_ERROR_NAMES.QuotaExceeded, resolved.quotaRetry);
    return task;
  }
}

/**
 * The Parallel state that holds the input-rejecting Fail state. CDK attaches a Parallel's
 * branches only when the state is bound to a state machine, and its validation reports "no
 * branch" before that; this one always has its branch, so a fragment that is created but not
 * (yet) used in a state machine still synthesizes.
 */
class RejectInputParallel extends sfn.Parallel {
  protected override validateState(): string[] {
    return [];
  }
}

/** Retries errors of the Lambda service itself (not of the function) quickly. */
function addLambdaServiceRetry(task: tasks.LambdaInvoke): void {
  task.addRetry({
    errors: LAMBDA_SERVICE_ERRORS,
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

function addRetry(task: tasks.LambdaInvoke, error: string, retry: ResolvedRetry): void {
  if (retry.maxAttempts === 0) return;
  task.addRetry({
    errors: [error],
    interval: retry.interval,
    maxAttempts: retry.maxAttempts,
    backoffRate: retry.backoffRate,
    maxDelay: retry.maxDelay,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

function checkStateNames(id: string): void {
  const longest = Math.max(...Object.values(STATE_SUFFIX).map((suffix) => suffix.length));
  if (id.length + 1 + longest > MAX_STATE_NAME_LENGTH) {
    throw new InvalidPropError(
      'id',
      `must be at most ${MAX_STATE_NAME_LENGTH - 1 - longest} characters: state names derive from it and Step Functions allows ${MAX_STATE_NAME_LENGTH}`,
      id,
    );
  }
}

function checkVpcConfig(
  vpcConfig: BedrockBatchSfnProps['vpcConfig'],
): BedrockBatchSfnProps['vpcConfig'] {
  if (vpcConfig === undefined) return undefined;
  const subnets = vpcConfig.subnets ?? [];
  const groups = vpcConfig.securityGroups ?? [];
  if (subnets.length < 1 || subnets.length > 16) {
    throw new InvalidPropError(
      'vpcConfig.subnets',
      'must hold 1 to 16 subnets',
      `${subnets.length} subnets`,
    );
  }
  if (groups.length < 1 || groups.length > 5) {
    throw new InvalidPropError(
      'vpcConfig.securityGroups',
      'must hold 1 to 5 security groups',
      `${groups.length} security groups`,
    );
  }
  return vpcConfig;
}
