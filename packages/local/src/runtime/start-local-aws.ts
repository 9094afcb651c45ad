import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type {
  BedrockRuntimeClient,
  BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CloudAssembly } from '../assembly/cloud-assembly.js';
import {
  type BedrockEmulator,
  type BedrockEmulatorOptions,
  startBedrockEmulator,
} from '../bedrock/start-bedrock-emulator.js';
import { type Clock, RealTimeClock } from '../clock.js';
import { InvalidOptionError } from '../errors.js';
import { type S3Server, startS3Server } from '../s3/start-s3-server.js';
import type { LocalExecution, LocalStateMachine } from '../stepfunctions/local-state-machine.js';
import {
  type ExecutionDescription,
  type StepFunctionsApi,
  startStepFunctionsApi,
} from '../stepfunctions/step-functions-api.js';
import { TaskTokenRegistry } from '../stepfunctions/task-token-registry.js';
import { type StsServer, startStsServer } from '../sts/start-sts-server.js';
import { LocalApp } from './local-app.js';

/** Options of {@link startLocalAws}. */
interface LocalAwsOptions {
  /**
   * The clock of everything: Bedrock job phases, task timeouts and heartbeats, retries, Wait
   * states, schedules, and the `Date` the functions' code sees.
   * @default new RealTimeClock({ msPerVirtualHour: 1000 }) - a virtual hour per real second idle
   */
  readonly clock?: Clock;
  /**
   * Region of the local resources.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Account id of the local resources.
   * @default '123456789012'
   */
  readonly accountId?: string;
  /**
   * Options of the Bedrock emulator (phase durations, quotas, models, faults, responder, seed).
   * @default {} - the emulator's defaults
   */
  readonly bedrock?: Omit<BedrockEmulatorOptions, 'clock' | 's3Client' | 'region' | 'accountId'>;
  /**
   * Receives every line a local Lambda function prints.
   * @default - lines are kept on each function (`app.functions.get(name).logs`) only
   */
  readonly onLambdaLog?: (functionName: string, line: string) => void;
  /**
   * Seed of the full jitter of Task `Retry` delays: each state machine draws from its own
   * seeded sequence (tasks failing at the same virtual instant draw in the order their failures
   * arrive).
   * @default - no seed: `Math.random`
   */
  readonly retrySeed?: number;
}

/** The local AWS: S3, Bedrock and Step Functions on 127.0.0.1, and the apps loaded into it. */
interface LocalAws {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly s3: S3Server;
  readonly bedrock: BedrockEmulator;
  readonly stepFunctions: StepFunctionsApi;
  /**
   * The STS endpoint (`AssumeRole`) of the functions (`AWS_ENDPOINT_URL_STS`), and the sessions
   * it handed out with their session policies.
   */
  readonly sts: StsServer;
  /** Endpoints, region and credentials that point an unmodified AWS SDK here. */
  readonly env: Readonly<Record<string, string>>;
  readonly apps: readonly LocalApp[];
  /** An S3 client for the local S3. */
  createS3Client(): S3Client;
  /** A Bedrock client for the emulator. */
  createBedrockClient(): BedrockClient;
  /**
   * A Bedrock runtime client (`InvokeModel`, `Converse`) for the emulator; functions reach the
   * same endpoint through `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`.
   */
  createRuntimeClient(overrides?: BedrockRuntimeClientConfig): BedrockRuntimeClient;
  /**
   * Loads a synthesized app (a `cdk.out` folder): creates its buckets, prepares its functions,
   * state machines and rules, and routes the emulator's events to its rules.
   */
  loadApp(assembly: string | CloudAssembly): Promise<LocalApp>;
  /** Stops every app, server and timer; removes the S3 folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** An execution of any loaded app, by ARN. */
function findLocalExecution(
  apps: readonly LocalApp[],
  executionArn: string,
): LocalExecution | undefined {
  for (const app of apps) {
    for (const { machine } of app.stateMachines) {
      const execution = machine.executions.find((e) => e.executionArn === executionArn);
      if (execution !== undefined) return execution;
    }
  }
  return undefined;
}

/** `DescribeExecution` of the local API: the execution of that ARN in any loaded app. */
function findExecution(
  apps: readonly LocalApp[],
  executionArn: string,
): ExecutionDescription | undefined {
  const execution = findLocalExecution(apps, executionArn);
  if (execution === undefined) return undefined;
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startedAt: execution.startedAt,
    ...(execution.stoppedAt === undefined ? {} : { stoppedAt: execution.stoppedAt }),
    input: execution.input,
    ...execution.outcome,
  };
}

