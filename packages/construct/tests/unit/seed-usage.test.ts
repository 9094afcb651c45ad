import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  App,
  Duration,
  aws_iam as iam,
  Stack,
  aws_s3 as s3,
  aws_stepfunctions as sfn,
} from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
// The seed imports from "@cdklabs/generative-ai-cdk-constructs"; this is the only change.
import { BedrockBatchSfn } from '../../src/index.js';
import { aslErrors, definitionOf } from '../helpers/definition.js';

/** The usage code of the upstream README, verbatim apart from the import above. */
function seedUsage(stack: Stack): sfn.StateMachine {
  const batchBucket = new s3.Bucket(stack, 'BedrockBatchBucket');

  const batchPolicy = new iam.ManagedPolicy(stack, 'BatchPolicy', {});

  batchPolicy.addStatements(
    new iam.PolicyStatement({
      sid: 'Inference',
      actions: ['bedrock:InvokeModel', 'bedrock:CreateModelInvocationJob'],
      resources: [`arn:aws:bedrock:${stack.region}::foundation-model/*`],
    }),
  );

  const bedrockBatchSfnFragment = new BedrockBatchSfn(stack, 'AwsBedrockBatchSfn', {
    bedrockBatchInputBucket: batchBucket,
    bedrockBatchOutputBucket: batchBucket,
    bedrockBatchPolicy: batchPolicy,
    timeout: Duration.hours(48),
  });

  const inputState = new sfn.Pass(stack, 'InputState', {
    parameters: {
      job_name: 'test_job',
      manifest_keys: ['test_key.jsonl'],
      model_id: 'test.model-v1',
    },
  });

  const outputState = new sfn.Pass(stack, 'OutputState');

  const failState = new sfn.Fail(stack, 'FailState', {
    causePath: sfn.JsonPath.stringAt('$.cause'),
    errorPath: sfn.JsonPath.stringAt('$.error'),
  });

  const chain = inputState.next(bedrockBatchSfnFragment).next(outputState);

  // biome-ignore lint/suspicious/useIterableCallbackReturn: the seed's code, kept verbatim
  bedrockBatchSfnFragment.endStates.map((endState) => {
    if (endState instanceof sfn.TaskStateBase) {
      endState.addCatch(failState);
    }
  });

  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(chain),
  });
  return stateMachine;
}

describe('Construct: BedrockBatchSfn with the upstream usage code', () => {
  it('synthesizes the seed pattern with only the import changed', () => {
    // Prepare
    const stack = new Stack(new App(), 'SeedStack');

    // Act
    seedUsage(stack);
    const template = Template.fromStack(stack);

    // Assess
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Lambda::Function', 6);
    const definition = definitionOf(stack);
    expect(aslErrors(definition)).toBe('');
    expect(definition.StartAt).toBe('InputState');
    const states = definition.States as Record<string, Record<string, unknown>>;
    expect(states.InputState?.Next).toBe('AwsBedrockBatchSfn Check Input');
    expect(states['AwsBedrockBatchSfn Run Jobs']?.Next).toBe('OutputState');
  });

  it('attaches the seed policy to the Bedrock service role and to no Lambda role', () => {
    // Prepare
    const stack = new Stack(new App(), 'SeedStack');

    // Act
    seedUsage(stack);
    const template = Template.fromStack(stack);

    // Assess
    const roles = template.findResources('AWS::IAM::Role');
    const withPolicy = Object.entries(roles).filter(([, role]) =>
      JSON.stringify(role.Properties?.ManagedPolicyArns ?? []).includes('BatchPolicy'),
    );
    expect(withPolicy.map(([id]) => id)).toEqual([
      expect.stringMatching(/^AwsBedrockBatchSfnBedrockBatchRole/),
    ]);
  });

  it('keeps the upstream loop harmless: it finds no task among the end states, and addCatch does the rest', () => {
    // Prepare
    const stack = new Stack(new App(), 'SeedStack');

    // Act
    seedUsage(stack);

    // Assess: the end states are a Map, a Parallel and the Pass that ends a dataset input,
    // none a TaskStateBase: the loop catches nothing, and the manifest path stays uncaught, as
    // upstream (the upstream Map is no task either); the README shows addCatch instead.
    const states = definitionOf(stack).States as Record<string, { Catch?: unknown[] }>;
    const caught = Object.entries(states)
      .filter(([, state]) => JSON.stringify(state.Catch ?? []).includes('FailState'))
      .map(([name]) => name);
    expect(caught).toEqual([]);
    expect(states['AwsBedrockBatchSfn Run Jobs']?.Catch).toBeUndefined();
  });

  it('synthesizes without raising any CDK error: the CLI error file stays absent', () => {
    // Prepare: the CDK CLI points CDK_ERROR_FILE at cdk.out/error.txt; CDK writes an error's code
    // there when it constructs the error, even one it catches itself.
    const folder = mkdtempSync(join(tmpdir(), 'error-file-'));
    const errorFile = join(folder, 'error.txt');
    const previous = process.env.CDK_ERROR_FILE;
    process.env.CDK_ERROR_FILE = errorFile;
    try {
      const app = new App({ outdir: join(folder, 'cdk.out') });
      seedUsage(new Stack(app, 'SeedStack'));

      // Act
      app.synth();

      // Assess
      expect(existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : 'absent').toBe('absent');
    } finally {
      if (previous === undefined) delete process.env.CDK_ERROR_FILE;
      else process.env.CDK_ERROR_FILE = previous;
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
