import { describe, expect, it } from '@jest/globals';
import { modelFamilyOf } from '../../src/bedrock/models.js';
import {
  defaultResponder,
  type ModelInvocationType,
  promptTextOf,
  respond,
} from '../../src/bedrock/responses.js';
import { getTestEvent } from '../helpers/events.js';

function run(
  modelId: string,
  fixture: string,
  type: ModelInvocationType = 'InvokeModel',
  responder = defaultResponder,
) {
  const modelInput = getTestEvent<Record<string, unknown>>('model-input', fixture);
  return respond(
    {
      recordId: 'REC1',
      modelInput,
      modelId,
      family: modelFamilyOf(modelId),
      modelInvocationType: type,
      jobName: 'j',
    },
    responder,
  );
}

describe('Function: respond', () => {
  it('answers Claude in the Anthropic messages shape with token usage', () => {
    // Act
    const result = run('us.anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic-claude');

    // Assess
    expect(result).toMatchObject({
      ok: true,
      modelOutput: {
        id: expect.stringMatching(/^msg_bdrk_[0-9a-f]{16}$/),
        type: 'message',
        role: 'assistant',
        model: 'claude-3-5-haiku-20241022',
        content: [
          {
            type: 'text',
            text: expect.stringMatching(
              /^Emulated response [0-9a-f]{8} to a prompt of \d+ characters\.$/,
            ),
          },
        ],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
      },
    });
  });

  it('answers Nova in the Nova shape', () => {
    // Act
    const result = run('amazon.nova-lite-v1:0', 'amazon-nova');

    // Assess
    expect(result).toMatchObject({
      ok: true,
      modelOutput: {
        output: { message: { role: 'assistant', content: [{ text: expect.any(String) }] } },
        stopReason: 'end_turn',
        usage: {
          inputTokens: expect.any(Number),
          outputTokens: expect.any(Number),
          totalTokens: expect.any(Number),
        },
      },
    });
  });

  it('answers Titan text embeddings with a normalized vector of the requested size', () => {
    // Act
    const result = run('amazon.titan-embed-text-v2:0', 'titan-text-embeddings');

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const embedding = result.modelOutput.embedding as number[];
    expect(embedding).toHaveLength(256);
    const norm = Math.sqrt(embedding.reduce((sum, v) => sum + v * v, 0));
    expect(norm).toBeCloseTo(1, 3);
    expect(result.modelOutput.inputTextTokenCount).toBe(7);
    expect(result.outputTokens).toBe(0);
  });

  it('answers Llama in the Meta shape', () => {
    // Act
    const result = run('meta.llama3-1-70b-instruct-v1:0', 'meta-llama');

    // Assess
    expect(result).toMatchObject({
      ok: true,
      modelOutput: {
        generation: expect.any(String),
        prompt_token_count: expect.any(Number),
        generation_token_count: expect.any(Number),
        stop_reason: 'stop',
      },
    });
  });

  it('answers a Converse job in the Converse shape, whatever the model family', () => {
    // Act
    const result = run('anthropic.claude-3-haiku-20240307-v1:0', 'converse', 'Converse');

    // Assess
    expect(result).toMatchObject({
      ok: true,
      modelOutput: {
        output: { message: { role: 'assistant' } },
        stopReason: 'end_turn',
        metrics: { latencyMs: expect.any(Number) },
      },
    });
  });

  it('counts about four characters per token and truncates to max_tokens', () => {
    // Act
    const result = run(
      'anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic-claude',
      'InvokeModel',
      () => 'x'.repeat(2_000),
    );

    // Assess
    const prompt = promptTextOf(getTestEvent('model-input', 'anthropic-claude'));
    expect(result).toMatchObject({
      ok: true,
      inputTokens: Math.ceil(prompt.length / 4),
      outputTokens: 256,
      modelOutput: { stop_reason: 'max_tokens' },
    });
  });

  it('is deterministic for the same prompt', () => {
    // Act / Assess
    expect(run('amazon.nova-pro-v1:0', 'amazon-nova')).toEqual(
      run('amazon.nova-pro-v1:0', 'amazon-nova'),
    );
  });

  it('fails the record with the responder error message when the responder throws', () => {
    // Act
    const result = run('amazon.nova-pro-v1:0', 'amazon-nova', 'InvokeModel', () => {
      throw new Error('content filtered');
    });

    // Assess
    expect(result).toEqual({ ok: false, errorCode: 400, errorMessage: 'content filtered' });
  });

  it('fails a Claude record that has no messages, as the model runtime does', () => {
    // Act
    const result = respond(
      {
        recordId: 'R',
        modelInput: { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, prompt: 'hi' },
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        family: 'anthropic-claude',
        modelInvocationType: 'InvokeModel',
        jobName: 'j',
      },
      defaultResponder,
    );

    // Assess
    expect(result).toEqual({
      ok: false,
      errorCode: 400,
      errorMessage:
        'Malformed input request: #: required key [messages] not found, please reformat your input and try again.',
    });
  });
});

describe('Function: modelFamilyOf', () => {
  it.each([
    ['anthropic.claude-sonnet-4-20250514-v1:0', 'anthropic-claude'],
    ['eu.amazon.nova-micro-v1:0', 'amazon-nova'],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v1',
      'titan-text-embeddings',
    ],
    ['us.meta.llama4-scout-17b-instruct-v1:0', 'meta-llama'],
    ['cohere.command-r-v1:0', 'other'],
  ])('maps %s to %s', (modelId, family) => {
    // Act / Assess
    expect(modelFamilyOf(modelId)).toBe(family);
  });
});
