import { Readable } from 'node:stream';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  InternalServerException,
  InvokeModelCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidInputError } from '../../src/errors.js';
import { backoffCeiling } from '../../src/full-jitter-backoff.js';
import {
  type InvokeOnDemandDeps,
  type InvokeOnDemandInput,
  invokeOnDemand,
  THROTTLED_MAX_ATTEMPTS,
  TRANSIENT_MAX_ATTEMPTS,
} from '../../src/invoke-on-demand.js';
import { classifyRecordError } from '../../src/record-error-class.js';
import { createDatasetS3 } from '../helpers/dataset-s3.js';
import { captureLogs } from '../helpers/log-capture.js';

const BUCKET = 'work-bucket';
const MANIFEST = 'bedrock-batch-work/exec-1/retry-1/part-00000.jsonl';
const OUTPUT = 'bedrock-batch-work/exec-1/retry-1/part-00000.jsonl.out';
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

const s3 = createDatasetS3({ chunkSize: 41 });
const runtime = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
});
const runtimeMock = mockClient(runtime);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The prompt of record `i`: a text that must never reach the logs. */
const promptOf = (i: number) => `secret review number ${i}: the soup was cold`;
const answerOf = (prompt: string) => `private answer about <${prompt}>`;
const recordIdOf = (i: number) => `REC${String(i).padStart(7, '0')}`;

function invokeModelManifest(count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      recordId: recordIdOf(i),
      modelInput: {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 64,
        messages: [{ role: 'user', content: [{ type: 'text', text: promptOf(i) }] }],
      },
    }),
  ).join('\n');
}

function converseManifest(count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      recordId: recordIdOf(i),
      modelInput: {
        messages: [{ role: 'user', content: [{ text: promptOf(i) }] }],
        inferenceConfig: { maxTokens: 64 },
      },
    }),
  ).join('\n');
}

function promptInBody(body: Uint8Array | string | undefined): string {
  const text = typeof body === 'string' ? body : decoder.decode(body);
  const input = JSON.parse(text) as { messages: { content: { text: string }[] }[] };
  return input.messages[0]?.content[0]?.text ?? '';
}

/** What the fake model answers to an InvokeModel body (a Claude Messages response). */
function invokeModelResponse(body: Uint8Array | string | undefined) {
  const text = answerOf(promptInBody(body));
  return {
    body: encoder.encode(
      JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'text', text }] }),
    ) as never,
    contentType: 'application/json',
    $metadata: {},
  };
}

const baseInput: InvokeOnDemandInput = {
  bucket: BUCKET,
  manifestKey: MANIFEST,
  outputKey: OUTPUT,
  modelId: MODEL,
  modelInvocationType: 'InvokeModel',
};

function deps(overrides: Partial<InvokeOnDemandDeps> = {}): InvokeOnDemandDeps {
  return {
    runtime,
    s3: s3.s3,
    remainingTimeMs: () => 600_000,
    sleep: async () => undefined,
    random: () => 0.5,
    ...overrides,
  };
}

interface OutLine {
  recordId: string;
  modelInput: Record<string, unknown>;
  modelOutput?: Record<string, unknown>;
  error?: { errorCode: number; errorMessage: string };
}

function outputLines(key = OUTPUT): OutLine[] {
  const text = s3.text(BUCKET, key);
  if (text === undefined) throw new Error(`test: no object ${key}`);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutLine);
}

const throttled = () =>
  new ThrottlingException({ message: 'Too many requests, please wait', $metadata: {} });

beforeEach(() => {
  s3.clear();
  s3.install({ chunkSize: 41 });
  runtimeMock.reset();
});

