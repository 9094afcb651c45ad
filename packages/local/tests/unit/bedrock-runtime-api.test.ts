import {
  BedrockRuntimeClient,
  ConverseCommand,
  InternalServerException,
  InvokeModelCommand,
  ModelErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type BedrockEmulator,
  type BedrockEmulatorOptions,
  InvalidOptionError,
  type Responder,
  startBedrockEmulator,
} from '../../src/index.js';
import { getTestEvent } from '../helpers/events.js';

const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';

let emulator: BedrockEmulator | undefined;
let client: BedrockRuntimeClient | undefined;

async function start(options: BedrockEmulatorOptions = {}): Promise<BedrockRuntimeClient> {
  emulator = await startBedrockEmulator({ port: 0, ...options });
  client = emulator.createRuntimeClient({ maxAttempts: 1 });
  return client;
}

function modelInput(family: string): Record<string, unknown> {
  return getTestEvent<Record<string, unknown>>('model-input', family);
}

function invoke(modelId: string, body: unknown): InvokeModelCommand {
  return new InvokeModelCommand({
    modelId,
    body: new TextEncoder().encode(JSON.stringify(body)),
    contentType: 'application/json',
    accept: 'application/json',
  });
}

function json(body: Uint8Array | undefined): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
}

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await emulator?.stop();
  emulator = undefined;
});

