import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  BatchFragmentInputSchema,
  BedrockBatchSchemaError,
  ContractValidationError,
  CreateJobPayloadSchema,
  toValidationIssues,
  validate,
} from '../../src/index.js';
import { getTestEvent } from '../helpers/events.js';

function thrownBy(action: () => unknown): ContractValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ContractValidationError) return error;
    throw error;
  }
  throw new Error('expected a ContractValidationError');
}

describe('Function: validate', () => {
  it('returns the typed value for valid input', () => {
    const input = validate(BatchFragmentInputSchema, getTestEvent('fragment-input', 'valid-seed'));
    expect(input.manifest_keys).toEqual(['test_key.jsonl']);
  });

  it('throws one readable error naming each path and value received', () => {
    const error = thrownBy(() =>
      validate(BatchFragmentInputSchema, { job_name: 42, manifest_keys: [], model_id: 'a b' }),
    );
    expect(error).toBeInstanceOf(BedrockBatchSchemaError);
    expect(error.name).toBe('ContractValidationError');
    expect(error.message).toBe(
      'Invalid BatchFragmentInput: ' +
        'job_name: Invalid input: expected string, received number (received: 42); ' +
        'manifest_keys: must list at least one manifest (received: []); ' +
        'model_id: must not contain white space (received: "a b")',
    );
    expect(error.issues).toHaveLength(3);
  });

  it('reports a missing field as undefined', () => {
    const error = thrownBy(() =>
      validate(BatchFragmentInputSchema, { job_name: 'x', model_id: 'm' }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'manifest_keys', received: 'undefined' }),
    ]);
  });

  it('names each unknown field with its value', () => {
    const error = thrownBy(() =>
      validate(BatchFragmentInputSchema, {
        job_name: 'x',
        manifest_keys: ['a.jsonl'],
        model_id: 'm',
        extra: { deep: true },
      }),
    );
    expect(error.issues).toEqual([
      { path: 'extra', message: 'is not a known field', received: '{"deep":true}' },
    ]);
  });

  it('never copies a task token into the message', () => {
    const payload = getTestEvent<Record<string, unknown>>(
      'create-job-payload',
      'invalid-token-too-long',
    );
    const token = payload.taskToken as string;
    const error = thrownBy(() => validate(CreateJobPayloadSchema, payload));
    expect(error.message).toContain('taskToken: must be at most 2048 characters');
    expect(error.message).toContain('[redacted, 2049 characters]');
    expect(error.message).not.toContain(token.slice(0, 40));
  });

  it('redacts token fields nested in a reported value', () => {
    const error = thrownBy(() =>
      validate(z.object({ inner: z.object({ n: z.number() }) }), {
        inner: { n: 'x', clientRequestToken: 'secret-value' },
      }),
    );
    expect(error.message).not.toContain('secret-value');
  });

  it('shortens long values received', () => {
    const error = thrownBy(() => validate(z.number(), 'y'.repeat(500)));
    expect(error.issues[0]?.received.length).toBeLessThanOrEqual(80);
    expect(error.issues[0]?.received.endsWith('…')).toBe(true);
    expect(error.issues[0]?.path).toBe('(root)');
  });

  it('calls an untitled schema "value"', () => {
    const error = thrownBy(() => validate(z.string(), 1));
    expect(error.message.startsWith('Invalid value: ')).toBe(true);
  });

  it('keeps the zod error as the cause', () => {
    const error = thrownBy(() => validate(z.string(), 1));
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });
});

describe('Function: toValidationIssues', () => {
  it('formats array indexes and nested paths', () => {
    const data = { a: [{ b: 1 }] };
    const result = z.object({ a: z.array(z.object({ b: z.string() })) }).safeParse(data);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(toValidationIssues(result.error.issues, data)).toEqual([
      { path: 'a[0].b', message: 'Invalid input: expected string, received number', received: '1' },
    ]);
  });
});
