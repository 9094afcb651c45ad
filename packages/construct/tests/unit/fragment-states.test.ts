import { describe, expect, it } from '@jest/globals';
import { CfnParameter, Duration, aws_ec2 as ec2, aws_kms as kms } from 'aws-cdk-lib';
import { ModelInvocationType } from '../../src/index.js';
import { allStates, aslErrors, definitionOf } from '../helpers/definition.js';
import { addFragment, machineWith, newStack } from '../helpers/stacks.js';

type Json = Record<string, unknown>;

describe('Construct: BedrockBatchSfn states', () => {
  it('gives each fragment its own fragmentId, so the same manifest makes a job per fragment', () => {
    const stack = newStack('Ids');
    const ids = ['One', 'Two'].map((id) => {
      const fragment = addFragment(stack, id);
      const task = stack.resolve(fragment.createJobTask.toStateJson()) as Json;
      return ((task.Parameters as Json).Payload as Json).fragmentId;
    });
    expect(ids[0]).toMatch(/^[a-z0-9]{42}$/);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('renders the create-job task as a waitForTaskToken Lambda invoke with the CreateJobPayload', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch');

    // Act
    const task = stack.resolve(fragment.createJobTask.toStateJson()) as Json;

    // Assess
    expect(task.Type).toBe('Task');
    expect(JSON.stringify(task.Resource)).toContain(':states:::lambda:invoke.waitForTaskToken');
    expect(JSON.stringify(task.Resource)).toContain('AWS::Partition');
    expect(task.HeartbeatSeconds).toBe(15 * 60);
    expect(task.TimeoutSeconds).toBe(48 * 3600 + 3600 + 5 * 60);
    const parameters = task.Parameters as Json;
    expect(parameters.FunctionName).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^BedrockBatchSfnSharedCreateJobFunction/), 'Arn'],
    });
    expect(parameters.Payload).toEqual({
      'taskToken.$': '$$.Task.Token',
      'executionArn.$': '$$.Execution.Id',
      'itemIndex.$': '$.item_index',
      fragmentId: fragment.node.addr,
      'jobName.$': '$.job_name',
      'manifestKeys.$': '$.manifest_keys',
      'modelId.$': '$.model_id',
      roleArn: { 'Fn::GetAtt': [expect.stringMatching(/^BatchBedrockBatchRole/), 'Arn'] },
      inputDataConfig: {
        s3InputDataConfig: {
          's3Uri.$': {
            'Fn::Join': [
              '',
              [
                "States.Format('s3://",
                { Ref: expect.stringMatching(/^BatchBucket/) },
                "/{}', $.manifest_key)",
              ],
            ],
          },
        },
      },
      outputDataConfig: {
        s3OutputDataConfig: {
          s3Uri: {
            'Fn::Join': [
              '',
              ['s3://', { Ref: expect.stringMatching(/^BatchBucket/) }, '/bedrock-batch/output/'],
            ],
          },
        },
      },
      timeoutDurationInHours: 48,
      'modelInvocationType.$': '$.model_invocation_type',
    });
  });

  it('retries Lambda service errors, throttling and quota errors with backoff', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch', {
      quotaRetry: { interval: Duration.minutes(10), maxAttempts: 12 },
    });

    // Act
    const task = stack.resolve(fragment.createJobTask.toStateJson()) as Json;

    // Assess
    expect(task.Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.TooManyRequestsException',
        ]),
        IntervalSeconds: 2,
        BackoffRate: 2,
      }),
      {
        ErrorEquals: ['BedrockBatch.Throttled'],
        IntervalSeconds: 10,
        MaxAttempts: 8,
        BackoffRate: 2,
        MaxDelaySeconds: 300,
        JitterStrategy: 'FULL',
      },
      {
        ErrorEquals: ['BedrockBatch.QuotaExceeded'],
        IntervalSeconds: 600,
        MaxAttempts: 12,
        BackoffRate: 1.5,
        MaxDelaySeconds: 900,
        JitterStrategy: 'FULL',
      },
    ]);
  });

  it('omits a retry whose maxAttempts is 0', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch', { throttlingRetry: { maxAttempts: 0 } });

    // Act
    const task = stack.resolve(fragment.createJobTask.toStateJson()) as Json;

    // Assess
    const errors = (task.Retry as Json[]).flatMap((retry) => retry.ErrorEquals as string[]);
    expect(errors).not.toContain('BedrockBatch.Throttled');
    expect(errors).toContain('BedrockBatch.QuotaExceeded');
  });

  it('renders a Map over manifest_keys with MaxConcurrency, each item getting every key', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch', { maxConcurrency: 4 });

    // Act
    const map = stack.resolve(fragment.mapState.toStateJson()) as Json;

    // Assess
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 4,
      InputPath: '$',
      ResultPath: '$',
      ItemsPath: '$.manifest_keys',
      ItemSelector: {
        'job_name.$': '$.job_name',
        'model_id.$': '$.model_id',
        'model_invocation_type.$': '$.model_invocation_type',
        'manifest_keys.$': '$.manifest_keys',
        'manifest_key.$': '$$.Map.Item.Value',
        'item_index.$': '$$.Map.Item.Index',
      },
    });
  });

  it('defaults model_invocation_type with a Pass state and checks the required fields', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch', {
      modelInvocationType: ModelInvocationType.CONVERSE,
    });
    machineWith(stack, [fragment]);

    // Act
    const states = allStates(definitionOf(stack));

    // Assess
    expect(states['Batch Default Invocation Type']).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      Result: 'Converse',
      ResultPath: '$.model_invocation_type',
      Next: 'Batch Run Jobs',
    });
    const choice = states['Batch Check Input'] as Json;
    const variables = JSON.stringify(choice.Choices);
    expect(variables).toContain('"Variable":"$.manifest_keys[0]","IsPresent":true');
    expect(variables).toContain('"Variable":"$.job_name","IsPresent":true');
    expect(variables).toContain('"Variable":"$.model_id","IsPresent":true');
    expect(choice.Default).toBe('Batch Reject Input');
  });

  it('reads the input at inputPath and writes the results at resultPath', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Batch', { inputPath: '$.batch', resultPath: '$.results' });
    machineWith(stack, [fragment]);

    // Act
    const definition = definitionOf(stack);
    const states = allStates(definition);

    // Assess
    expect(states['Batch Run Jobs']).toMatchObject({
      InputPath: '$.batch',
      ResultPath: '$.results',
    });
    expect(states['Batch Default Invocation Type']).toMatchObject({
      ResultPath: '$.batch.model_invocation_type',
    });
    expect(JSON.stringify(states['Batch Check Input'])).toContain('$.batch.manifest_keys[0]');
    expect(aslErrors(definition)).toBe('');
  });

  it('passes the output prefix, KMS key, VPC and job tags to every job', () => {
    // Prepare
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const group = new ec2.SecurityGroup(stack, 'JobGroup', { vpc });
    const key = new kms.Key(stack, 'OutputKey', { enableKeyRotation: true });
    const fragment = addFragment(stack, 'Batch', {
      outputPrefix: 'results/run/',
      encryptionKey: key,
      vpcConfig: { subnets: vpc.isolatedSubnets, securityGroups: [group] },
      jobTags: { project: 'reviews', 'cost-center': '42' },
    });

    // Act
    const payload = (
      (stack.resolve(fragment.createJobTask.toStateJson()) as Json).Parameters as Json
    ).Payload as Json;

    // Assess
    expect(payload.outputDataConfig).toEqual({
      s3OutputDataConfig: {
        s3Uri: {
          'Fn::Join': [
            '',
            ['s3://', { Ref: expect.stringMatching(/^BatchBucket/) }, '/results/run/'],
          ],
        },
        s3EncryptionKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^OutputKey/), 'Arn'] },
      },
    });
    expect(payload.vpcConfig).toEqual({
      subnetIds: [
        { Ref: expect.stringMatching(/^VpcIsolated/) },
        { Ref: expect.stringMatching(/^VpcIsolated/) },
      ],
      securityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^JobGroup/), 'GroupId'] }],
    });
    expect(payload.tags).toEqual([
      { key: 'project', value: 'reviews' },
      { key: 'cost-center', value: '42' },
    ]);
  });

  it('accepts a timeout token and bounds the task timeout by the longest job timeout', () => {
    // Prepare
    const stack = newStack();
    const hours = new CfnParameter(stack, 'TimeoutHours', { type: 'Number', default: 72 });

    // Act
    const fragment = addFragment(stack, 'Batch', { timeout: Duration.hours(hours.valueAsNumber) });
    const task = stack.resolve(fragment.createJobTask.toStateJson()) as Json;

    // Assess
    expect((task.Parameters as Json).Payload).toMatchObject({
      timeoutDurationInHours: { Ref: 'TimeoutHours' },
    });
    expect(task.TimeoutSeconds).toBe(168 * 3600 + 3600 + 5 * 60);
  });

  it('renders definitions that asl-validator accepts, with and without every option', () => {
    // Prepare
    const plain = newStack('Plain');
    machineWith(plain, [addFragment(plain, 'Batch')]);
    const full = newStack('Full');
    const vpc = new ec2.Vpc(full, 'Vpc', { maxAzs: 1, natGateways: 0 });
    machineWith(full, [
      addFragment(full, 'Batch', {
        inputPath: '$.input',
        resultPath: '$.output',
        encryptionKey: new kms.Key(full, 'Key'),
        vpcConfig: {
          subnets: vpc.isolatedSubnets,
          securityGroups: [new ec2.SecurityGroup(full, 'Group', { vpc })],
        },
        jobTags: { team: 'ml' },
        maxConcurrency: 40,
      }),
    ]);

    // Act
    const verdicts = [aslErrors(definitionOf(plain)), aslErrors(definitionOf(full))];

    // Assess
    expect(verdicts).toEqual(['', '']);
  });

  it('names every state after the construct id', () => {
    // Prepare
    const stack = newStack();
    const fragment = addFragment(stack, 'Reviews');
    machineWith(stack, [fragment]);

    // Act
    const names = Object.keys(allStates(definitionOf(stack))).filter(
      (name) => !['In', 'Out', 'Failed'].includes(name),
    );

    // Assess
    expect(names.sort()).toEqual([
      'Reviews Answer On Demand',
      'Reviews Check Input',
      'Reviews Choose Answer Mode',
      'Reviews Collect Results',
      'Reviews Create Job And Wait',
      'Reviews Dataset Job And Wait',
      'Reviews Default Invocation Type',
      'Reviews Invalid Input',
      'Reviews Keep Dataset Result',
      'Reviews Keep Job Failure',
      'Reviews Keep Job Result',
      'Reviews Keep On Demand Answers',
      'Reviews List On Demand Answers',
      'Reviews On Demand Done',
      'Reviews Prepare Dataset',
      'Reviews Prepare Retry Round',
      'Reviews Reject Input',
      'Reviews Retry Failed Records',
      'Reviews Run Dataset Jobs',
      'Reviews Run Jobs',
      'Reviews Start On Demand',
    ]);
    expect(fragment.startState.stateId).toBe('Reviews Check Input');
    expect(fragment.endStates).toEqual([
      fragment.mapState,
      fragment.rejectInputState,
      fragment.keepDatasetResultState,
    ]);
  });
});