describe('invokeOnDemand: InvokeModel', () => {
  it('answers every record in manifest order, as .jsonl.out lines', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(5));
    runtimeMock
      .on(InvokeModelCommand)
      .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));

    const result = await invokeOnDemand(baseInput, deps());

    expect(result).toEqual({
      outputKey: OUTPUT,
      nextLine: 5,
      done: true,
      records: 5,
      success: 5,
      error: 0,
      tokens: { input: 0, output: 0 },
    });
    const lines = outputLines();
    expect(lines.map((line) => line.recordId)).toEqual([0, 1, 2, 3, 4].map(recordIdOf));
    expect(lines[2]).toEqual({
      recordId: recordIdOf(2),
      modelInput: {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 64,
        messages: [{ role: 'user', content: [{ type: 'text', text: promptOf(2) }] }],
      },
      modelOutput: {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'text', text: answerOf(promptOf(2)) }],
      },
    });
    const call = runtimeMock.commandCalls(InvokeModelCommand)[0]?.args[0].input;
    expect(call?.modelId).toBe(MODEL);
    expect(call?.contentType).toBe('application/json');
    expect(call?.serviceTier).toBeUndefined();
  });

  it('sends the service tier when given', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(1));
    runtimeMock
      .on(InvokeModelCommand)
      .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));
    await invokeOnDemand({ ...baseInput, serviceTier: 'flex' }, deps());
    expect(runtimeMock.commandCalls(InvokeModelCommand)[0]?.args[0].input.serviceTier).toBe('flex');
  });

  it('reads the token counts from the X-Amzn-Bedrock-*-Token-Count headers (a real client)', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(3));
    const requests: string[] = [];
    const realRuntime = new BedrockRuntimeClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: { path: string; body?: unknown }) => {
          requests.push(request.path);
          const prompt = promptInBody(request.body as Uint8Array | string);
          return {
            response: {
              statusCode: 200,
              headers: {
                'content-type': 'application/json',
                'x-amzn-requestid': 'req-1',
                'x-amzn-bedrock-input-token-count': String(prompt.length),
                'X-Amzn-Bedrock-Output-Token-Count': '7',
              },
              body: Readable.from([
                Buffer.from(
                  JSON.stringify({ content: [{ type: 'text', text: answerOf(prompt) }] }),
                ),
              ]),
            },
          };
        },
      } as never,
    });

    const result = await invokeOnDemand(baseInput, deps({ runtime: realRuntime }));

    const inputTokens = [0, 1, 2].reduce((sum, i) => sum + promptOf(i).length, 0);
    expect(result.tokens).toEqual({ input: inputTokens, output: 21 });
    expect(requests[0]).toBe(`/model/${encodeURIComponent(MODEL)}/invoke`);
    expect(outputLines()[1]?.modelOutput).toEqual({
      content: [{ type: 'text', text: answerOf(promptOf(1)) }],
    });
  });
});

describe('invokeOnDemand: manifest and output', () => {
  it('gives the same output for the same input (a retried call rewrites the same object)', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(6));
    runtimeMock
      .on(InvokeModelCommand)
      .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));
    const first = await invokeOnDemand({ ...baseInput, concurrency: 3 }, deps());
    const firstText = s3.text(BUCKET, OUTPUT);
    const second = await invokeOnDemand({ ...baseInput, concurrency: 3 }, deps());
    expect(second).toEqual(first);
    expect(s3.text(BUCKET, OUTPUT)).toBe(firstText);
  });

  it('skips blank lines: they are not records, and startLine counts records', async () => {
    const lines = invokeModelManifest(4).split('\n');
    s3.put(
      BUCKET,
      MANIFEST,
      ['', lines[0], '', lines[1], lines[2], '   ', lines[3], ''].join('\n'),
    );
    runtimeMock
      .on(InvokeModelCommand)
      .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));
    const result = await invokeOnDemand({ ...baseInput, startLine: 1 }, deps());
    expect(result).toMatchObject({ done: true, nextLine: 4, records: 3 });
    expect(outputLines().map((line) => line.recordId)).toEqual([1, 2, 3].map(recordIdOf));
  });

  it('fails naming the manifest when it cannot be read, and writes nothing', async () => {
    await expect(invokeOnDemand(baseInput, deps())).rejects.toThrow(
      `s3://${BUCKET}/${MANIFEST}: could not be read`,
    );
    expect(s3.text(BUCKET, OUTPUT)).toBeUndefined();
    expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(0);
  });
});

