import { randomBytes } from 'node:crypto';
import { StopModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { reviewManifest } from '../demo/sample-reviews.js';
import { SmokeRunError } from './errors.js';
import {
  checkExecution,
  checkNothingInFlight,
  checkOutputFiles,
  jobsInFlight,
  listRunJobs,
  type SmokeCheck,
} from './smoke-checks.js';
import { SMOKE_STACK_NAME } from './smoke-stack.js';
import type { SmokeDeployment, SmokeTarget } from './smoke-target.js';

/** The model of the smoke test: inexpensive, supports batch inference, Claude messages input. */
const SMOKE_MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';

/** Options of {@link runSmoke}. */
interface RunSmokeOptions {
  /**
   * Records in the manifest (Bedrock's minimum per job is 100 for most models).
   * @default 100
   */
  readonly records?: number;
  /** @default SMOKE_MODEL_ID */
  readonly modelId?: string;
  /**
   * Time between two polls of the execution (real time on AWS, virtual time locally).
   * @default 60_000
   */
  readonly pollMs?: number;
  /**
   * How long to wait for the execution to end before giving up (the state machine's own timeout
   * is 26 hours).
   * @default 27 hours
   */
  readonly maxWaitMs?: number;
  /**
   * Makes the run's names unique (letters and digits).
   * @default - 8 random hexadecimal digits
   */
  readonly runId?: string;
  /** Aborting it stops waiting; the run then cleans up and destroys the stack. */
  readonly signal?: AbortSignal;
  /** @default process.stdout.write */
  readonly write?: (text: string) => void;
}

/** What a smoke run found. */
interface SmokeReport {
  /** Whether every check passed. */
  readonly passed: boolean;
  readonly checks: readonly SmokeCheck[];
}

/** Polls the execution until it is no longer RUNNING, printing the run's job status changes. */
async function waitForExecution(
  deployment: SmokeDeployment,
  executionArn: string,
  executionName: string,
  options: { pollMs: number; maxWaitMs: number; signal?: AbortSignal; say(line: string): void },
): Promise<DescribeExecutionCommandOutput> {
  const seen = new Map<string, string>();
  for (let waited = 0; ; waited += options.pollMs) {
    const described = await deployment.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn }),
      { abortSignal: options.signal },
    );
    for (const job of await listRunJobs(deployment.clients.bedrock, executionName)) {
      const line = `${job.status} (${job.processedRecordCount ?? 0}/${job.totalRecordCount ?? '?'} records)`;
      if (seen.get(job.jobName ?? '') === line) continue;
      seen.set(job.jobName ?? '', line);
      options.say(`  job ${job.jobName}: ${line}`);
    }
    if (described.status !== 'RUNNING') return described;
    if (waited >= options.maxWaitMs) {
      throw new SmokeRunError(
        `The execution did not end within ${options.maxWaitMs / 60_000} minutes of polling`,
        described.status,
      );
    }
    await deployment.sleep(options.pollMs, options.signal);
  }
}

/**
 * Stops what a run that did not finish left running: the execution, and the run's Bedrock jobs
 * still in flight (a job outliving its stack would keep billing). Returns what it stopped.
 */
async function stopLeftovers(
  deployment: SmokeDeployment,
  executionArn: string | undefined,
  executionName: string,
): Promise<string[]> {
  const stopped: string[] = [];
  const { sfn, bedrock } = deployment.clients;
  if (executionArn !== undefined) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status === 'RUNNING') {
      await sfn.send(
        new StopExecutionCommand({ executionArn, error: 'Smoke.Stopped', cause: 'clean-up' }),
      );
      stopped.push(`execution ${executionArn}`);
    }
  }
  for (const job of jobsInFlight(await listRunJobs(bedrock, executionName))) {
    if (job.status === 'Stopping') continue;
    await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: job.jobArn }));
    stopped.push(`job ${job.jobName} (${job.status})`);
  }
  return stopped;
}

/**
 * The smoke test, the same on every target: deploys the smoke stack, uploads a manifest of
 * `records` generated reviews, starts the state machine with the SDK, polls it until it ends,
 * checks the result (succeeded, one job `Completed` with every record, output files in S3) and
 * that no job of the run is left in flight (`ListModelInvocationJobs`). Whatever happens (a
 * failed check, an error, an abort), it then stops what is still running and destroys the stack.
 *
 * @throws the first error of deploying, calling a service or polling, after cleaning up
 *
 * @example
 * ```ts
 * const report = await runSmoke(localTarget(), { write: (text) => process.stdout.write(text) });
 * process.exitCode = report.passed ? 0 : 1;
 * ```
 */
async function runSmoke(target: SmokeTarget, options: RunSmokeOptions = {}): Promise<SmokeReport> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const say = (line: string) => write(`${line}\n`);
  const records = options.records ?? 100;
  const pollMs = options.pollMs ?? 60_000;
  const runId = options.runId ?? randomBytes(4).toString('hex');
  // The execution's name is in its jobs' names (`smoke-<execution name>-0`): it finds them.
  const executionName = `smoke${runId}`;
  const checks: SmokeCheck[] = [];
  const record = (...made: SmokeCheck[]): void => {
    for (const one of made) {
      checks.push(one);
      say(`${one.passed ? 'PASS' : 'FAIL'} ${one.name}: ${one.detail}`);
    }
  };
  let deployment: SmokeDeployment | undefined;
  let executionArn: string | undefined;
  try {
    say(`Deploying ${SMOKE_STACK_NAME} (${target.name}) ...`);
    deployment = await target.deploy();
    const { s3, sfn } = deployment.clients;
    const key = `smoke/${runId}/records.jsonl`;
    await s3.send(
      new PutObjectCommand({
        Bucket: deployment.bucketName,
        Key: key,
        Body: reviewManifest(1, records),
      }),
    );
    say(`Uploaded ${records} records to s3://${deployment.bucketName}/${key}`);
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deployment.stateMachineArn,
        name: executionName,
        input: JSON.stringify({
          job_name: 'smoke',
          manifest_keys: [key],
          model_id: options.modelId ?? SMOKE_MODEL_ID,
        }),
      }),
    );
    executionArn = started.executionArn ?? '';
    say(`Started ${executionArn}; polling every ${pollMs / 1000} s`);
    const ended = await waitForExecution(deployment, executionArn, executionName, {
      pollMs,
      maxWaitMs: options.maxWaitMs ?? 27 * 3_600_000,
      say,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { checks: executionChecks, results } = checkExecution(ended, records);
    record(...executionChecks);
    if (results.length > 0) record(await checkOutputFiles(s3, results));
    record(checkNothingInFlight(await listRunJobs(deployment.clients.bedrock, executionName)));
  } finally {
    try {
      if (deployment !== undefined) {
        const stopped = await stopLeftovers(deployment, executionArn, executionName);
        if (stopped.length > 0) say(`Stopped what was left running: ${stopped.join(', ')}`);
      }
    } catch (error) {
      record({ name: 'clean-up', passed: false, detail: (error as Error).message });
    } finally {
      for (const client of Object.values(deployment?.clients ?? {})) client.destroy();
      say(`Destroying ${SMOKE_STACK_NAME} (${target.name}) ...`);
      await target.destroy();
      say(`Destroyed ${SMOKE_STACK_NAME} (${target.name}).`);
    }
  }
  return { passed: checks.length > 0 && checks.every((c) => c.passed), checks };
}

export type { RunSmokeOptions, SmokeReport };
export { runSmoke, SMOKE_MODEL_ID };
