import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { OnDemandProgressSchema } from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsClients } from '../../src/clients.js';
import { makeOnDemandHandler } from '../../src/handlers/on-demand.js';
import { createDatasetS3 } from '../helpers/dataset-s3.js';
import { getTestEvent } from '../helpers/events.js';
import { captureLogs } from '../helpers/log-capture.js';
import { rejection } from '../helpers/rejection.js';

const fake = createDatasetS3();
const runtime = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
});
const runtimeMock = mockClient(runtime);
const clients = { ...createAwsClients({}), s3: fake.s3 };
const encoder = new TextEncoder();
let logs: ReturnType<typeof captureLogs>;

/** A Lambda context whose remaining time is read from `left`. */
function contextWith(left: () => number) {
  return {
    awsRequestId: 'request-1',
    functionName: 'on-demand',
    getRemainingTimeInMillis: left,
  } as never;
}

function payload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...getTestEvent('on-demand', 'first-call'), ...extra };
}

function manifest(count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      recordId: `R${String(i).padStart(11, '0')}`,
      modelInput: {
        messages: [{ role: 'user', content: [{ type: 'text', text: `review ${i}` }] }],
      },
    }),
  ).join('\n');
}

beforeEach(() => {
  fake.install();
  fake.clear();
  runtimeMock.reset();
  runtimeMock.on(InvokeModelCommand).resolves({
    body: encoder.encode('{"content":[{"type":"text","text":"positive"}]}') as never,
    contentType: 'application/json',
    $metadata: {},
  });
  logs = captureLogs();
});

afterEach(() => {
  logs.restore();
});

describe('Handler: on-demand', () => {
  it('answers the whole manifest into its part under the work prefix and says it is done', async () => {
    // Prepare
    const event = payload();
    fake.put('work-bucket', String(event.manifestKey), manifest(5));
    const handler = makeOnDemandHandler({ clients, runtime, logger: logs.logger });

    // Act
    const progress = await handler(
      event,
      contextWith(() => 600_000),
    );

    // Assess
    expect(OnDemandProgressSchema.parse(progress)).toEqual({
      done: true,
      startLine: 5,
      outputPrefix: 'bedrock-batch-work/Reviews/run-7/c8ab/on-demand/',
      tokens: { input: 0, output: 0 },
    });
    const part = fake.text(
      'work-bucket',
      'bedrock-batch-work/Reviews/run-7/c8ab/on-demand/part-000000000.jsonl.out',
    );
    const lines = (part ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.recordId)).toEqual([
      'R00000000000',
      'R00000000001',
      'R00000000002',
      'R00000000003',
      'R00000000004',
    ]);
    expect(lines.every((line) => line.modelOutput?.content?.[0]?.text === 'positive')).toBe(true);
    expect(logs.text()).not.toContain('review 3');
  });

  it('resumes at startLine, into its own part, and adds its tokens to those it was given', async () => {
    const event = payload({ startLine: 3, tokens: { input: 100, output: 7 } });
    fake.put('work-bucket', String(event.manifestKey), manifest(5));
    const handler = makeOnDemandHandler({ clients, runtime, logger: logs.logger });

    const progress = await handler(
      event,
      contextWith(() => 600_000),
    );

    expect(progress).toMatchObject({ done: true, startLine: 5, tokens: { input: 100, output: 7 } });
    const part = fake.text(
      'work-bucket',
      'bedrock-batch-work/Reviews/run-7/c8ab/on-demand/part-000000003.jsonl.out',
    );
    expect((part ?? '').trim().split('\n')).toHaveLength(2);
  });

  it('fails instead of looping when it has no time to answer one record', async () => {
    const event = payload();
    fake.put('work-bucket', String(event.manifestKey), manifest(5));
    const handler = makeOnDemandHandler({ clients, runtime, logger: logs.logger });

    const error = await rejection(
      handler(
        event,
        contextWith(() => 1_000),
      ),
    );

    expect(error.message).toContain('had no time to answer record 0');
    expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(0);
  });

  it('rejects a payload that is not an OnDemandPayload, naming the field', async () => {
    const handler = makeOnDemandHandler({ clients, runtime, logger: logs.logger });
    const error = await rejection(
      handler(
        payload({ startLine: -1 }),
        contextWith(() => 600_000),
      ),
    );
    expect(error.name).toBe('BedrockBatch.InvalidInput');
    expect(error.message).toContain('startLine');
  });
});