describe('invokeOnDemand: Converse', () => {
  it('sends the Converse request with modelId and writes the Converse response shape', async () => {
    s3.put(BUCKET, MANIFEST, converseManifest(3));
    runtimeMock.on(ConverseCommand).callsFake(async (input) => {
      const prompt =
        (input.messages?.[0]?.content?.[0] as { text?: string } | undefined)?.text ?? '';
      const inputTokens = prompt.length;
      return {
        output: { message: { role: 'assistant', content: [{ text: answerOf(prompt) }] } },
        stopReason: 'end_turn',
        usage: { inputTokens, outputTokens: 5, totalTokens: inputTokens + 5 },
        metrics: { latencyMs: 120 },
        $metadata: { httpStatusCode: 200, requestId: 'r' },
      };
    });

    const result = await invokeOnDemand(
      { ...baseInput, modelInvocationType: 'Converse', serviceTier: 'priority' },
      deps(),
    );

    const inputTokens = [0, 1, 2].reduce((sum, i) => sum + promptOf(i).length, 0);
    expect(result).toMatchObject({ done: true, success: 3, error: 0 });
    expect(result.tokens).toEqual({ input: inputTokens, output: 15 });
    const sent = runtimeMock.commandCalls(ConverseCommand)[0]?.args[0].input;
    expect(sent).toEqual({
      modelId: MODEL,
      messages: [{ role: 'user', content: [{ text: promptOf(0) }] }],
      inferenceConfig: { maxTokens: 64 },
      serviceTier: { type: 'priority' },
    });
    // The shape `@bedrock-batch/local` writes for a batch Converse job: no `$metadata`.
    expect(outputLines()[0]?.modelOutput).toEqual({
      output: { message: { role: 'assistant', content: [{ text: answerOf(promptOf(0)) }] } },
      stopReason: 'end_turn',
      usage: {
        inputTokens: promptOf(0).length,
        outputTokens: 5,
        totalTokens: promptOf(0).length + 5,
      },
      metrics: { latencyMs: 120 },
    });
  });
});

