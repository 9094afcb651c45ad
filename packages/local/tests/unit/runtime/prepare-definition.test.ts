import { describe, expect, it } from '@jest/globals';
import {
  findRetrier,
  prepareDefinition,
  retryDelayMs,
} from '../../../src/stepfunctions/prepare-definition.js';

const definition = {
  StartAt: 'Map',
  TimeoutSeconds: 7200,
  States: {
    Map: {
      Type: 'Map',
      End: true,
      ItemProcessor: {
        StartAt: 'Create',
        States: {
          Create: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            HeartbeatSeconds: 900,
            TimeoutSeconds: 176400,
            Retry: [
              {
                ErrorEquals: ['BedrockBatch.QuotaExceeded'],
                IntervalSeconds: 60,
                BackoffRate: 2,
                MaxDelaySeconds: 900,
              },
            ],
            End: true,
          },
        },
      },
    },
  },
};

describe('Function: prepareDefinition', () => {
  it('takes time and retries out of nested Task states and keeps them as policies', () => {
    const { definition: prepared, tasks, timeoutSeconds } = prepareDefinition(definition);
    expect(timeoutSeconds).toBe(7200);
    expect(prepared.TimeoutSeconds).toBeUndefined();
    const create = (
      prepared.States.Map as { ItemProcessor: { States: Record<string, Record<string, unknown>> } }
    ).ItemProcessor.States.Create as Record<string, unknown>;
    expect(create.Retry).toBeUndefined();
    expect(create.HeartbeatSeconds).toBeUndefined();
    expect(create.TimeoutSeconds).toBe(2_000_000);
    expect(tasks.get('Create')).toEqual({
      stateName: 'Create',
      resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      timeoutSeconds: 176400,
      heartbeatSeconds: 900,
      retry: definition.States.Map.ItemProcessor.States.Create.Retry,
    });
  });

  it('drops ResultPath "$" (the default) from states and catchers, keeping other paths', () => {
    const { definition: prepared } = prepareDefinition({
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          ResultPath: '$',
          Next: 'M',
        },
        M: {
          Type: 'Map',
          ResultPath: '$.results',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'F' }],
          ItemProcessor: {
            StartAt: 'I',
            States: { I: { Type: 'Pass', ResultPath: '$', End: true } },
          },
          End: true,
        },
        F: { Type: 'Fail' },
      },
    });
    const states = prepared.States as Record<string, Record<string, unknown>>;
    expect(states.P).not.toHaveProperty('ResultPath');
    expect(states.M?.ResultPath).toBe('$.results');
    const catcher = (states.M?.Catch as Array<Record<string, unknown>> | undefined)?.[0];
    expect(catcher).toBeDefined();
    expect(catcher).not.toHaveProperty('ResultPath');
    const processor = states.M?.ItemProcessor as
      | { States: Record<string, Record<string, unknown>> }
      | undefined;
    const inner = processor?.States.I;
    expect(inner).toBeDefined();
    expect(inner).not.toHaveProperty('ResultPath');
  });

  it('does not change the definition it was given', () => {
    const copy = structuredClone(definition);
    prepareDefinition(definition);
    expect(definition).toEqual(copy);
  });

  it("uses Step Functions' default timeout when a Task has none", () => {
    const { tasks } = prepareDefinition({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', End: true } },
    });
    expect(tasks.get('T')?.timeoutSeconds).toBe(99_999_999);
  });
});

describe('Function: findRetrier', () => {
  const retry = [
    { ErrorEquals: ['BedrockBatch.Throttled'] },
    { ErrorEquals: ['States.TaskFailed'] },
  ];

  it('picks the first retrier naming the error', () => {
    expect(findRetrier(retry, 'BedrockBatch.Throttled')).toBe(0);
  });

  it('lets States.TaskFailed match any error but States.Timeout', () => {
    expect(findRetrier(retry, 'Lambda.ServiceException')).toBe(1);
    expect(findRetrier(retry, 'States.Timeout')).toBe(-1);
    expect(findRetrier([{ ErrorEquals: ['States.ALL'] }], 'States.Timeout')).toBe(0);
  });
});

describe('Function: retryDelayMs', () => {
  it('backs off and caps at MaxDelaySeconds', () => {
    const retrier = {
      ErrorEquals: ['X'],
      IntervalSeconds: 60,
      BackoffRate: 2,
      MaxDelaySeconds: 200,
    };
    expect([0, 1, 2, 3].map((attempt) => retryDelayMs(retrier, attempt))).toEqual([
      60_000, 120_000, 200_000, 200_000,
    ]);
  });

  it('uses the defaults of 1 second and rate 2', () => {
    expect(retryDelayMs({ ErrorEquals: ['X'] }, 2)).toBe(4000);
  });

  it('draws a full jitter below the delay', () => {
    expect(
      retryDelayMs(
        { ErrorEquals: ['X'], IntervalSeconds: 10, JitterStrategy: 'FULL' },
        0,
        () => 0.5,
      ),
    ).toBe(5000);
  });
});
