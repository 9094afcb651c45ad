import { BatchErrorName } from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import { aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { allStates, aslErrors, definitionOf } from '../helpers/definition.js';
import { catchTarget, choose } from '../helpers/routing.js';
import { addFragment, machineWith, newStack } from '../helpers/stacks.js';

type Json = Record<string, unknown>;

function renderedMachine(): Json {
  const stack = newStack();
  machineWith(stack, [addFragment(stack, 'Batch')]);
  return definitionOf(stack);
}

describe('Construct: BedrockBatchSfn.addCatch', () => {
  it.each([
    BatchErrorName.Failed,
    BatchErrorName.Stopped,
    BatchErrorName.Expired,
    BatchErrorName.NoOutput,
    BatchErrorName.ValidationException,
    BatchErrorName.AccessDenied,
    BatchErrorName.QuotaExceeded,
    'States.Timeout',
    'States.HeartbeatTimeout',
  ])('routes %s raised by the create-job task to the Catch handler', (error) => {
    // Prepare
    const definition = renderedMachine();

    // Act
    const target = catchTarget(definition, 'Batch Create Job And Wait', error);

    // Assess
    expect(target).toBe('Failed');
    expect(allStates(definition).Failed).toEqual({
      Type: 'Fail',
      ErrorPath: '$.Error',
      CausePath: '$.Cause',
    });
  });

  it.each([
    ['an empty manifest_keys', { job_name: 'j', manifest_keys: [], model_id: 'm' }],
    ['no manifest_keys', { job_name: 'j', model_id: 'm' }],
    ['no job_name', { manifest_keys: ['a.jsonl'], model_id: 'm' }],
    ['no model_id', { job_name: 'j', manifest_keys: ['a.jsonl'] }],
    ['a non-object input', 'just text'],
  ])('fails catchably with BedrockBatch.InvalidInput on %s', (_label, input) => {
    // Prepare
    const definition = renderedMachine();
    const states = allStates(definition);

    // Act
    const next = choose(states['Batch Check Input'] as Json, input);
    const rejecting = states[next] as Json;
    const branch = (
      rejecting.Branches as Array<{ StartAt: string; States: Record<string, Json> }>
    )[0];
    const failing = branch?.States[branch.StartAt];

    // Assess
    expect(next).toBe('Batch Reject Input');
    expect(rejecting.Type).toBe('Parallel');
    expect(failing).toMatchObject({ Type: 'Fail', Error: BatchErrorName.InvalidInput });
    expect(catchTarget(definition, branch?.StartAt ?? '', BatchErrorName.InvalidInput)).toBe(
      'Failed',
    );
  });

  it('sends a valid input to the Map, through the default Pass when model_invocation_type is absent', () => {
    // Prepare
    const states = allStates(renderedMachine());
    const check = states['Batch Check Input'] as Json;
    const input = { job_name: 'j', manifest_keys: ['a.jsonl'], model_id: 'm' };

    // Act
    const withoutType = choose(check, input);
    const withType = choose(check, { ...input, model_invocation_type: 'Converse' });

    // Assess
    expect(withoutType).toBe('Batch Default Invocation Type');
    expect(states[withoutType]?.Next).toBe('Batch Run Jobs');
    expect(withType).toBe('Batch Run Jobs');
  });

  it('adds the Catch with its props to the Map and to the input rejection', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch');
    const handler = new sfn.Pass(stack, 'Handle', { stateName: 'Handle' });

    // Act
    const returned = fragment.addCatch(handler, {
      errors: [BatchErrorName.Failed, BatchErrorName.InvalidInput],
      resultPath: '$.error',
    });
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(fragment),
    });
    const states = allStates(definitionOf(stack));

    // Assess
    expect(returned).toBe(fragment);
    const expected = [
      {
        ErrorEquals: ['Failed', 'BedrockBatch.InvalidInput'],
        ResultPath: '$.error',
        Next: 'Handle',
      },
    ];
    expect(states['Batch Run Jobs']?.Catch).toEqual(expected);
    expect(states['Batch Reject Input']?.Catch).toEqual(expected);
    expect(
      catchTarget(definitionOf(stack), 'Batch Create Job And Wait', 'Stopped'),
    ).toBeUndefined();
  });

  it('leaves a failure uncaught without addCatch (the execution fails)', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch');
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(fragment),
    });

    // Act
    const definition = definitionOf(stack);

    // Assess
    expect(catchTarget(definition, 'Batch Create Job And Wait', 'Failed')).toBeUndefined();
    expect(aslErrors(definition)).toBe('');
  });
});
