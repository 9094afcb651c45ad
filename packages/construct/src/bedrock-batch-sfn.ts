import {
  Duration,
  type aws_iam as iam,
  aws_lambda as lambda,
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
} as const;

/**
 * Runs Amazon Bedrock batch inference from a Step Functions state machine: one batch job per
 * manifest key, at most `maxConcurrency` at a time, each waited for with a task token (no
 * polling state, no cost while waiting). A drop-in replacement of `BedrockBatchSfn` from
 * `@cdklabs/generative-ai-cdk-constructs`: same props, same input, a superset of its output.
 *
 * - Input (`BatchFragmentInputSchema` in `@bedrock-batch/schema`):
 *   `{ job_name, manifest_keys: [...], model_id, model_invocation_type? }` at `inputPath`.
 * - Output (`BatchJobResultSchema`): an array with one result per manifest key, at `resultPath`.
 * - Errors (`BatchErrorName`): `Failed`, `Stopped`, `Expired`, `BedrockBatch.NoOutput`,
 *   `BedrockBatch.InvalidInput`, `BedrockBatch.ValidationException`, `BedrockBatch.AccessDenied`,
 *   `BedrockBatch.Throttled`, `BedrockBatch.QuotaExceeded` (after retries), `States.Timeout`,
 *   `States.HeartbeatTimeout`. Catch them all with {@link BedrockBatchSfn.addCatch}.
 *
 * The stack gets one set of shared resources however many fragments it holds: the create-job,
 * job-event and reconcile functions, the job-state rule and the reconcile schedule.
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
      outputBucket: props.bedrockBatchOutputBucket,
      outputPrefix: resolved.outputPrefix,
      outputKeys,
    });

    this.createJobTask = this.buildTask(id, props, resolved);
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
          'The BedrockBatchSfn input needs job_name, model_id and at least one manifest_keys entry (see BatchFragmentInputSchema in @bedrock-batch/schema).',
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
    const check = new sfn.Choice(this, 'CheckInput', {
      stateName: `${id} ${STATE_SUFFIX.check}`,
      comment: 'An empty manifest_keys would make the Map succeed with no job: reject it.',
    })
      .when(sfn.Condition.and(...required, present('model_invocation_type')), this.mapState)
      .when(sfn.Condition.and(...required), defaultType.next(this.mapState))
      .otherwise(this.rejectInputState);

    this.startState = check;
    this.endStates = [this.mapState, this.rejectInputState];
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

  /**
   * Routes every failure of the fragment to `handler`: a failed, stopped or expired job, a job
   * that could not be created, a timeout, and an input rejected as `BedrockBatch.InvalidInput`.
   * The Catch is added to each state of the fragment that can fail (the Map and the input
   * rejection). Without a `resultPath`, the handler receives `{ "Error": ..., "Cause": ... }`.
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
    return this;
  }

  private buildTask(
    id: string,
    props: BedrockBatchSfnProps,
    resolved: ResolvedProps,
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
      fragmentId: this.node.addr,
      'jobName.$': '$.job_name',
      'manifestKeys.$': '$.manifest_keys',
      'modelId.$': '$.model_id',
      roleArn: this.role.roleArn,
      inputDataConfig: {
        s3InputDataConfig: {
          's3Uri.$': `States.Format('s3://${props.bedrockBatchInputBucket.bucketName}/{}', $.manifest_key)`,
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

    // The task invokes the unqualified function ARN only, so the state machine's role needs
    // lambda:InvokeFunction on that ARN alone, not on `<arn>:*` (every version and alias),
    // which cdk-nag would report on the user's state machine as AwsSolutions-IAM5.
    const target = lambda.Function.fromFunctionAttributes(this, 'CreateJobFunctionRef', {
      functionArn: this.sharedResources.createJobFunction.functionArn,
      sameEnvironment: true,
    });
    Object.defineProperty(target, 'resourceArnsForGrantInvoke', { value: [target.functionArn] });
    const task = new tasks.LambdaInvoke(this, 'CreateJob', {
      stateName: `${id} ${STATE_SUFFIX.task}`,
      comment: 'Creates the Bedrock job, then waits for its result (task token, no polling).',
      lambdaFunction: target,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject(payload),
      heartbeatTimeout: sfn.Timeout.duration(resolved.heartbeatTimeout),
      taskTimeout: sfn.Timeout.duration(resolved.taskTimeout),
      retryOnServiceExceptions: false,
    });
    task.addRetry({
      errors: LAMBDA_SERVICE_ERRORS,
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
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
