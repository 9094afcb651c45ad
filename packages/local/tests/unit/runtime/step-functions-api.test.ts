import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ExecutionDescription,
  type StepFunctionsApi,
  startStepFunctionsApi,
} from '../../../src/stepfunctions/step-functions-api.js';
import { TaskTokenRegistry } from '../../../src/stepfunctions/task-token-registry.js';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1';

/** A real SFNClient for the API, without retries, so each call reaches it once. */
function clientOf(api: StepFunctionsApi): SFNClient {
  return new SFNClient({
    endpoint: api.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** The error a call fails with (its HTTP status in `$metadata`); throws when it succeeds. */
async function errorOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('Step Functions callback API (real SFNClient)', () => {
  const registry = new TaskTokenRegistry();
  let api: StepFunctionsApi;
  let sfn: SFNClient;

  beforeAll(async () => {
    api = await startStepFunctionsApi(registry);
    sfn = clientOf(api);
  });

  afterAll(async () => {
    sfn.destroy();
    await api.stop();
  });

  function open(onHeartbeat: () => void = () => {}) {
    return registry.open({ executionArn: EXECUTION, stateName: 'Task', onHeartbeat });
  }

  it('binds to 127.0.0.1', () => {
    expect(api.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('issues long, distinct tokens that fit Bedrock tag characters', () => {
    const a = open();
    const b = open();
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThan(512);
    expect(a.token.length).toBeLessThanOrEqual(2048);
    expect(a.token).toMatch(/^[A-Za-z0-9+/=]+$/);
    registry.close(a.token, 'done');
    registry.close(b.token, 'done');
  });

  it('completes a task with SendTaskSuccess and its JSON output', async () => {
    const { token, result } = open();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"answer":42}' }));
    await expect(result).resolves.toEqual({ answer: 42 });
  });

  it('fails a task with SendTaskFailure, keeping error and cause', async () => {
    const { token, result } = open();
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'Failed', cause: 'quota' }),
    );
    const failure = await errorOf(result);
    expect(failure.name).toBe('Failed');
    expect(failure.message).toBe('quota');
  });

  it('passes heartbeats to the waiting task', async () => {
    let beats = 0;
    const { token } = open(() => {
      beats += 1;
    });
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    expect(beats).toBe(2);
    registry.close(token, 'done');
  });

  it('rejects a second answer with TaskDoesNotExist', async () => {
    const { token, result } = open();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await result;
    const error = await errorOf(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    );
    expect(error.name).toBe('TaskDoesNotExist');
  });

  it('rejects a timed-out token with TaskTimedOut', async () => {
    const { token, result } = open();
    registry.close(
      token,
      'timed-out',
      Object.assign(new Error('late'), { name: 'States.Timeout' }),
    );
    await expect(result).rejects.toThrow('late');
    const error = await errorOf(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token })));
    expect(error.name).toBe('TaskTimedOut');
  });

  it('rejects a token it never issued with InvalidToken', async () => {
    const error = await errorOf(
      sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'AQnotatoken' })),
    );
    expect(error.name).toBe('InvalidToken');
  });

  it('rejects output that is not JSON with InvalidOutput and keeps the task waiting', async () => {
    const { token, result } = open();
    const error = await errorOf(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })),
    );
    expect(error.name).toBe('InvalidOutput');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));
    await expect(result).resolves.toBe('ok');
  });

  it('rejects DescribeExecution with ExecutionDoesNotExist when no lookup was given', async () => {
    const error = await errorOf(
      sfn.send(new DescribeExecutionCommand({ executionArn: EXECUTION })),
    );
    expect(error.name).toBe('ExecutionDoesNotExist');
  });

  it('closes every token of an ended execution', async () => {
    const { token, result } = open();
    registry.closeExecution(
      EXECUTION,
      Object.assign(new Error('aborted'), { name: 'Execution.Ended' }),
    );
    await expect(result).rejects.toThrow('aborted');
    const error = await errorOf(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    );
    expect(error.name).toBe('TaskDoesNotExist');
  });
});