/** A state machine of any loaded app, by ARN. */
function findStateMachine(
  apps: readonly LocalApp[],
  stateMachineArn: string,
): LocalStateMachine | undefined {
  for (const app of apps) {
    const found = app.stateMachines.find(({ machine }) => machine.arn === stateMachineArn);
    if (found !== undefined) return found.machine;
  }
  return undefined;
}

/**
 * Starts the local AWS the embedded runtime needs: s3rver, the Bedrock batch emulator and the
 * Step Functions API (task callbacks; `DescribeExecution`, `StartExecution` and `StopExecution`
 * of every loaded app's state machines),
 * all on 127.0.0.1 with free ports, sharing one clock.
 *
 * @example
 * ```ts
 * const local = await startLocalAws({ clock: new RealTimeClock({ msPerVirtualHour: 500 }) });
 * try {
 *   const app = await local.loadApp('cdk.out');
 *   const result = await app.startExecution('Pipeline', input).result;
 *   console.log(result.status, result.output);
 * } finally {
 *   await local.stop();
 * }
 * ```
 */
async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const clock = options.clock ?? new RealTimeClock({ msPerVirtualHour: 1000 });
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  if (options.retrySeed !== undefined && !Number.isInteger(options.retrySeed)) {
    throw new InvalidOptionError('retrySeed', options.retrySeed, 'must be an integer');
  }
  const registry = new TaskTokenRegistry();
  const stoppers: Array<() => Promise<void>> = [];
  const apps: LocalApp[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const app of apps) await app.stop();
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    const s3 = await startS3Server({ region, clock });
    stoppers.push(() => s3.stop());
    const bedrock = await startBedrockEmulator({
      ...options.bedrock,
      clock,
      region,
      accountId,
      s3Client: s3.createClient(),
    });
    stoppers.push(() => bedrock.stop());
    const stepFunctions = await startStepFunctionsApi(registry, {
      clock,
      describeExecution: (executionArn) => findExecution(apps, executionArn),
      startExecution: (stateMachineArn, input, name) => {
        const execution = findStateMachine(apps, stateMachineArn)?.startExecution(input, name);
        return (
          execution && { executionArn: execution.executionArn, startedAt: execution.startedAt }
        );
      },
      stopExecution: (executionArn, error, cause) =>
        findLocalExecution(apps, executionArn)?.abort(error, cause),
    });
    stoppers.push(() => stepFunctions.stop());
    const sts = await startStsServer({ clock, accountId });
    stoppers.push(() => sts.stop());
    bedrock.onEvent((event) => {
      for (const app of apps) app.bus.put(event);
    });
    const env = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_BEDROCK: bedrock.endpoint,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const s3Client = s3.createClient();
    return {
      clock,
      region,
      accountId,
      s3,
      bedrock,
      stepFunctions,
      sts,
      env,
      apps,
      createS3Client: () => s3.createClient(),
      createBedrockClient: () => bedrock.createClient(),
      createRuntimeClient: (overrides) => bedrock.createRuntimeClient(overrides),
      loadApp: async (assembly) => {
        const app = await LocalApp.load(assembly, {
          clock,
          registry,
          s3Client,
          region,
          accountId,
          functionEnvironment: env,
          ...(options.onLambdaLog ? { onLambdaLog: options.onLambdaLog } : {}),
          ...(options.retrySeed !== undefined ? { retrySeed: options.retrySeed } : {}),
        });
        apps.push(app);
        return app;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type { LocalAws, LocalAwsOptions };
export { startLocalAws };
