import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import {
  AssumeRoleCommand,
  MalformedPolicyDocumentException,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type BedrockEmulator,
  ManualClock,
  type StsServer,
  startBedrockEmulator,
  startStsServer,
} from '../../src/index.js';

const ROLE = 'arn:aws:iam::123456789012:role/OnDemandInvoker';
const START = Date.parse('2026-11-25T00:00:00Z');
const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource:
        'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    },
  ],
};

let sts: StsServer | undefined;
let emulator: BedrockEmulator | undefined;
const clients: Array<{ destroy(): void }> = [];

async function start(): Promise<STSClient> {
  sts = await startStsServer({ clock: new ManualClock({ start: START }) });
  const client = new STSClient({
    endpoint: sts.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await sts?.stop();
  await emulator?.stop();
  sts = undefined;
  emulator = undefined;
});

describe('Local STS: AssumeRole', () => {
  it('hands out a session that expires on the runtime clock and records its policy', async () => {
    const client = await start();

    const response = await client.send(
      new AssumeRoleCommand({
        RoleArn: ROLE,
        RoleSessionName: 'on-demand-request-1',
        Policy: JSON.stringify(POLICY),
        DurationSeconds: 900,
      }),
    );

    expect(response.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(response.Credentials?.SecretAccessKey).toBeTruthy();
    expect(response.Credentials?.SessionToken).toBeTruthy();
    expect(response.Credentials?.Expiration?.getTime()).toBe(START + 900_000);
    expect(response.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/OnDemandInvoker/on-demand-request-1',
    );
    expect(sts?.sessions).toEqual([
      {
        accessKeyId: response.Credentials?.AccessKeyId,
        roleArn: ROLE,
        roleSessionName: 'on-demand-request-1',
        policy: POLICY,
        durationSeconds: 900,
        expiration: START + 900_000,
      },
    ]);
  });

  it.each([
    ['a RoleArn that is no role ARN', { RoleArn: 'not-a-role-arn-at-all' }, "at 'roleArn'"],
    ['a 1-character RoleSessionName', { RoleSessionName: 'a' }, "at 'roleSessionName'"],
    ['a RoleSessionName with a space', { RoleSessionName: 'has space' }, "at 'roleSessionName'"],
    ['DurationSeconds 899', { DurationSeconds: 899 }, "at 'durationSeconds'"],
    ['DurationSeconds 43,201', { DurationSeconds: 43_201 }, "at 'durationSeconds'"],
    ['a Policy of 2,049 characters', { Policy: 'x'.repeat(2049) }, "at 'policy'"],
  ])('refuses %s as the service does, naming the parameter', async (_, change, where) => {
    const client = await start();
    const error = await client
      .send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'session-1', ...change }))
      .catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('ValidationError');
    expect((error as Error).message).toContain(where);
    expect(sts?.sessions).toEqual([]);
  });

  it('refuses a session policy that is not JSON', async () => {
    const client = await start();
    await expect(
      client.send(
        new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'session-1', Policy: '{not json' }),
      ),
    ).rejects.toBeInstanceOf(MalformedPolicyDocumentException);
  });
});

describe('Bedrock emulator: who made each call', () => {
  it('records the access key that signed a runtime call and the model it named', async () => {
    emulator = await startBedrockEmulator({ port: 0 });
    const runtime = emulator.createRuntimeClient({
      maxAttempts: 1,
      credentials: { accessKeyId: 'ASIASESSION00000001', secretAccessKey: 's', sessionToken: 't' },
    });
    clients.push(runtime);

    await runtime.send(
      new InvokeModelCommand({
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        body: new TextEncoder().encode(
          JSON.stringify({
            anthropic_version: 'bedrock-2023-05-31',
            max_tokens: 10,
            messages: [{ role: 'user', content: 'hi' }],
          }),
        ),
        contentType: 'application/json',
      }),
    );

    expect(emulator.calls).toEqual([
      {
        operation: 'InvokeModel',
        statusCode: 200,
        accessKeyId: 'ASIASESSION00000001',
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      },
    ]);
  });
});
