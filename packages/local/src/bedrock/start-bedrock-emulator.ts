import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockClient, type BedrockClientConfig } from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import {
  type BatchQuotas,
  ContractValidationError,
  type JobStateChangeEvent,
  resolveBatchQuotas,
} from '@bedrock-batch/schema';
import { type Clock, RealTimeClock } from '../clock.js';
import { InvalidOptionError, LocalServerError } from '../errors.js';
import { attachClock } from '../http/attach-clock.js';
import { createDualProtocolServer } from '../http/dual-protocol-server.js';
import { buildJobEvent, EventPublisher, type JobEventListener } from './event-publisher.js';
import { createFaults, type EmulatorFaults, type EmulatorFaultsInput } from './faults.js';
import { createRequestHandler } from './http-handler.js';
import { type EmulatedJob, snapshotJob } from './job.js';
import { JobRunner, type PhaseDurations } from './job-runner.js';
import { JobStore } from './job-store.js';
import { baseModelId, DEFAULT_MODEL_IDS } from './models.js';
import { BedrockOperations } from './operations.js';
import { createRandom, hashString } from './random.js';
import { defaultResponder, type Responder } from './responses.js';
import { RuntimeOperations } from './runtime-operations.js';

/** Options of {@link startBedrockEmulator}. */
interface BedrockEmulatorOptions {
  /**
   * Port on 127.0.0.1; `0` picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * Region in job ARNs and events.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Account id (12 digits) in job ARNs and events.
   * @default '123456789012'
   */
  readonly accountId?: string;
  /**
   * The clock jobs run on. Pass a {@link ManualClock} to step jobs in tests.
   * @default new RealTimeClock({ msPerVirtualHour: 1000 }) - a virtual hour per real second idle
   */
  readonly clock?: Clock;
  /**
   * Virtual milliseconds spent in each phase; zero is allowed.
   * @default { submitted: 30000, validating: 120000, scheduled: 300000, inProgress: 1200000, stopping: 60000 }
   */
  readonly phaseDurations?: Partial<PhaseDurations>;
  /**
   * In how many steps the record counters move across `InProgress` (one step when its duration is 0).
   * @default 4
   */
  readonly progressSteps?: number;
  /**
   * The S3 client the emulator reads input and writes output with (the service role's access).
   * @default - a client from the environment (`AWS_ENDPOINT_URL_S3`, ...), path-style, checksums when required
   */
  readonly s3Client?: S3Client;
  /**
   * Model ids (and inference profile ids) CreateModelInvocationJob accepts; a model ARN is
   * accepted when its id is listed.
   * @default DEFAULT_MODEL_IDS
   */
  readonly modelIds?: readonly string[];
  /**
   * Quotas for every model: records per job (min and max), records and bytes per file, bytes per
   * job, jobs in flight per model.
   * @default DEFAULT_BATCH_QUOTAS of @bedrock-batch/schema
   */
  readonly quotas?: Partial<BatchQuotas>;
  /**
   * Quota overrides per model id (exact id first, then the base model id without `us.`/`eu.`).
   * @default {}
   */
  readonly modelQuotas?: Readonly<Record<string, Partial<BatchQuotas>>>;
  /**
   * Timeout of a job created without `timeoutDurationInHours` (24 to 168).
   * @default 168
   */
  readonly defaultTimeoutHours?: number;
  /**
   * Page size of ListModelInvocationJobs when the request has no `maxResults` (1 to 1000).
   * @default 100
   */
  readonly listPageSize?: number;
  /**
   * Decides the text of each response.
   * @default defaultResponder - a deterministic sentence derived from the prompt
   */
  readonly responder?: Responder;
  /**
   * Seed of everything random but job ids: output line order, injected record errors, event and
   * throttling faults.
   * @default 1
   */
  readonly seed?: number;
  /**
   * Initial faults; the live object is `emulator.faults`.
   * @default no faults
   */
  readonly faults?: EmulatorFaultsInput;
}

/** Read access to the emulator's jobs (copies). */
interface EmulatorJobs {
  /** A job by id or ARN. */
  get(jobIdOrArn: string): EmulatedJob | undefined;
  /** Every job, oldest first. */
  list(): EmulatedJob[];
  /** How many jobs exist. */
  readonly size: number;
}

/** One API call the emulator answered. */
interface EmulatorCall {
  readonly operation: string;
  readonly statusCode: number;
  readonly errorType?: string;
  /** The access key id that signed the call (of a local STS session, for the on-demand calls). */
  readonly accessKeyId?: string;
  /** The model a runtime call (`InvokeModel`, `Converse`) named. */
  readonly modelId?: string;
}

