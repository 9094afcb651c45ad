import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { LocalFunction } from '../../../src/lambda/local-function.js';
import { type LocalAws, startLocalAws } from '../../../src/runtime/start-local-aws.js';
import { getTestEvent } from '../../helpers/events.js';

const ON_DEMAND = join(fileURLToPath(import.meta.url), '../../../fixtures/functions/on-demand');
const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';

let local: LocalAws | undefined;
let fn: LocalFunction | undefined;

async function start(): Promise<LocalFunction> {
  local = await startLocalAws({
    bedrock: { responder: ({ prompt }) => (prompt.includes('great') ? 'positive' : 'negative') },
  });
  fn = new LocalFunction({
    name: 'on-demand',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:on-demand',
    codeDirectory: ON_DEMAND,
    handler: 'index.handler',
    environment: { ...local.env },
    timeoutMs: 20_000,
    clock: local.clock,
  });
  return fn;
}

afterEach(async () => {
  await fn?.stop();
  fn = undefined;
  await local?.stop();
  local = undefined;
});

describe('Function: startLocalAws gives functions the runtime API', () => {
  it('sets AWS_ENDPOINT_URL_BEDROCK_RUNTIME to the emulator endpoint', async () => {
    // Act
    await start();

    // Assess
    expect(local?.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME).toBe(local?.bedrock.endpoint);
  });

  it('lets an unmodified BedrockRuntimeClient in a function call InvokeModel and Converse', async () => {
    // Prepare
    const invoke = await start();
    const modelInput = getTestEvent<Record<string, unknown>>('model-input', 'anthropic-claude');

    // Act
    const invoked = (await invoke.invoke({ modelId: CLAUDE, modelInput })) as {
      modelOutput: { content: Array<{ text: string }> };
    };
    const conversed = (await invoke.invoke({
      converse: true,
      modelId: CLAUDE,
      modelInput: { messages: [{ role: 'user', content: [{ text: 'terrible' }] }] },
    })) as { text: string; usage: { totalTokens: number } };

    // Assess
    expect(invoked.modelOutput.content[0]?.text).toBe('positive');
    expect(conversed.text).toBe('negative');
    expect(conversed.usage.totalTokens).toBeGreaterThan(0);
    expect(local?.bedrock.calls.map((c) => c.operation)).toEqual(['InvokeModel', 'Converse']);
  });

  it('shows the function a throttling fault as ThrottlingException (429)', async () => {
    // Prepare
    const invoke = await start();
    if (local) local.bedrock.faults.runtime.throttle.nextCalls = 1;

    // Act
    const result = await invoke.invoke({
      modelId: CLAUDE,
      modelInput: getTestEvent('model-input', 'anthropic-claude'),
    });

    // Assess
    expect(result).toEqual({ error: 'ThrottlingException', status: 429 });
  });

  it('creates a runtime client from the host process with createRuntimeClient', async () => {
    // Prepare
    await start();
    const client = local?.createRuntimeClient({ maxAttempts: 1 });

    // Act
    const { ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
    const response = await client?.send(
      new ConverseCommand({
        modelId: CLAUDE,
        messages: [{ role: 'user', content: [{ text: 'great' }] }],
      }),
    );
    client?.destroy();

    // Assess
    expect(response?.output?.message?.content?.[0]?.text).toBe('positive');
  });
});
