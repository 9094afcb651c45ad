import { describe, expect, it } from '@jest/globals';
import { aws_s3 as s3 } from 'aws-cdk-lib';
import { InvalidPropError, OnDemandServiceTier } from '../../src/index.js';
import { allStates, aslErrors, definitionOf } from '../helpers/definition.js';
import { addFragment, machineWith, newStack } from '../helpers/stacks.js';

type State = Record<string, unknown>;

/** The states of a machine `In -> Reviews -> Out` built with `props`. */
function statesWith(props: Parameters<typeof addFragment>[2] = {}) {
  const stack = newStack();
  const fragment = addFragment(stack, 'Reviews', props);
  machineWith(stack, [fragment]);
  const definition = definitionOf(stack);
  return { definition, states: allStates(definition), fragment };
}

/** A value as JSON text. */
function rendered(value: unknown): string {
  return JSON.stringify(value);
}

describe('Construct: BedrockBatchSfn states for a dataset_keys input', () => {
  it('routes dataset_keys to the preparation and both kinds of keys to the rejection', () => {
    // Act
    const { definition, states } = statesWith();

    // Assess
    expect(aslErrors(definition)).toBe('');
    const choices = states['Reviews Check Input']?.Choices as State[];
    expect(choices[0]).toEqual({
      And: [
        { Variable: '$.manifest_keys', IsPresent: true },
        { Variable: '$.dataset_keys', IsPresent: true },
      ],
      Next: 'Reviews Reject Input',
    });
    expect(choices[3]).toEqual({
      And: [
        { Variable: '$.job_name', IsPresent: true },
        { Variable: '$.model_id', IsPresent: true },
        { Variable: '$.dataset_keys[0]', IsPresent: true },
      ],
      Next: 'Reviews Prepare Dataset',
    });
  });

  it('prepares from the whole input, with both buckets and the default invocation type', () => {
    // Act
    const { states, fragment } = statesWith();

    // Assess
    const prepare = states['Reviews Prepare Dataset'] as State;
    expect(prepare).toMatchObject({
      Type: 'Task',
      InputPath: '$',
      ResultPath: '$',
      TimeoutSeconds: 960,
      Next: 'Reviews Choose Answer Mode',
    });
    expect(rendered(prepare.Resource)).toContain('PrepareDataset');
    expect(prepare.Parameters).toMatchObject({
      'executionArn.$': '$$.Execution.Id',
      fragmentId: fragment.node.addr,
      'input.$': '$',
      defaultModelInvocationType: 'InvokeModel',
      onDemandBelowMinimum: true,
    });
    expect(prepare.Parameters).not.toHaveProperty('quotas');
  });

  it('hands datasetQuotas to the preparation', () => {
    const { states } = statesWith({
      datasetQuotas: { minRecordsPerJob: 10, maxJobSizeBytes: 5e8 },
    });
    expect(states['Reviews Prepare Dataset']?.Parameters).toMatchObject({
      quotas: { minRecordsPerJob: 10, maxJobSizeBytes: 5e8 },
    });
  });

  it('runs one job per prepared manifest, reading it from the output bucket', () => {
    // Prepare
    const stack = newStack();
    const input = new s3.Bucket(stack, 'In');
    const output = new s3.Bucket(stack, 'Out');
    const fragment = addFragment(stack, 'Reviews', {
      bedrockBatchInputBucket: input,
      bedrockBatchOutputBucket: output,
      maxConcurrency: 3,
    });
    machineWith(stack, [fragment]);

    // Act
    const states = allStates(definitionOf(stack));

    // Assess
    const map = states['Reviews Run Dataset Jobs'] as State;
    expect(map).toMatchObject({
      InputPath: '$',
      ItemsPath: '$.plan.manifests',
      ResultPath: '$.jobs',
      MaxConcurrency: 3,
      ItemSelector: {
        'job_name.$': '$.job_name',
        'model_id.$': '$.model_id',
        'model_invocation_type.$': '$.model_invocation_type',
        'manifest_key.$': '$$.Map.Item.Value.key',
        'item_index.$': '$$.Map.Item.Index',
      },
      Next: 'Reviews Collect Results',
    });
    const task = states['Reviews Dataset Job And Wait'] as State;
    expect(task).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      ResultPath: '$.result',
      Next: 'Reviews Keep Job Result',
    });
    const payload = (task.Parameters as { Payload: State }).Payload;
    expect(payload).not.toHaveProperty('manifestKeys.$');
    // definitionOf renders a bucket name reference as `ref-<logical id, lower case>`.
    expect(payload.inputDataConfig).toEqual({
      s3InputDataConfig: {
        's3Uri.$': expect.stringMatching(
          /^States\.Format\('s3:\/\/ref-out[0-9a-f]{8}\/\{\}', \$\.manifest_key\)$/,
        ),
      },
    });
  });

  it("keeps a job that ends without a result as that job's failure, and lets other errors fail the Map", () => {
    // Act
    const { states } = statesWith();

    // Assess
    const task = states['Reviews Dataset Job And Wait'] as State;
    expect(task.Catch).toEqual([
      {
        ErrorEquals: ['Failed', 'Stopped', 'Expired', 'BedrockBatch.NoOutput'],
        ResultPath: '$.failure',
        Next: 'Reviews Keep Job Failure',
      },
    ]);
    expect(states['Reviews Keep Job Failure']?.Parameters).toEqual({
      'manifestKey.$': '$.manifest_key',
      failure: { 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' },
    });
    expect(states['Reviews Keep Job Result']?.Parameters).toEqual({
      'manifestKey.$': '$.manifest_key',
      'result.$': '$.result',
    });
  });

  it("collects from the plan, the round and the jobs, and keeps the last round's DatasetResult at resultPath", () => {
    // Act
    const { states } = statesWith({ inputPath: '$.request', resultPath: '$.batch' });

    // Assess
    expect(states['Reviews Prepare Dataset']).toMatchObject({
      InputPath: '$.request',
      ResultPath: '$.batch',
    });
    expect(states['Reviews Run Dataset Jobs']).toMatchObject({
      InputPath: '$.batch',
      ResultPath: '$.batch.jobs',
    });
    const collect = states['Reviews Collect Results'] as State;
    expect(collect).toMatchObject({
      InputPath: '$.batch',
      ResultPath: '$.batch.collected',
      Parameters: {
        'bucket.$': '$.plan.bucket',
        'workPrefix.$': '$.round.dataset_prefix',
        'jobs.$': '$.jobs',
        'round.$': '$.round',
      },
      Next: 'Reviews Retry Failed Records',
    });
    expect(rendered(collect.Resource)).toContain('CollectResults');
    expect(states['Reviews Retry Failed Records']).toEqual({
      Type: 'Choice',
      Comment: expect.any(String),
      Choices: [
        {
          Variable: '$.batch.collected.retry',
          IsPresent: true,
          Next: 'Reviews Prepare Retry Round',
        },
      ],
      Default: 'Reviews Keep Dataset Result',
    });
    expect(states['Reviews Keep Dataset Result']).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      InputPath: '$.batch.collected',
      ResultPath: '$.batch',
      Next: 'Out',
    });
  });

  it('prepares a retry round from the collection, with the input and the round, and runs it like a dataset', () => {
    // Act
    const { definition, states } = statesWith({ inputPath: '$.request', resultPath: '$.batch' });

    // Assess
    expect(aslErrors(definition)).toBe('');
    const prepareRetry = states['Reviews Prepare Retry Round'] as State;
    const firstRound = states['Reviews Prepare Dataset'] as State;
    expect(prepareRetry).toMatchObject({
      InputPath: '$.batch',
      ResultPath: '$.batch',
      Next: 'Reviews Choose Answer Mode',
    });
    expect(prepareRetry.Resource).toEqual(firstRound.Resource);
    const { retry, ...rest } = prepareRetry.Parameters as {
      Payload: Record<string, unknown>;
    }['Payload'] & { retry?: unknown };
    expect(prepareRetry.Parameters).toMatchObject({
      'input.$': '$.input',
      retry: {
        'round.$': '$.collected.retry.round',
        'datasetKey.$': '$.collected.retry.dataset_key',
        'previous.$': '$.collected',
      },
    });
    expect(retry).toBeDefined();
    // Everything else is the first round's payload.
    const { 'input.$': _input, ...firstRest } = firstRound.Parameters as Record<string, unknown>;
    const { 'input.$': _retryInput, ...retryRest } = rest as Record<string, unknown>;
    expect(retryRest).toEqual(firstRest);
    // Each round's jobs are told apart by the round's fragment id.
    const map = states['Reviews Run Dataset Jobs'] as State & {
      ItemSelector: Record<string, string>;
      ItemProcessor: { States: Record<string, State> };
    };
    expect(map.ItemSelector['fragment_id.$']).toBe('$.fragment_id');
    const task = map.ItemProcessor.States['Reviews Dataset Job And Wait'] as State;
    expect(JSON.stringify(task.Parameters)).toContain('"fragmentId.$":"$.fragment_id"');
    expect(JSON.stringify(states['Reviews Run Jobs'])).not.toContain('$.fragment_id');
  });

  it('adds the Catch of addCatch to the preparations, the dataset Map and the collection', () => {
    const { states } = statesWith();
    for (const name of [
      'Reviews Prepare Dataset',
      'Reviews Run Dataset Jobs',
      'Reviews Collect Results',
      'Reviews Prepare Retry Round',
    ]) {
      expect(states[name]?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'Failed' }]);
    }
  });

  it('answers a dataset under the minimum on demand, in a loop that resumes where a call stopped', () => {
    // Act
    const { definition, states } = statesWith({
      resultPath: '$.batch',
      onDemandConcurrency: 8,
      onDemandServiceTier: OnDemandServiceTier.FLEX,
    });

    // Assess
    expect(aslErrors(definition)).toBe('');
    expect(states['Reviews Choose Answer Mode']).toMatchObject({
      Choices: [
        {
          Variable: '$.batch.plan.mode',
          StringEquals: 'on_demand',
          Next: 'Reviews Start On Demand',
        },
      ],
      Default: 'Reviews Run Dataset Jobs',
    });
    expect(states['Reviews Start On Demand']).toMatchObject({
      Result: { startLine: 0, tokens: { input: 0, output: 0 } },
      ResultPath: '$.batch.on_demand',
      Next: 'Reviews Answer On Demand',
    });
    const task = states['Reviews Answer On Demand'] as State;
    expect(task).toMatchObject({
      InputPath: '$.batch',
      ResultPath: '$.batch.on_demand',
      TimeoutSeconds: 960,
      Next: 'Reviews On Demand Done',
      Parameters: {
        'bucket.$': '$.plan.bucket',
        'workPrefix.$': '$.plan.work_prefix',
        'manifestKey.$': '$.plan.manifests[0].key',
        'startLine.$': '$.on_demand.startLine',
        'modelId.$': '$.model_id',
        'modelInvocationType.$': '$.model_invocation_type',
        concurrency: 8,
        serviceTier: 'flex',
        'tokens.$': '$.on_demand.tokens',
      },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
    });
    expect(rendered(task.Resource)).toContain('OnDemand');
    expect(states['Reviews On Demand Done']).toMatchObject({
      Choices: [
        {
          Variable: '$.batch.on_demand.done',
          BooleanEquals: true,
          Next: 'Reviews Keep On Demand Answers',
        },
      ],
      Default: 'Reviews Answer On Demand',
    });
    expect(states['Reviews List On Demand Answers']).toMatchObject({
      Parameters: { 'plan.$': '$.plan', 'jobs.$': 'States.Array($.on_demand_job)' },
      ResultPath: '$.batch',
      Next: 'Reviews Collect Results',
    });
  });

  it('sends no service tier unless asked, and can turn on-demand answering off', () => {
    const { states } = statesWith({ onDemandBelowMinimum: false });
    expect(states['Reviews Answer On Demand']?.Parameters).not.toHaveProperty('serviceTier');
    expect(states['Reviews Answer On Demand']?.Parameters).toMatchObject({ concurrency: 4 });
    expect(states['Reviews Prepare Dataset']?.Parameters).toMatchObject({
      onDemandBelowMinimum: false,
    });
  });

  it.each([0, 65, 2.5])('rejects onDemandConcurrency %s', (onDemandConcurrency) => {
    const act = () => addFragment(newStack(), 'Reviews', { onDemandConcurrency });
    expect(act).toThrow(InvalidPropError);
    expect(act).toThrow('onDemandConcurrency');
  });

  it.each([
    [{ minRecordsPerJob: 0 }, 'datasetQuotas.minRecordsPerJob', '0'],
    [{ maxJobSizeBytes: 1.5 }, 'datasetQuotas.maxJobSizeBytes', '1.5'],
    [{ minRecordsPerJob: 60_000 }, 'datasetQuotas.minRecordsPerJob', '60000'],
    [{ minRecordsPerJob: 500, maxRecordsPerJob: 400 }, 'datasetQuotas.minRecordsPerJob', '500'],
  ])('rejects datasetQuotas %o, naming %s', (datasetQuotas, prop, value) => {
    const act = () => addFragment(newStack(), 'Reviews', { datasetQuotas });
    expect(act).toThrow(InvalidPropError);
    expect(act).toThrow(prop);
    expect(act).toThrow(value);
  });

  it('rejects an outputPrefix inside the work folder of the datasets', () => {
    const act = () =>
      addFragment(newStack(), 'Reviews', { outputPrefix: 'bedrock-batch-work/out/' });
    expect(act).toThrow(InvalidPropError);
    expect(act).toThrow('bedrock-batch-work/');
  });
});