/** A running Bedrock batch emulator, see {@link startBedrockEmulator}. */
interface BedrockEmulator {
  /** Base URL, `http://127.0.0.1:<port>`; use as `endpoint` or `AWS_ENDPOINT_URL_BEDROCK`. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /**
   * `{ AWS_ENDPOINT_URL_BEDROCK, AWS_ENDPOINT_URL_BEDROCK_RUNTIME }` (both `endpoint`: one server
   * serves the control plane and the runtime API), for processes that use an unmodified SDK.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The clock jobs run on. */
  readonly clock: Clock;
  /** The live faults: change them at any time. */
  readonly faults: EmulatorFaults;
  /** The jobs, for inspection. */
  readonly jobs: EmulatorJobs;
  /** Job state change events delivered so far, in delivery order. */
  readonly events: readonly JobStateChangeEvent[];
  /** Events the faults dropped. */
  readonly droppedEvents: readonly JobStateChangeEvent[];
  /** Every API call answered, in order. */
  readonly calls: readonly EmulatorCall[];
  /** Subscribes to job state change events; returns the unsubscribe function. */
  onEvent(listener: JobEventListener): () => void;
  /** A BedrockClient for this emulator (endpoint, region, dummy credentials). */
  createClient(overrides?: BedrockClientConfig): BedrockClient;
  /**
   * A BedrockRuntimeClient for this emulator's runtime API (`InvokeModel`, `Converse`): endpoint,
   * region, dummy credentials. Pass `{ maxAttempts: 1 }` to see injected faults without retries.
   */
  createRuntimeClient(overrides?: BedrockRuntimeClientConfig): BedrockRuntimeClient;
  /** Stops the server and every job timer. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_PHASES: PhaseDurations = {
  submitted: 30_000,
  validating: 120_000,
  scheduled: 300_000,
  inProgress: 1_200_000,
  stopping: 60_000,
};

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(name, value, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function resolvePhases(input: Partial<PhaseDurations> = {}): PhaseDurations {
  const phases = { ...DEFAULT_PHASES };
  for (const [key, value] of Object.entries(input)) {
    if (!(key in DEFAULT_PHASES)) {
      throw new InvalidOptionError(
        `phaseDurations.${key}`,
        value,
        'is not a phase (submitted, validating, scheduled, inProgress, stopping)',
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InvalidOptionError(
        `phaseDurations.${key}`,
        value,
        'must be a number of milliseconds >= 0',
      );
    }
    phases[key as keyof PhaseDurations] = value;
  }
  return phases;
}

function quotasResolver(
  quotas: Partial<BatchQuotas> | undefined,
  modelQuotas: Readonly<Record<string, Partial<BatchQuotas>>>,
): (modelId: string) => BatchQuotas {
  const resolve = (name: string, overrides: Partial<BatchQuotas>): BatchQuotas => {
    try {
      return resolveBatchQuotas(overrides);
    } catch (error) {
      if (error instanceof ContractValidationError) {
        throw new InvalidOptionError(name, overrides, error.message, { cause: error });
      }
      throw error;
    }
  };
  const base = resolve('quotas', quotas ?? {});
  const perModel = new Map<string, BatchQuotas>();
  for (const [modelId, overrides] of Object.entries(modelQuotas)) {
    perModel.set(modelId, resolve(`modelQuotas.${modelId}`, { ...quotas, ...overrides }));
  }
  return (modelId) => perModel.get(modelId) ?? perModel.get(baseModelId(modelId)) ?? base;
}

function defaultS3Client(region: string): S3Client {
  return new S3Client({
    region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Starts the Bedrock batch inference emulator: an HTTP server on 127.0.0.1 that the unmodified
 * `@aws-sdk/client-bedrock` talks to (REST-JSON, same paths, errors and timestamps as the
 * service). Jobs are validated like the service does, run through every status on the clock,
 * read their input and write their output through the S3 API, and emit state change events.
 *
 * @param options - see {@link BedrockEmulatorOptions}; every option has a default
 * @returns the running emulator; call `stop()` when done
 * @throws InvalidOptionError when an option is invalid
 * @throws LocalServerError when the server cannot listen
 *
 * @example
 * ```ts
 * const s3 = await startS3Server({ buckets: ['batch'] });
 * const bedrock = await startBedrockEmulator({ s3Client: s3.createClient(), clock: new ManualClock() });
 * const client = bedrock.createClient();
 * const { jobArn } = await client.send(new CreateModelInvocationJobCommand({ ... }));
 * bedrock.onEvent((event) => console.log(event.detail.status));
 * ```
 */
async function startBedrockEmulator(
  options: BedrockEmulatorOptions = {},
): Promise<BedrockEmulator> {
  const region = options.region ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new InvalidOptionError('region', region, 'must be an AWS Region name such as us-east-1');
  }
  const accountId = options.accountId ?? '123456789012';
  if (!/^[0-9]{12}$/.test(accountId))
    throw new InvalidOptionError('accountId', accountId, 'must be 12 digits');
  const port = checkInteger('port', options.port ?? 0, 0, 65_535);
  const progressSteps = checkInteger('progressSteps', options.progressSteps ?? 4, 1, 10_000);
  const defaultTimeoutHours = checkInteger(
    'defaultTimeoutHours',
    options.defaultTimeoutHours ?? 168,
    24,
    168,
  );
  const listPageSize = checkInteger('listPageSize', options.listPageSize ?? 100, 1, 1000);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new InvalidOptionError('seed', seed, 'must be an integer');
  const modelIds = options.modelIds ?? DEFAULT_MODEL_IDS;
  if (
    !Array.isArray(modelIds) ||
    modelIds.length === 0 ||
    modelIds.some((m) => typeof m !== 'string' || m === '')
  ) {
    throw new InvalidOptionError('modelIds', modelIds, 'must be a non-empty list of model ids');
  }
  if (options.responder !== undefined && typeof options.responder !== 'function') {
    throw new InvalidOptionError('responder', options.responder, 'must be a function');
  }
  const phaseDurations = resolvePhases(options.phaseDurations);
  const quotasFor = quotasResolver(options.quotas, options.modelQuotas ?? {});
  const faults = createFaults(options.faults);
  const clock = options.clock ?? new RealTimeClock({ msPerVirtualHour: 1000 });
  const s3 = options.s3Client ?? defaultS3Client(region);