describe('invokeOnDemand: errors and retries', () => {
  it('retries throttling with growing, jittered backoff, then answers', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(1));
    runtimeMock
      .on(InvokeModelCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));
    const delays: number[] = [];
    const randoms = [0.9, 0.3, 0.7];

    const result = await invokeOnDemand(
      baseInput,
      deps({
        sleep: async (ms) => {
          delays.push(ms);
        },
        random: () => randoms.shift() ?? 0.5,
      }),
    );

    expect(result).toMatchObject({ done: true, success: 1, error: 0 });
    expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(4);
    // Full jitter: a random fraction of a ceiling that doubles each time.
    expect(delays).toEqual([
      Math.floor(0.9 * backoffCeiling(1)),
      Math.floor(0.3 * backoffCeiling(2)),
      Math.floor(0.7 * backoffCeiling(3)),
    ]);
    expect(backoffCeiling(2)).toBe(2 * backoffCeiling(1));
    expect(backoffCeiling(3)).toBe(2 * backoffCeiling(2));
    expect(delays.every((delay, i) => delay < backoffCeiling(i + 1))).toBe(true);
  });

  it('with the same random draws, the delays grow with the attempts', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(1));
    runtimeMock.on(InvokeModelCommand).rejects(throttled());
    const delays: number[] = [];
    const result = await invokeOnDemand(
      baseInput,
      deps({
        sleep: async (ms) => {
          delays.push(ms);
        },
        random: () => 0.5,
      }),
    );
    expect(delays).toHaveLength(THROTTLED_MAX_ATTEMPTS - 1);
    for (let i = 1; i < delays.length; i++) {
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number);
    }
    expect(delays[delays.length - 1]).toBeLessThan((delays[0] as number) * 32);
    // Exhausted: an error line that the next round retries.
    expect(result).toMatchObject({ done: true, success: 0, error: 1, nextLine: 1 });
    const error = outputLines()[0]?.error;
    expect(error).toEqual({
      errorCode: 429,
      errorMessage: 'ThrottlingException: Too many requests, please wait',
    });
    expect(classifyRecordError(error as NonNullable<typeof error>)).toBe('transient');
  });

  it('writes a permanent error at once, with the HTTP status and the exception name', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(3));
    runtimeMock.on(InvokeModelCommand).callsFake(async (input) => {
      if (promptInBody(input.body as Uint8Array) === promptOf(1)) {
        throw new ValidationException({
          message: 'Malformed input request: #: required key [max_tokens] not found',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return invokeModelResponse(input.body as Uint8Array);
    });

    const result = await invokeOnDemand(baseInput, deps());

    expect(result).toMatchObject({ done: true, records: 3, success: 2, error: 1 });
    expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(3);
    const line = outputLines()[1];
    expect(line?.recordId).toBe(recordIdOf(1));
    expect(line?.modelOutput).toBeUndefined();
    expect(line?.error).toEqual({
      errorCode: 400,
      errorMessage:
        'ValidationException: Malformed input request: #: required key [max_tokens] not found',
    });
    expect(classifyRecordError(line?.error as NonNullable<OutLine['error']>)).toBe('permanent');
  });

  it('retries other transient errors a few times before writing them', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(1));
    runtimeMock
      .on(InvokeModelCommand)
      .rejects(new InternalServerException({ message: 'Internal error', $metadata: {} }));
    const result = await invokeOnDemand(baseInput, deps());
    expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(TRANSIENT_MAX_ATTEMPTS);
    expect(result).toMatchObject({ error: 1, done: true });
    const error = outputLines()[0]?.error as NonNullable<OutLine['error']>;
    expect(error).toEqual({
      errorCode: 500,
      errorMessage: 'InternalServerException: Internal error',
    });
    expect(classifyRecordError(error)).toBe('transient');
  });

  it('treats an error without an HTTP status (connection lost) as a transient 500', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(1));
    const reset = Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' });
    runtimeMock
      .on(InvokeModelCommand)
      .rejectsOnce(reset)
      .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));
    const result = await invokeOnDemand(baseInput, deps());
    expect(result).toMatchObject({ success: 1, error: 0 });
  });

  it('writes an InvokeModel body that is not a JSON object as a transient error', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(1));
    runtimeMock.on(InvokeModelCommand).resolves({
      body: encoder.encode('not json') as never,
      contentType: 'text/plain',
      $metadata: {},
    });
    const result = await invokeOnDemand(baseInput, deps());
    expect(result).toMatchObject({ error: 1 });
    expect(outputLines()[0]?.error).toEqual({
      errorCode: 500,
      errorMessage: 'InvalidModelOutput: the response body is not JSON',
    });
  });
});

