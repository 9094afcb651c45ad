import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import { TaskTokenError } from '../../../src/errors.js';
import type { LocalFunction } from '../../../src/lambda/local-function.js';
import { LocalStateMachine } from '../../../src/stepfunctions/local-state-machine.js';
import { TaskTokenRegistry } from '../../../src/stepfunctions/task-token-registry.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:sm';

/** A stand-in function: runs `behaviour` on each invocation. */
function fakeFunction(
  behaviour: (event: unknown, call: number) => Promise<unknown> | unknown,
): LocalFunction & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    name: 'fn',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
    calls,
    invoke: async (event: unknown) => {
      calls.push(event);
      return behaviour(event, calls.length);
    },
  } as unknown as LocalFunction & { calls: unknown[] };
}

function named(name: string): Error {
  return Object.assign(new Error(`${name} happened`), { name });
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function machine(
  definition: Record<string, unknown>,
  fn: LocalFunction,
  clock = new ManualClock(),
  registry = new TaskTokenRegistry(),
) {
  return {
    clock,
    registry,
    sm: new LocalStateMachine({
      name: 'sm',
      arn: ARN,
      definition: definition as never,
      clock,
      registry,
      findFunction: () => fn,
    }),
  };
}

const invokeTask = (extra: Record<string, unknown> = {}) => ({
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'fn', 'Payload.$': '$' },
      End: true,
      ...extra,
    },
  },
});

describe('Class: LocalStateMachine', () => {
  it('wraps a lambda:invoke result as the Lambda API response', async () => {
    const { sm } = machine(
      invokeTask(),
      fakeFunction(() => ({ ok: 1 })),
    );
    const result = await sm.startExecution({ a: 1 }).result;
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { Payload: { ok: 1 }, StatusCode: 200 },
    });
  });

  it('retries on the clock with backoff, then succeeds', async () => {
    // Prepare
    const fn = fakeFunction((_event, call) => {
      if (call < 3) throw named('BedrockBatch.Throttled');
      return 'done';
    });
    const { sm, clock } = machine(
      invokeTask({
        Retry: [
          {
            ErrorEquals: ['BedrockBatch.Throttled'],
            IntervalSeconds: 10,
            BackoffRate: 3,
            MaxAttempts: 5,
          },
        ],
      }),
      fn,
    );
    // Act
    const execution = sm.startExecution({});
    await until(() => fn.calls.length === 1);
    await clock.advance(9_999);
    expect(fn.calls).toHaveLength(1);
    await clock.advance(1);
    await until(() => fn.calls.length === 2);
    await clock.advance(30_000);
    const result = await execution.result;
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(fn.calls).toHaveLength(3);
    const delays = result.history
      .filter((e) => e.type === 'TaskRetryScheduled')
      .map((e) => e.details?.delayMs);
    expect(delays).toEqual([10_000, 30_000]);
  });

  it('fails with the error once MaxAttempts are spent, so a Catch can take it', async () => {
    const fn = fakeFunction(() => {
      throw named('BedrockBatch.QuotaExceeded');
    });
    const { sm, clock } = machine(
      invokeTask({
        Retry: [
          { ErrorEquals: ['BedrockBatch.QuotaExceeded'], IntervalSeconds: 1, MaxAttempts: 2 },
        ],
      }),
      fn,
    );
    const execution = sm.startExecution({});
    for (let i = 0; i < 3; i += 1) {
      await until(() => fn.calls.length >= i + 1);
      await clock.advance(10_000);
    }
    const result = await execution.result;
    expect(result).toMatchObject({ status: 'FAILED', error: 'BedrockBatch.QuotaExceeded' });
    expect(fn.calls).toHaveLength(3);
    expect(result.history.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
  });

  it.each([
    ['Seconds', { Seconds: 90 }, {}],
    ['SecondsPath', { SecondsPath: '$.delay' }, { delay: 90 }],
    ['TimestampPath', { TimestampPath: '$.until' }, { until: '2026-01-01T00:01:30Z' }],
  ])('runs a Wait state (%s) on the clock and passes its input on', async (_field, wait, input) => {
    // Prepare
    const { sm, clock } = machine(
      { StartAt: 'Pause', States: { Pause: { Type: 'Wait', ...wait, End: true } } },
      fakeFunction(() => null),
    );
    const execution = sm.startExecution({ ...input, keep: 'me' });

    // Act
    await clock.advance(89_999);
    const early = execution.running;
    await clock.advance(1);

    // Assess
    expect(early).toBe(true);
    await expect(execution.result).resolves.toMatchObject({
      status: 'SUCCEEDED',
      output: { ...input, keep: 'me' },
    });
  });

  it('fails a Wait state whose SecondsPath is not a whole number with States.Runtime naming the value', async () => {
    // Prepare
    const { sm } = machine(
      {
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', SecondsPath: '$.delay', End: true } },
      },
      fakeFunction(() => null),
    );

    // Act
    const result = await sm.startExecution({ delay: 'soon' }).result;

    // Assess
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        'Wait state Pause: SecondsPath must be a whole number of seconds >= 0 (received: "soon").',
    });
  });

  const waitTask = (extra: Record<string, unknown> = {}) => ({
    StartAt: 'Wait',
    States: {
      Wait: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'fn', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
        ...extra,
      },
    },
  });

  it('times a callback task out on the clock with States.Timeout', async () => {
    const fn = fakeFunction(() => null);
    const { sm, clock, registry } = machine(waitTask({ TimeoutSeconds: 30 }), fn);
    const execution = sm.startExecution({});
    await until(() => fn.calls.length === 1);
    await clock.advance(29_999);
    expect(execution.running).toBe(true);
    await clock.advance(1);
    await expect(execution.result).resolves.toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
    });
    expect(registry.size).toBe(0);
  });

  it('times the execution out on the clock', async () => {
    const fn = fakeFunction(() => null);
    const { sm, clock } = machine({ ...waitTask(), TimeoutSeconds: 60 }, fn);
    const execution = sm.startExecution({});
    await until(() => fn.calls.length === 1);
    await clock.advance(60_000);
    await expect(execution.result).resolves.toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
    });
  });

  it('kills the tokens of an aborted execution', async () => {
    // Prepare
    let token = '';
    const fn = fakeFunction((event) => {
      token = (event as { token: string }).token;
      return null;
    });
    const { sm, registry } = machine(waitTask(), fn);
    const execution = sm.startExecution({});
    await until(() => token !== '');
    registry.heartbeat(token);
    // Act
    execution.abort();
    const result = await execution.result;
    // Assess
    expect(result.status).toBe('ABORTED');
    expect(() => registry.heartbeat(token)).toThrow(TaskTokenError);
    expect(() => registry.heartbeat(token)).toThrow('Task does not exist anymore');
    expect(registry.size).toBe(0);
    expect(result.history.map((e) => e.type)).toContain('TaskHeartbeat');
  });

  it('fails a callback task whose Lambda throws, without waiting for a callback', async () => {
    const fn = fakeFunction(() => {
      throw named('BedrockBatch.InvalidInput');
    });
    const { sm, registry } = machine(waitTask(), fn);
    const result = await sm.startExecution({}).result;
    expect(result).toMatchObject({ status: 'FAILED', error: 'BedrockBatch.InvalidInput' });
    expect(registry.size).toBe(0);
  });

  it('fails a task whose resource it cannot run locally', async () => {
    const { sm } = machine(
      {
        StartAt: 'Put',
        States: { Put: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
      },
      fakeFunction(() => null),
    );
    const result = await sm.startExecution({}).result;
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toContain('is not supported locally');
  });
});