describe('Handler: on-demand with an invoker role', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/OnDemandInvoker';
  const sts = new STSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const stsMock = mockClient(sts);
  let sessionRuntime: ReturnType<typeof mockClient>;

  beforeEach(() => {
    stsMock.reset();
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIASESSION000000001',
        SecretAccessKey: 'session-secret',
        SessionToken: 'session-token',
        Expiration: new Date('2026-11-25T01:00:00Z'),
      },
    });
    // Clients created by the handler (not the injected `runtime`) answer here.
    sessionRuntime = mockClient(BedrockRuntimeClient);
    sessionRuntime.on(InvokeModelCommand).resolves({
      body: encoder.encode('{"content":[{"type":"text","text":"negative"}]}') as never,
      contentType: 'application/json',
      $metadata: {},
    });
  });

  afterEach(() => {
    sessionRuntime.restore();
  });

  function roleContext() {
    return {
      awsRequestId: 'request-7',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:on-demand',
      getRemainingTimeInMillis: () => 600_000,
    } as never;
  }

  it('assumes the role narrowed to the payload model and makes every call with that session', async () => {
    const event = payload();
    fake.put('work-bucket', String(event.manifestKey), manifest(3));
    const handler = makeOnDemandHandler({
      clients,
      runtime,
      sts,
      invokerRoleArn: ROLE,
      logger: logs.logger,
    });

    const progress = await handler(event, roleContext());

    expect(progress).toMatchObject({ done: true, startLine: 3 });
    const [assume] = stsMock.commandCalls(AssumeRoleCommand);
    expect(assume?.args[0].input).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: 'on-demand-request-7',
      DurationSeconds: 900,
    });
    const policy = JSON.parse(String(assume?.args[0].input.Policy));
    expect(policy.Statement).toEqual([
      {
        Sid: 'TheExecutionModel',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource:
          'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      },
    ]);
    expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(0);
    const calls = sessionRuntime.commandCalls(InvokeModelCommand);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      const client = call.thisValue as BedrockRuntimeClient;
      await expect(client.config.credentials()).resolves.toMatchObject({
        accessKeyId: 'ASIASESSION000000001',
        sessionToken: 'session-token',
      });
    }
  });

  it('reads the role from BEDROCK_BATCH_ON_DEMAND_ROLE_ARN', async () => {
    const event = payload({ modelId: 'us.amazon.nova-pro-v1:0' });
    fake.put('work-bucket', String(event.manifestKey), manifest(1));
    const saved = process.env.BEDROCK_BATCH_ON_DEMAND_ROLE_ARN;
    process.env.BEDROCK_BATCH_ON_DEMAND_ROLE_ARN = ROLE;
    try {
      const handler = makeOnDemandHandler({ clients, runtime, sts, logger: logs.logger });
      await handler(event, roleContext());
    } finally {
      if (saved === undefined) delete process.env.BEDROCK_BATCH_ON_DEMAND_ROLE_ARN;
      else process.env.BEDROCK_BATCH_ON_DEMAND_ROLE_ARN = saved;
    }
    const [assume] = stsMock.commandCalls(AssumeRoleCommand);
    expect(assume?.args[0].input.RoleArn).toBe(ROLE);
    expect(String(assume?.args[0].input.Policy)).toContain(
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0',
    );
  });

  it('assumes nothing for a payload it refuses', async () => {
    const handler = makeOnDemandHandler({
      clients,
      runtime,
      sts,
      invokerRoleArn: ROLE,
      logger: logs.logger,
    });
    const error = await rejection(handler(payload({ modelId: 'not a model' }), roleContext()));
    expect(error.message).toContain('modelId: ');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});