describe('invokeOnDemand: time budget', () => {
  /** A clock that loses `perCallMs` on each runtime call. */
  function budget(startMs: number, perCallMs: number) {
    let remaining = startMs;
    return {
      remainingTimeMs: () => remaining,
      spend: () => {
        remaining -= perCallMs;
      },
    };
  }

  it.each([1, 3])(
    'stops starting records when time runs low, and a resume completes the manifest (concurrency %i)',
    async (concurrency) => {
      s3.put(BUCKET, MANIFEST, invokeModelManifest(12));
      // Uninterrupted run, for reference.
      runtimeMock
        .on(InvokeModelCommand)
        .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));
      await invokeOnDemand({ ...baseInput, outputKey: 'ref.jsonl.out', concurrency }, deps());
      const reference = s3.text(BUCKET, 'ref.jsonl.out');

      const clock = budget(60_000, 10_000);
      runtimeMock.reset();
      runtimeMock.on(InvokeModelCommand).callsFake(async (input) => {
        clock.spend();
        await new Promise((resolve) => setTimeout(resolve, 1));
        return invokeModelResponse(input.body as Uint8Array);
      });
      const first = await invokeOnDemand(
        { ...baseInput, outputKey: 'part-a.jsonl.out', concurrency },
        deps({ remainingTimeMs: clock.remainingTimeMs }),
      );
      expect(first.done).toBe(false);
      expect(first.nextLine).toBeGreaterThan(0);
      expect(first.nextLine).toBeLessThan(12);
      expect(first.records).toBe(first.nextLine);
      expect(first.success).toBe(first.nextLine);
      // Every started call finished and was written: none was dropped.
      expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(first.nextLine);

      const second = await invokeOnDemand(
        { ...baseInput, outputKey: 'part-b.jsonl.out', concurrency, startLine: first.nextLine },
        deps(),
      );
      expect(second).toMatchObject({ done: true, nextLine: 12, records: 12 - first.nextLine });
      expect(`${s3.text(BUCKET, 'part-a.jsonl.out')}${s3.text(BUCKET, 'part-b.jsonl.out')}`).toBe(
        reference,
      );
    },
  );

  it('gives up a record whose retry would not fit, and drops the answers after it', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(3));
    runtimeMock.on(InvokeModelCommand).callsFake(async (input) => {
      if (promptInBody(input.body as Uint8Array) === promptOf(0)) throw throttled();
      return invokeModelResponse(input.body as Uint8Array);
    });
    const result = await invokeOnDemand(
      { ...baseInput, concurrency: 2 },
      deps({ remainingTimeMs: () => 15_500, random: () => 0.9 }),
    );
    expect(result).toEqual({
      outputKey: OUTPUT,
      nextLine: 0,
      done: false,
      records: 0,
      success: 0,
      error: 0,
      tokens: { input: 0, output: 0 },
    });
    expect(s3.text(BUCKET, OUTPUT)).toBe('');
  });

  it('aborts a call still running 5 s before the deadline and gives its record up', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(2));
    let aborted = 0;
    const slowRuntime = new BedrockRuntimeClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      requestHandler: {
        handle: (_request: unknown, options?: { abortSignal?: AbortSignal }) =>
          new Promise((_resolve, reject) => {
            options?.abortSignal?.addEventListener('abort', () => {
              aborted += 1;
              reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
            });
          }),
      } as never,
    });
    // 15 s when the record starts (just enough), then 5.03 s: the call is aborted after 30 ms.
    const readings = [15_000, 5_030];
    const result = await invokeOnDemand(
      { ...baseInput, concurrency: 1 },
      deps({ runtime: slowRuntime, remainingTimeMs: () => readings.shift() ?? 1_000 }),
    );
    expect(aborted).toBe(1);
    expect(result).toMatchObject({ done: false, nextLine: 0, records: 0 });
    expect(s3.text(BUCKET, OUTPUT)).toBe('');
  });

  it('starts nothing when the budget is already spent, and says where to resume', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(3));
    const result = await invokeOnDemand(
      { ...baseInput, startLine: 1 },
      deps({ remainingTimeMs: () => 1_000 }),
    );
    expect(result).toMatchObject({ done: false, nextLine: 1, records: 0 });
    expect(runtimeMock.commandCalls(InvokeModelCommand)).toHaveLength(0);
  });

  it('is done at once when startLine is the end of the manifest', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(3));
    const result = await invokeOnDemand({ ...baseInput, startLine: 3 }, deps());
    expect(result).toMatchObject({ done: true, nextLine: 3, records: 0 });
  });
});

