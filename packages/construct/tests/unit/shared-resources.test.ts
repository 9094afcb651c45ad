import { describe, expect, it } from '@jest/globals';
import { App, Duration, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { BedrockBatchConstructError, HandlerLogLevel, InvalidPropError } from '../../src/index.js';
import { allStates, aslErrors, definitionOf } from '../helpers/definition.js';
import { addFragment, machineWith, newStack } from '../helpers/stacks.js';

type Json = Record<string, unknown>;

function functionsOf(template: Template): Record<string, Json> {
  const found = template.findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    Object.entries(found).map(([id, fn]) => [
      id.replace(/^BedrockBatchSfnShared|Function[0-9A-F]{8}$/g, ''),
      fn.Properties as Json,
    ]),
  );
}

function environmentOf(template: Template, name: string): Record<string, unknown> {
  const fn = functionsOf(template)[name];
  return ((fn?.Environment as Json)?.Variables ?? {}) as Record<string, unknown>;
}

describe('Construct: BedrockBatchSfn shared resources', () => {
  it('creates one set of shared resources per stack, however many fragments it holds', () => {
    // Prepare
    const stack = newStack();

    // Act
    const first = addFragment(stack, 'First');
    const second = addFragment(stack, 'Second');
    const template = Template.fromStack(stack);

    // Assess
    template.resourceCountIs('AWS::Lambda::Function', 6);
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.resourceCountIs('AWS::Logs::LogGroup', 6);
    expect(first.sharedResources).toBe(second.sharedResources);
    expect(first.createJobFunction).toBe(second.createJobFunction);
    expect(first.bedrockBatchRole).not.toBe(second.bedrockBatchRole);
  });

  it('runs Node.js 22 on arm64 from the prebuilt bundles, with an explicit log group', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack);

    // Act
    const template = Template.fromStack(stack);

    // Assess
    const functions = functionsOf(template);
    expect(Object.keys(functions).sort()).toEqual([
      'CollectResults',
      'CreateJob',
      'JobEvent',
      'OnDemand',
      'PrepareDataset',
      'Reconcile',
    ]);
    for (const fn of Object.values(functions)) {
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } },
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('sets the environment contract of the three functions', () => {
    // Prepare
    const stack = newStack('OwnerStack');
    addFragment(stack, 'Batch', {
      timeout: Duration.hours(72),
      handlerLogLevel: HandlerLogLevel.WARN,
    });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    for (const name of ['CreateJob', 'JobEvent', 'Reconcile']) {
      expect(environmentOf(template, name)).toMatchObject({
        BEDROCK_BATCH_OWNER: 'OwnerStack',
        POWERTOOLS_SERVICE_NAME: 'bedrock-batch',
        POWERTOOLS_LOG_LEVEL: 'WARN',
      });
    }
    for (const name of ['CreateJob', 'JobEvent', 'Reconcile']) {
      expect(environmentOf(template, name)).toMatchObject({
        BEDROCK_BATCH_CONTROL_BUCKETS: { Ref: expect.stringMatching(/^BatchBucket/) },
      });
      expect(environmentOf(template, name)).not.toHaveProperty('RECONCILE_LOOKBACK_HOURS');
    }
  });

  it('lists each output bucket of the stack once as a control bucket', () => {
    // Prepare
    const stack = newStack();
    const other = new s3.Bucket(stack, 'OtherOutput');
    addFragment(stack, 'First');
    addFragment(stack, 'Second');
    addFragment(stack, 'Third', { bedrockBatchOutputBucket: other });

    // Act
    const environment = environmentOf(Template.fromStack(stack), 'Reconcile');

    // Assess
    expect(environment.BEDROCK_BATCH_CONTROL_BUCKETS).toEqual({
      'Fn::Join': [
        '',
        [
          { Ref: expect.stringMatching(/^BatchBucket/) },
          ',',
          { Ref: expect.stringMatching(/^OtherOutput/) },
        ],
      ],
    });
  });

  it.each(['bedrock-batch-control/', 'bedrock-batch-control/mine/'])(
    'rejects an output prefix %j that would let the Bedrock role reach the job tickets',
    (outputPrefix) => {
      // Act
      let thrown: unknown;
      try {
        addFragment(newStack(), 'Batch', { outputPrefix });
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(InvalidPropError);
      expect((thrown as Error).message).toMatch(/outputPrefix.*bedrock-batch-control/);
    },
  );

  it('merges fragment settings: shortest period, most verbose log level', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack, 'Slow', {
      timeout: Duration.hours(120),
      reconcilePeriod: Duration.minutes(10),
    });
    addFragment(stack, 'Fast', {
      timeout: Duration.hours(24),
      reconcilePeriod: Duration.minutes(2),
      handlerLogLevel: HandlerLogLevel.DEBUG,
    });
    addFragment(stack, 'Quiet', { handlerLogLevel: HandlerLogLevel.ERROR });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    expect(environmentOf(template, 'Reconcile')).toMatchObject({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
  });

  it('matches terminal Bedrock batch job state changes and schedules reconcile every 5 minutes', () => {
    // Prepare
    const stack = newStack();
    addFragment(stack);

    // Act
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.bedrock'],
        'detail-type': ['Batch Inference Job State Change'],
        detail: {
          status: Match.arrayEquals([
            'Completed',
            'PartiallyCompleted',
            'Failed',
            'Stopped',
            'Expired',
          ]),
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobEventFunction'), 'Arn'] },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ReconcileFunction'), 'Arn'] },
        }),
      ],
    });
  });

  it('synthesizes two stacks in one app, each with its own shared resources and owner', () => {
    // Prepare
    const app = new App();
    const one = newStack('One', app);
    const two = newStack('Two', app);

    // Act
    machineWith(one, [addFragment(one)]);
    machineWith(two, [addFragment(two)]);
    const assembly = app.synth();

    // Assess
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['One', 'Two']);
    expect(environmentOf(Template.fromStack(one), 'CreateJob').BEDROCK_BATCH_OWNER).toBe('One');
    expect(environmentOf(Template.fromStack(two), 'CreateJob').BEDROCK_BATCH_OWNER).toBe('Two');
    Template.fromStack(two).resourceCountIs('AWS::Lambda::Function', 6);
  });

  it('synthesizes stacks of the same name in two apps in one process', () => {
    // Prepare
    const first = newStack('Same', new App());
    const second = newStack('Same', new App());

    // Act
    machineWith(first, [addFragment(first)]);
    machineWith(second, [addFragment(second)]);

    // Assess
    Template.fromStack(first).resourceCountIs('AWS::Lambda::Function', 6);
    Template.fromStack(second).resourceCountIs('AWS::Lambda::Function', 6);
  });

  it('runs two fragments in one state machine, with distinct state names', () => {
    // Prepare
    const stack = newStack();
    const first = addFragment(stack, 'Summaries');
    const second = addFragment(stack, 'Embeddings', { inputPath: '$[0]', resultPath: '$' });

    // Act
    machineWith(stack, [first, second]);
    const definition = definitionOf(stack);
    const states = allStates(definition);

    // Assess
    expect(aslErrors(definition)).toBe('');
    expect(states['Summaries Run Jobs']?.Next).toBe('Embeddings Check Input');
    expect(states['Embeddings Run Jobs']?.Next).toBe('Out');
    expect(
      Object.keys(states)
        .filter((name) => name.endsWith('Create Job And Wait'))
        .sort(),
    ).toEqual(['Embeddings Create Job And Wait', 'Summaries Create Job And Wait']);
  });

  it('finds the shared resources of a fragment nested in another construct', () => {
    // Prepare
    const stack = newStack();
    const group = new Construct(stack, 'Group');

    // Act
    addFragment(stack, 'Top');
    const nested = addFragment(group, 'Nested');

    // Assess
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 6);
    expect(nested.sharedResources.node.path).toBe('TestStack/BedrockBatchSfnShared');
  });

  it('throws when the reserved construct id is taken by something else', () => {
    // Prepare
    const stack = newStack();
    new Construct(stack, 'BedrockBatchSfnShared');

    // Act
    const first = () => addFragment(stack, 'First');
    const second = () => addFragment(stack, 'Second');

    // Assess
    expect(first).toThrow(BedrockBatchConstructError);
    expect(second).toThrow(/"BedrockBatchSfnShared" is reserved/);
  });
});