  const responder = options.responder ?? defaultResponder;
  const store = new JobStore();
  const publisher = new EventPublisher(clock, faults, createRandom(hashString(`${seed}:events`)));
  const runner = new JobRunner({
    clock,
    s3,
    faults,
    seed,
    phaseDurations,
    progressSteps,
    responder,
    quotasFor,
    onStatusChange: (job) => publisher.publish(buildJobEvent(job, accountId, region, clock.now())),
  });
  const operations = new BedrockOperations({
    store,
    runner,
    clock,
    region,
    accountId,
    modelIds: new Set(modelIds),
    defaultTimeoutHours,
    listPageSize,
    faults,
    quotasFor,
  });
  const calls: EmulatorCall[] = [];
  const runtime = {
    operations: new RuntimeOperations({ modelIds: new Set(modelIds), responder }),
    random: createRandom(hashString(`${seed}:runtime`)),
  };
  const server = createDualProtocolServer(
    createRequestHandler(
      operations,
      faults,
      createRandom(hashString(`${seed}:throttle`)),
      (call) => calls.push(call),
      runtime,
    ),
  );
  attachClock(server.http1, clock);
  attachClock(server.http2 as unknown as HttpServer, clock);
  try {
    await new Promise<void>((resolve, reject) => {
      server.net.once('error', reject);
      server.net.listen(port, '127.0.0.1', () => {
        server.net.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    throw new LocalServerError(
      `The Bedrock emulator could not listen on 127.0.0.1:${port}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const endpoint = `http://127.0.0.1:${(server.net.address() as AddressInfo).port}`;
  const idOf = (jobIdOrArn: string): string => jobIdOrArn.slice(jobIdOrArn.lastIndexOf('/') + 1);
  let stopped: Promise<void> | undefined;

  return {
    endpoint,
    region,
    accountId,
    env: { AWS_ENDPOINT_URL_BEDROCK: endpoint, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoint },
    clock,
    faults,
    jobs: {
      get: (jobIdOrArn) => {
        const job = store.get(idOf(jobIdOrArn));
        return job === undefined ? undefined : snapshotJob(job);
      },
      list: () => store.all().map(snapshotJob),
      get size() {
        return store.all().length;
      },
    },
    events: publisher.delivered,
    droppedEvents: publisher.dropped,
    calls,
    onEvent: (listener) => publisher.subscribe(listener),
    createClient: (overrides = {}) =>
      new BedrockClient({
        endpoint,
        region,
        credentials: { accessKeyId: 'EMULATOR', secretAccessKey: 'EMULATOR' },
        ...overrides,
      }),
    createRuntimeClient: (overrides = {}) =>
      new BedrockRuntimeClient({
        endpoint,
        region,
        credentials: { accessKeyId: 'EMULATOR', secretAccessKey: 'EMULATOR' },
        ...overrides,
      }),
    stop: () => {
      stopped ??= (async () => {
        runner.dispose();
        publisher.stop();
        if (options.s3Client === undefined) s3.destroy();
        await server.close();
      })();
      return stopped;
    },
  };
}

export type { BedrockEmulator, BedrockEmulatorOptions, EmulatorCall, EmulatorJobs };
export { startBedrockEmulator };