describe('invokeOnDemand: concurrency', () => {
  it.each([1, 3, 8])(
    'never has more than %i calls in flight, and writes in manifest order',
    async (concurrency) => {
      s3.put(BUCKET, MANIFEST, invokeModelManifest(40));
      let inFlight = 0;
      let most = 0;
      let seed = 7;
      runtimeMock.on(InvokeModelCommand).callsFake(async (input) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        seed = (seed * 31 + 11) % 97;
        await new Promise((resolve) => setTimeout(resolve, seed % 6));
        inFlight -= 1;
        return invokeModelResponse(input.body as Uint8Array);
      });
      const result = await invokeOnDemand({ ...baseInput, concurrency }, deps());
      expect(result).toMatchObject({ done: true, records: 40 });
      expect(most).toBe(concurrency);
      expect(outputLines().map((line) => line.recordId)).toEqual(
        Array.from({ length: 40 }, (_, i) => recordIdOf(i)),
      );
    },
  );
});

describe('invokeOnDemand: invalid input', () => {
  it.each([
    [{ concurrency: 0 }, 'concurrency'],
    [{ concurrency: 2.5 }, 'concurrency'],
    [{ startLine: -1 }, 'startLine'],
    [{ modelInvocationType: 'Invoke' }, 'modelInvocationType'],
    [{ serviceTier: 'cheap' }, 'serviceTier'],
    [{ bucket: 'No_Bucket' }, 'bucket'],
    [{ modelId: '' }, 'modelId'],
    [{ outputKey: 'has space.jsonl.out' }, 'outputKey'],
    [{ extra: true }, 'extra'],
  ])('rejects %j naming the field and the value', async (change, field) => {
    const error = await invokeOnDemand({ ...baseInput, ...change } as never, deps()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).name).toBe('BedrockBatch.InvalidInput');
    expect((error as Error).message).toContain(field);
    const value = Object.values(change)[0];
    if (typeof value !== 'boolean') expect((error as Error).message).toContain(String(value));
  });

  it('rejects a manifest line that is not a record, naming the object and the line; writes nothing', async () => {
    s3.put(BUCKET, MANIFEST, `${invokeModelManifest(2)}\n{"recordId":"X","modelInput":"text"}\n`);
    runtimeMock
      .on(InvokeModelCommand)
      .callsFake(async (input) => invokeModelResponse(input.body as Uint8Array));
    await expect(invokeOnDemand(baseInput, deps())).rejects.toThrow(
      new InvalidInputError(`s3://${BUCKET}/${MANIFEST} line 3: modelInput must be a JSON object`),
    );
    expect(s3.text(BUCKET, OUTPUT)).toBeUndefined();
  });

  it('rejects a startLine past the end of the manifest', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(2));
    await expect(invokeOnDemand({ ...baseInput, startLine: 5 }, deps())).rejects.toThrow(
      /startLine: is past the end of .* which has 2 records \(received: 5\)/,
    );
    expect(s3.text(BUCKET, OUTPUT)).toBeUndefined();
  });
});

describe('invokeOnDemand: logs', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('never logs record contents or model output, even at DEBUG', async () => {
    s3.put(BUCKET, MANIFEST, invokeModelManifest(4));
    let calls = 0;
    runtimeMock.on(InvokeModelCommand).callsFake(async (input) => {
      calls += 1;
      if (calls === 1) throw throttled();
      const prompt = promptInBody(input.body as Uint8Array);
      if (prompt === promptOf(1)) {
        throw new ValidationException({
          message: `Input is blocked: ${prompt}`,
          $metadata: { httpStatusCode: 400 },
        });
      }
      return invokeModelResponse(input.body as Uint8Array);
    });

    const result = await invokeOnDemand(baseInput, deps({ logger: logs.logger }));

    expect(result).toMatchObject({ done: true, success: 3, error: 1 });
    const text = logs.text();
    expect(text).toContain('On-demand invocation done');
    expect(text).toContain('Retrying the record');
    expect(text).not.toContain('secret review');
    expect(text).not.toContain('private answer');
    expect(text).not.toContain('soup');
  });
});