describe('Step Functions API: DescribeExecution (real SFNClient)', () => {
  const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:sm';
  const started = Date.parse('2026-01-01T00:00:00.000Z');
  const executions = new Map<string, ExecutionDescription>([
    [
      `${EXECUTION}`,
      {
        executionArn: EXECUTION,
        stateMachineArn: machineArn,
        name: 'run-1',
        status: 'RUNNING',
        startedAt: started,
        input: { job_name: 'reviews' },
      },
    ],
    [
      'arn:aws:states:us-east-1:123456789012:execution:sm:run-2',
      {
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-2',
        stateMachineArn: machineArn,
        name: 'run-2',
        status: 'SUCCEEDED',
        startedAt: started,
        stoppedAt: started + 90_500,
        input: { job_name: 'reviews' },
        output: [{ status: 'Completed' }],
      },
    ],
    [
      'arn:aws:states:us-east-1:123456789012:execution:sm:run-3',
      {
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-3',
        stateMachineArn: machineArn,
        name: 'run-3',
        status: 'FAILED',
        startedAt: started,
        stoppedAt: started + 1_000,
        input: {},
        error: 'BedrockBatch.InvalidInput',
        cause: 'manifest_keys: empty',
      },
    ],
  ]);
  let api: StepFunctionsApi;
  let sfn: SFNClient;

  beforeAll(async () => {
    api = await startStepFunctionsApi(new TaskTokenRegistry(), {
      describeExecution: (arn) => executions.get(arn),
    });
    sfn = clientOf(api);
  });

  afterAll(async () => {
    sfn.destroy();
    await api.stop();
  });

  it('describes a running execution: ARNs, name, status, start date and input', async () => {
    // Act
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: EXECUTION }));

    // Assess
    expect(described).toMatchObject({
      executionArn: EXECUTION,
      stateMachineArn: machineArn,
      name: 'run-1',
      status: 'RUNNING',
      startDate: new Date(started),
      input: '{"job_name":"reviews"}',
    });
    expect(described.stopDate).toBeUndefined();
    expect(described.output).toBeUndefined();
  });

  it('describes a succeeded execution with its stop date and output', async () => {
    // Act
    const described = await sfn.send(
      new DescribeExecutionCommand({
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-2',
      }),
    );

    // Assess
    expect(described).toMatchObject({
      status: 'SUCCEEDED',
      startDate: new Date(started),
      stopDate: new Date(started + 90_500),
      output: '[{"status":"Completed"}]',
    });
  });

  it('describes a failed execution with its error and cause', async () => {
    // Act
    const described = await sfn.send(
      new DescribeExecutionCommand({
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-3',
      }),
    );

    // Assess
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'BedrockBatch.InvalidInput',
      cause: 'manifest_keys: empty',
    });
    expect(described.output).toBeUndefined();
  });

  it('rejects an unknown execution with ExecutionDoesNotExist (HTTP 400)', async () => {
    // Act
    const error = await errorOf(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:nope',
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('ExecutionDoesNotExist');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toContain('execution:sm:nope');
  });

  it('rejects a value that is no execution ARN with InvalidArn', async () => {
    // Act
    const error = await errorOf(
      sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })),
    );

    // Assess
    expect(error.name).toBe('InvalidArn');
    expect(error.message).toContain('not-an-arn');
  });
});