describe('Runtime API: InvokeModel', () => {
  it('answers an Anthropic messages request in the Claude shape with token count headers', async () => {
    // Prepare
    const runtime = await start();

    // Act
    const response = await runtime.send(invoke(CLAUDE, modelInput('anthropic-claude')));

    // Assess
    const body = json(response.body);
    expect(response.contentType).toBe('application/json');
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: expect.stringMatching(/^Emulated response /) }],
    });
    const usage = body.usage as { input_tokens: number; output_tokens: number };
    expect(response.$metadata.httpStatusCode).toBe(200);
    expect(usage.input_tokens).toBeGreaterThan(5);
    expect(usage.output_tokens).toBeGreaterThan(5);
    expect(emulator?.calls.at(-1)).toEqual({
      operation: 'InvokeModel',
      statusCode: 200,
      accessKeyId: 'EMULATOR',
      modelId: CLAUDE,
    });
  });

  it('sends X-Amzn-Bedrock-Input-Token-Count and -Output-Token-Count equal to the body usage', async () => {
    // Prepare
    await start();
    const input = modelInput('amazon-nova');

    // Act
    const response = await fetch(`${emulator?.endpoint}/model/${encodeURIComponent(NOVA)}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });

    // Assess
    const body = (await response.json()) as {
      usage: { inputTokens: number; outputTokens: number };
    };
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(Number(response.headers.get('x-amzn-bedrock-input-token-count'))).toBe(
      body.usage.inputTokens,
    );
    expect(Number(response.headers.get('x-amzn-bedrock-output-token-count'))).toBe(
      body.usage.outputTokens,
    );
  });

  it('answers Amazon Nova, Meta Llama and Titan embeddings requests in their own shapes', async () => {
    // Prepare
    const runtime = await start();

    // Act
    const nova = json((await runtime.send(invoke(NOVA, modelInput('amazon-nova')))).body);
    const llama = json(
      (await runtime.send(invoke('meta.llama3-1-8b-instruct-v1:0', modelInput('meta-llama')))).body,
    );
    const titan = json(
      (await runtime.send(invoke(TITAN_EMBED, modelInput('titan-text-embeddings')))).body,
    );

    // Assess
    expect(nova).toMatchObject({
      output: { message: { role: 'assistant', content: [{ text: expect.any(String) }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
    });
    expect(llama).toMatchObject({ generation: expect.any(String), stop_reason: 'stop' });
    expect((titan.embedding as number[]).length).toBe(256);
    expect(titan.inputTextTokenCount).toBeGreaterThan(0);
  });

  it('truncates to max_tokens and reports stop_reason max_tokens', async () => {
    // Prepare
    const runtime = await start({ responder: () => 'word '.repeat(400) });

    // Act
    const body = json(
      (await runtime.send(invoke(CLAUDE, { ...modelInput('anthropic-claude'), max_tokens: 10 })))
        .body,
    );

    // Assess
    expect(body.stop_reason).toBe('max_tokens');
    expect((body.usage as { output_tokens: number }).output_tokens).toBe(10);
  });

  it('accepts the us. inference profile and a foundation-model ARN of a listed model', async () => {
    // Prepare
    const runtime = await start();
    const arn = `arn:aws:bedrock:us-east-1::foundation-model/${NOVA}`;

    // Act
    const viaProfile = await runtime.send(invoke(`us.${NOVA}`, modelInput('amazon-nova')));
    const viaArn = await runtime.send(invoke(arn, modelInput('amazon-nova')));

    // Assess
    expect(viaProfile.$metadata.httpStatusCode).toBe(200);
    expect(json(viaArn.body)).toEqual(json(viaProfile.body));
  });
});

describe('Runtime API: Converse', () => {
  it('answers in the Converse shape with output.message, stopReason, usage and metrics', async () => {
    // Prepare
    const runtime = await start();
    const input = modelInput('converse');

    // Act
    const response = await runtime.send(
      new ConverseCommand({
        modelId: CLAUDE,
        messages: input.messages as never,
        system: input.system as never,
        inferenceConfig: { maxTokens: 256 },
      }),
    );

    // Assess
    expect(response.output?.message?.role).toBe('assistant');
    expect(response.output?.message?.content?.[0]?.text).toMatch(/^Emulated response /);
    expect(response.stopReason).toBe('end_turn');
    const usage = response.usage;
    expect(usage?.inputTokens).toBeGreaterThan(5);
    expect(usage?.totalTokens).toBe((usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0));
    expect(response.metrics?.latencyMs).toBeGreaterThan(0);
  });

  it('rejects a Converse call without messages and a Converse call to an embeddings model', async () => {
    // Prepare
    const runtime = await start();

    // Act
    const noMessages = runtime.send(new ConverseCommand({ modelId: NOVA }));
    const embeddings = runtime.send(
      new ConverseCommand({
        modelId: TITAN_EMBED,
        messages: [{ role: 'user', content: [{ text: 'hello' }] }],
      }),
    );

    // Assess
    await expect(noMessages).rejects.toBeInstanceOf(ValidationException);
    await expect(embeddings).rejects.toThrow("This action doesn't support the model");
  });

  it('takes its text from the emulator responder, as batch records do', async () => {
    // Prepare
    const responder: Responder = ({ prompt, modelInvocationType }) =>
      prompt.includes('great') ? `positive via ${modelInvocationType}` : 'negative';
    const runtime = await start({ responder });

    // Act
    const converse = await runtime.send(
      new ConverseCommand({
        modelId: NOVA,
        messages: [{ role: 'user', content: [{ text: 'great product' }] }],
      }),
    );
    const invoked = json((await runtime.send(invoke(CLAUDE, modelInput('anthropic-claude')))).body);

    // Assess
    expect(converse.output?.message?.content?.[0]?.text).toBe('positive via Converse');
    expect(invoked.content).toEqual([{ type: 'text', text: 'positive via InvokeModel' }]);
  });
});

describe('Runtime API: validation', () => {
  it('answers ValidationException "The provided model identifier is invalid." for an unknown id', async () => {
    // Prepare
    const runtime = await start();

    // Act
    const call = runtime.send(invoke('acme.unknown-model-v1:0', modelInput('anthropic-claude')));

    // Assess
    await expect(call).rejects.toBeInstanceOf(ValidationException);
    await expect(call).rejects.toThrow('The provided model identifier is invalid.');
    expect(emulator?.calls.at(-1)).toMatchObject({ statusCode: 400 });
  });

  it('answers ResourceNotFoundException for a model ARN of an unknown model', async () => {
    // Prepare
    const runtime = await start();
    const arn = 'arn:aws:bedrock:us-east-1::foundation-model/acme.unknown-model-v1:0';

    // Act
    const call = runtime.send(invoke(arn, modelInput('anthropic-claude')));

    // Assess
    await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(call).rejects.toThrow(
      'Could not resolve the foundation model from the provided model identifier.',
    );
  });

  it('checks the modelId pattern and length of the service model', async () => {
    // Prepare
    await start();
    const post = (modelId: string) =>
      fetch(`${emulator?.endpoint}/model/${encodeURIComponent(modelId)}/invoke`, {
        method: 'POST',
        body: '{}',
      });

    // Act
    const badPattern = await post('bad model id!');
    const tooLong = await post(`a.${'b'.repeat(2047)}`);

    // Assess
    expect(badPattern.status).toBe(400);
    expect(badPattern.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(((await badPattern.json()) as { message: string }).message).toMatch(
      /^1 validation error detected: Value 'bad model id!' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    expect(((await tooLong.json()) as { message: string }).message).toContain(
      'Member must have length less than or equal to 2048',
    );
  });

  it('rejects an InvokeModel without a body and a body missing a required key', async () => {
    // Prepare
    await start();
    const url = `${emulator?.endpoint}/model/${encodeURIComponent(CLAUDE)}/invoke`;

    // Act
    const empty = await fetch(url, { method: 'POST' });
    const noMaxTokens = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });

    // Assess
    expect(empty.status).toBe(400);
    expect(empty.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(noMaxTokens.status).toBe(400);
    expect(((await noMaxTokens.json()) as { message: string }).message).toBe(
      'Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.',
    );
  });
});

describe('Runtime API: faults', () => {
  it('throttles the next calls with a ThrottlingException the SDK sees (429)', async () => {
    // Prepare
    const runtime = await start({ faults: { runtime: { throttle: { nextCalls: 2 } } } });

    // Act
    const first = runtime.send(invoke(CLAUDE, modelInput('anthropic-claude')));
    await expect(first).rejects.toBeInstanceOf(ThrottlingException);
    const second = runtime.send(invoke(CLAUDE, modelInput('anthropic-claude')));
    await expect(second).rejects.toBeInstanceOf(ThrottlingException);
    const third = await runtime.send(invoke(CLAUDE, modelInput('anthropic-claude')));

    // Assess
    expect(third.$metadata.httpStatusCode).toBe(200);
    expect(emulator?.faults.runtime.throttle.nextCalls).toBe(0);
    expect(emulator?.calls.map((c) => c.statusCode)).toEqual([429, 429, 200]);
  });

  it('throttles a seeded share of calls, the same calls for the same seed', async () => {
    // Prepare
    const outcomes: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const runtime = await start({ seed: 11 });
      if (emulator) emulator.faults.runtime.throttle.rate = 0.3; // a live change

      // Act
      for (let i = 0; i < 40; i++) {
        await runtime.send(invoke(NOVA, modelInput('amazon-nova'))).catch(() => undefined);
      }
      outcomes.push(emulator?.calls.map((c) => c.statusCode) ?? []);
      client?.destroy();
      await emulator?.stop();
      emulator = undefined;
    }

    // Assess
    const throttled = outcomes[0]?.filter((s) => s === 429).length ?? 0;
    expect(throttled).toBeGreaterThan(4);
    expect(throttled).toBeLessThan(24);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('applies throttling only to the listed operations', async () => {
    // Prepare
    const runtime = await start({
      faults: { runtime: { throttle: { nextCalls: 1, operations: ['Converse'] } } },
    });

    // Act
    const invoked = await runtime.send(invoke(CLAUDE, modelInput('anthropic-claude')));
    const converse = runtime.send(
      new ConverseCommand({
        modelId: CLAUDE,
        messages: [{ role: 'user', content: [{ text: 'x' }] }],
      }),
    );

    // Assess
    expect(invoked.$metadata.httpStatusCode).toBe(200);
    await expect(converse).rejects.toBeInstanceOf(ThrottlingException);
  });

  it.each([
    ['ModelTimeoutException', 408, ModelTimeoutException],
    ['ServiceUnavailableException', 503, ServiceUnavailableException],
    ['InternalServerException', 500, InternalServerException],
    ['ValidationException', 400, ValidationException],
    ['ModelErrorException', 424, ModelErrorException],
  ] as const)('injects %s with HTTP %i and its x-amzn-errortype', async (error, status, type) => {
    // Prepare
    const runtime = await start({ faults: { runtime: { errors: { nextCalls: 1, error } } } });

    // Act
    const call = runtime.send(invoke(CLAUDE, modelInput('anthropic-claude')));

    // Assess
    await expect(call).rejects.toBeInstanceOf(type);
    await expect(call).rejects.toMatchObject({ $metadata: { httpStatusCode: status } });
    expect(emulator?.calls.at(-1)).toEqual({
      operation: 'InvokeModel',
      statusCode: status,
      errorType: error,
      accessKeyId: 'EMULATOR',
      modelId: CLAUDE,
    });
  });

  it('fails a seeded share of calls with the error rate, and none once the rate is back to 0', async () => {
    // Prepare
    const runtime = await start({
      seed: 3,
      faults: { runtime: { errors: { rate: 0.5, error: 'ServiceUnavailableException' } } },
    });
    const send = () =>
      runtime.send(invoke(NOVA, modelInput('amazon-nova'))).then(
        () => 'ok',
        (e: Error) => e.name,
      );

    // Act
    const during: string[] = [];
    for (let i = 0; i < 30; i++) during.push(await send());
    if (emulator) emulator.faults.runtime.errors.rate = 0;
    const after: string[] = [];
    for (let i = 0; i < 10; i++) after.push(await send());

    // Assess
    const failed = during.filter((n) => n === 'ServiceUnavailableException').length;
    expect(failed).toBeGreaterThan(7);
    expect(failed).toBeLessThan(23);
    expect(during.filter((n) => n !== 'ok' && n !== 'ServiceUnavailableException')).toEqual([]);
    expect(after).toEqual(Array(10).fill('ok'));
  });

  it('rejects invalid runtime fault options', async () => {
    // Act
    const badError = startBedrockEmulator({
      faults: { runtime: { errors: { error: 'NopeException' as never } } },
    });
    const badRate = startBedrockEmulator({ faults: { runtime: { throttle: { rate: 2 } } } });

    // Assess
    await expect(badError).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(badRate).rejects.toThrow('faults.runtime.throttle.rate');
  });
});

describe('Runtime API: endpoint variable', () => {
  it('is reached by a default BedrockRuntimeClient through AWS_ENDPOINT_URL_BEDROCK_RUNTIME', async () => {
    // Prepare
    await start();
    const saved = { ...process.env };
    Object.assign(process.env, emulator?.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    const plain = new BedrockRuntimeClient({ maxAttempts: 1 });

    // Act
    let text: string | undefined;
    try {
      const response = await plain.send(
        new ConverseCommand({
          modelId: NOVA,
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
        }),
      );
      text = response.output?.message?.content?.[0]?.text;
    } finally {
      plain.destroy();
      process.env = saved;
    }

    // Assess
    expect(emulator?.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME).toBe(emulator?.endpoint);
    expect(text).toMatch(/^Emulated response /);
    expect(emulator?.calls).toEqual([
      { operation: 'Converse', statusCode: 200, accessKeyId: 'x', modelId: NOVA },
    ]);
  });
});
