import { existsSync, rmSync } from 'node:fs';
import { CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import type { LocalApp } from '../../../src/runtime/local-app.js';
import { type LocalAws, startLocalAws } from '../../../src/runtime/start-local-aws.js';
import { synthTestApp } from '../../helpers/synth-test-app.js';

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Runtime: a synthesized app on the local AWS', () => {
  let outdir: string;
  let clock: ManualClock;
  let local: LocalAws;
  let app: LocalApp;

  beforeAll(async () => {
    outdir = synthTestApp();
    clock = new ManualClock();
    local = await startLocalAws({
      clock,
      bedrock: {
        quotas: { minRecordsPerJob: 1 },
        phaseDurations: {
          submitted: 1000,
          validating: 1000,
          scheduled: 1000,
          inProgress: 1000,
          stopping: 1000,
        },
      },
    });
    app = await local.loadApp(outdir);
  }, 60_000);

  afterAll(async () => {
    await local?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  /** A real SFNClient for the local Step Functions API, without retries. */
  function sfnClient(): SFNClient {
    return new SFNClient({
      endpoint: local.stepFunctions.endpoint,
      region: local.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  it('loads the functions, state machines, rules and buckets of the template', () => {
    expect(app.functions.size).toBe(4);
    expect(app.stateMachines.map((sm) => sm.path).sort()).toEqual([
      'LocalTest/Answered',
      'LocalTest/Unanswered',
    ]);
    expect(app.rules).toHaveLength(2);
    expect(app.buckets).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^localtest-data[a-z0-9]+$/),
        path: 'LocalTest/Data',
      }),
    ]);
  });

  it('fails with the names it knows when a state machine is not found', () => {
    expect(() => app.stateMachine('Nope')).toThrow(
      'No state machine "Nope" in the app; it has: LocalTest/Answered, LocalTest/Unanswered.',
    );
  });

  it('completes a waitForTaskToken task when its Lambda calls SendTaskSuccess', async () => {
    // Act
    const result = await app.startExecution('LocalTest/Answered', { value: 'hello', fail: false })
      .result;
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ echo: 'hello' });
    const types = result.history.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'ExecutionStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'ExecutionSucceeded',
      ]),
    );
    expect(local.stepFunctions.calls.SendTaskSuccess).toBeGreaterThanOrEqual(1);
  });

  it('gives concurrent tasks their own tokens', async () => {
    const values = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(
      values.map(
        (value) => app.startExecution('LocalTest/Answered', { value, fail: false }).result,
      ),
    );
    expect(results.map((r) => r.output)).toEqual(values.map((value) => ({ echo: value })));
  });

  it('fails the task with the error and cause of SendTaskFailure', async () => {
    const result = await app.startExecution('LocalTest/Answered', { value: 'x', fail: true })
      .result;
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'Custom.Failure',
      cause: 'asked to fail',
    });
  });

  it('times a callback task out when no heartbeat arrives within HeartbeatSeconds', async () => {
    // Prepare
    const silent = [...app.functions.values()].find((fn) => fn.name.includes('Silent'));
    const before = silent?.invocations ?? 0;
    const execution = app.startExecution('LocalTest/Unanswered', {});
    await until(() => (silent?.invocations ?? 0) > before, 'the silent function');
    // Act
    await clock.advance(59_000);
    expect(execution.running).toBe(true);
    await clock.advance(2_000);
    const result = await execution.result;
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ failure: { Error: 'States.HeartbeatTimeout' } });
  });

  it("answers DescribeExecution for the loaded apps' executions, final once result resolves", async () => {
    // Prepare
    const sfn = sfnClient();
    const describe = (executionArn: string) =>
      sfn.send(new DescribeExecutionCommand({ executionArn }));
    try {
      const silent = [...app.functions.values()].find((fn) => fn.name.includes('Silent'));
      const before = silent?.invocations ?? 0;
      const waiting = app.startExecution('LocalTest/Unanswered', { n: 1 }, 'describe-me');
      await until(() => (silent?.invocations ?? 0) > before, 'the silent function');

      // Act
      const running = await describe(waiting.executionArn);
      waiting.abort();
      // The status as seen the moment result resolves (finish sets it before settling).
      const aborted = await waiting.result.then(() => waiting.status);
      const afterAbort = await describe(waiting.executionArn);
      const answered = app.startExecution('LocalTest/Answered', { value: 'v', fail: false });
      await answered.result;
      const succeeded = await describe(answered.executionArn);

      // Assess
      expect(running).toMatchObject({
        executionArn: waiting.executionArn,
        stateMachineArn: app.stateMachine('LocalTest/Unanswered').arn,
        name: 'describe-me',
        status: 'RUNNING',
        startDate: new Date(waiting.startedAt),
        input: '{"n":1}',
      });
      expect(running.stopDate).toBeUndefined();
      expect(aborted).toBe('ABORTED');
      expect(afterAbort).toMatchObject({ status: 'ABORTED', stopDate: new Date(clock.now()) });
      expect(succeeded).toMatchObject({ status: 'SUCCEEDED', output: '{"echo":"v"}' });
      await expect(
        describe(waiting.executionArn.replace('describe-me', 'never-started')),
      ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    } finally {
      sfn.destroy();
    }
  });

  it("starts and stops the loaded apps' executions through StartExecution and StopExecution", async () => {
    // Prepare
    const sfn = sfnClient();
    const executionOf = (id: string, executionArn = '') => {
      const found = app.stateMachine(id).executions.find((e) => e.executionArn === executionArn);
      if (found === undefined) throw new Error(`no execution ${executionArn} of ${id}`);
      return found;
    };
    try {
      // Act
      const answered = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: app.stateMachine('LocalTest/Answered').arn,
          name: 'started-by-sdk',
          input: JSON.stringify({ value: 'w', fail: false }),
        }),
      );
      await executionOf('LocalTest/Answered', answered.executionArn).result;
      const waiting = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: app.stateMachine('LocalTest/Unanswered').arn,
        }),
      );
      await sfn.send(
        new StopExecutionCommand({ executionArn: waiting.executionArn, error: 'Stopped.ByTest' }),
      );
      const stopped = await executionOf('LocalTest/Unanswered', waiting.executionArn).result;

      // Assess
      expect(answered.executionArn).toBe(
        `${app.stateMachine('LocalTest/Answered').arn.replace(':stateMachine:', ':execution:')}:started-by-sdk`,
      );
      await expect(
        sfn.send(new DescribeExecutionCommand({ executionArn: answered.executionArn })),
      ).resolves.toMatchObject({ status: 'SUCCEEDED', output: '{"echo":"w"}' });
      expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Stopped.ByTest' });
    } finally {
      sfn.destroy();
    }
  });

  it("delivers the emulator's job events to the rule's function, filtered by its pattern", async () => {
    // Prepare
    const bucket = app.bucket('LocalTest/Data').name;
    const s3 = local.createS3Client();
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'in/records.jsonl',
        Body: '{"recordId":"r1","modelInput":{"inputText":"hello"}}\n',
      }),
    );
    const sink = [...app.functions.values()].find((fn) => fn.name.includes('Sink'));
    // Act
    await local.createBedrockClient().send(
      new CreateModelInvocationJobCommand({
        jobName: 'rule-test',
        modelId: 'amazon.titan-embed-text-v2:0',
        roleArn: 'arn:aws:iam::123456789012:role/BatchRole',
        inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${bucket}/in/records.jsonl` } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${bucket}/out/` } },
      }),
    );
    await clock.advance(10_000);
    await until(() => (sink?.logs.length ?? 0) > 0, 'the sink function to log');
    // Assess: only the terminal event matches the rule's status filter.
    const received = (sink?.logs ?? []).map((line) => JSON.parse(line));
    expect(received).toEqual([
      {
        source: 'aws.bedrock',
        detailType: 'Batch Inference Job State Change',
        status: 'Completed',
        env: 'bedrock-events',
      },
    ]);
    expect(local.bedrock.events.length).toBeGreaterThan(1);
  });

  it('fires a schedule rule on the clock', async () => {
    const ticker = [...app.functions.values()].find((fn) => fn.name.includes('Ticker'));
    const before = ticker?.invocations ?? 0;
    await clock.advance(10 * 60_000);
    expect((ticker?.invocations ?? 0) - before).toBe(2);
    const lastLine = JSON.parse(ticker?.logs.at(-1) ?? '{}');
    expect(lastLine).toEqual({
      source: 'aws.events',
      detailType: 'Scheduled Event',
      status: null,
      env: 'schedule',
    });
  });

  it('keeps each function in its own environment', () => {
    const envs = [...app.functions.values()]
      .flatMap((fn) => fn.logs.map((line) => JSON.parse(line).env))
      .filter((env) => env !== undefined);
    expect(new Set(envs)).toEqual(new Set(['bedrock-events', 'schedule']));
  });
});

describe('Function: startLocalAws options', () => {
  it('removes what it created on stop: the S3 folder, and no timer or work is left', async () => {
    // Prepare
    const clock = new ManualClock();
    const local = await startLocalAws({ clock });
    const folder = local.s3.directory;
    const existed = existsSync(folder);

    // Act
    await local.stop();

    // Assess
    expect(existed).toBe(true);
    expect(existsSync(folder)).toBe(false);
    expect(clock.busy).toBe(false);
  });

  it('rejects a retrySeed that is not an integer with InvalidOptionError, starting nothing', async () => {
    // Act / Assess
    await expect(startLocalAws({ clock: new ManualClock(), retrySeed: 1.5 })).rejects.toThrow(
      'Invalid option retrySeed: must be an integer (received: 1.5)',
    );
  });
});