describe('Step Functions API: StartExecution and StopExecution (real SFNClient)', () => {
  const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:sm';
  const startedAt = Date.parse('2026-01-01T00:00:00.000Z');
  const executions = new Map<string, ExecutionDescription>();
  const stops: Array<[string, string, string]> = [];
  let api: StepFunctionsApi;
  let sfn: SFNClient;

  beforeAll(async () => {
    api = await startStepFunctionsApi(new TaskTokenRegistry(), {
      describeExecution: (arn) => executions.get(arn),
      startExecution: (stateMachineArn, input, name = `generated-${executions.size + 1}`) => {
        if (stateMachineArn !== machineArn) return undefined;
        const executionArn = `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;
        executions.set(executionArn, {
          executionArn,
          stateMachineArn,
          name,
          status: 'RUNNING',
          startedAt,
          input,
        });
        return { executionArn, startedAt };
      },
      stopExecution: (executionArn, error, cause) => {
        stops.push([executionArn, error, cause]);
        const found = executions.get(executionArn);
        if (found !== undefined)
          executions.set(executionArn, {
            ...found,
            status: 'ABORTED',
            stoppedAt: startedAt + 5_000,
          });
      },
    });
    sfn = clientOf(api);
  });

  afterAll(async () => {
    sfn.destroy();
    await api.stop();
  });

  it('starts an execution with its name and parsed input, and returns its ARN and start date', async () => {
    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-a', input: '{"n":1}' }),
    );

    // Assess
    expect(started).toMatchObject({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-a',
      startDate: new Date(startedAt),
    });
    expect(executions.get(started.executionArn ?? '')?.input).toEqual({ n: 1 });
  });

  it('gives an execution without input `{}` and lets the starter name it', async () => {
    // Act
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn }));

    // Assess
    expect(executions.get(started.executionArn ?? '')).toMatchObject({
      name: expect.stringMatching(/^generated-\d+$/),
      input: {},
    });
  });

  it('returns the running execution again for the same name and input, and refuses other input', async () => {
    // Prepare
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-b', input: '{"n":2}' }),
    );
    const count = executions.size;

    // Act
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-b', input: '{"n":2}' }),
    );
    const other = await errorOf(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-b', input: '{"n":3}' }),
      ),
    );

    // Assess
    expect(again.executionArn).toBe(first.executionArn);
    expect(executions.size).toBe(count);
    expect(other.name).toBe('ExecutionAlreadyExists');
    expect(other.message).toContain('execution:sm:run-b');
  });

  it.each([
    [{ stateMachineArn: 'sm' }, 'InvalidArn', "'sm'"],
    [
      { stateMachineArn: `${machineArn}-other` },
      'StateMachineDoesNotExist',
      'stateMachine:sm-other',
    ],
    [{ stateMachineArn: machineArn, name: 'has space' }, 'InvalidName', "'has space'"],
    [{ stateMachineArn: machineArn, name: 'x'.repeat(81) }, 'InvalidName', 'x'.repeat(81)],
    [{ stateMachineArn: machineArn, input: '{not json' }, 'InvalidExecutionInput', 'JSON'],
  ])('refuses %j with %s, naming the value', async (request, name, named) => {
    // Act
    const error = await errorOf(sfn.send(new StartExecutionCommand(request)));

    // Assess
    expect(error.name).toBe(name);
    expect(error.message).toContain(named);
  });

  it('stops a running execution with the error and cause given, and returns its stop date', async () => {
    // Prepare
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-c' }),
    );

    // Act
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Smoke.Cleanup', cause: 'interrupted' }),
    );
    const again = await sfn.send(new StopExecutionCommand({ executionArn }));

    // Assess
    expect(stopped.stopDate).toEqual(new Date(startedAt + 5_000));
    expect(again.stopDate).toEqual(new Date(startedAt + 5_000));
    expect(stops.filter(([arn]) => arn === executionArn)).toEqual([
      [executionArn, 'Smoke.Cleanup', 'interrupted'],
    ]);
  });

  it('refuses to stop an unknown execution with ExecutionDoesNotExist', async () => {
    // Act
    const error = await errorOf(
      sfn.send(new StopExecutionCommand({ executionArn: `${EXECUTION}-unknown` })),
    );

    // Assess
    expect(error.name).toBe('ExecutionDoesNotExist');
    expect(error.message).toContain('run-1-unknown');
  });
});
