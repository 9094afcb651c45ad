import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  BatchFragmentInputSchema,
  BedrockBatchSchemaError,
  ContractValidationError,
  CreateJobPayloadSchema,
  createJobPayloadFieldName,
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
        'model_id: must be a model id ("anthropic.claude-3-haiku-20240307-v1:0"), an inference profile id ("us.amazon.nova-pro-v1:0") or a model or profile ARN, as Bedrock requires (received: "a b")',
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

  it('shortens long values received, and gives the length of a long string', () => {
    const error = thrownBy(() => validate(z.number(), 'y'.repeat(500)));
    expect(error.issues[0]?.received).toBe(`"${'y'.repeat(78)}… (500 characters)`);
    expect(error.issues[0]?.path).toBe('(root)');
  });

  it('shortens long values that are not strings without a length', () => {
    const error = thrownBy(() =>
      validate(
        z.string(),
        Array.from({ length: 100 }, (_, i) => i),
      ),
    );
    expect(error.issues[0]?.received).toMatch(/^\[0,1,2,.*…$/);
    expect(error.issues[0]?.received).toHaveLength(80);
  });

  it('renames failing paths with fieldName and reports a renamed path once', () => {
    // Prepare
    const schema = z.object({ a: z.string().min(2).max(1), b: z.string() });
    const fieldName = (path: string) =>
      path === 'b' ? 'user_a' : path === 'a' ? 'user_a' : undefined;

    // Act
    const error = thrownBy(() => validate(schema, { a: 'x', b: 1 }, { fieldName }));

    // Assess
    expect(error.issues).toEqual([
      { path: 'user_a', message: expect.stringContaining('>=2'), received: '"x"' },
    ]);
  });

  it('lists the first 10 issues in the message and keeps them all in issues', () => {
    // Prepare
    const keys = Array.from({ length: 25 }, (_, i) => `part ${i}.jsonl`);

    // Act
    const error = thrownBy(() =>
      validate(BatchFragmentInputSchema, { job_name: 'j', manifest_keys: keys, model_id: 'm' }),
    );

    // Assess
    expect(error.issues).toHaveLength(25);
    expect(error.message).toContain('manifest_keys[0]: has a character');
    expect(error.message).toContain('manifest_keys[9]: ');
    expect(error.message).not.toContain('manifest_keys[10]: ');
    expect(error.message.endsWith('; and 15 more (see issues)')).toBe(true);
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

describe('Function: validate with createJobPayloadFieldName', () => {
  const payload = (changes: Record<string, unknown>) => ({
    ...getTestEvent<Record<string, unknown>>('create-job-payload', 'valid-minimal'),
    ...changes,
  });
  const check = (data: unknown) =>
    thrownBy(() =>
      validate(CreateJobPayloadSchema, data, { fieldName: createJobPayloadFieldName }),
    );

  it('names a 5,000-character job name job_name, with its length', () => {
    // Act
    const error = check(payload({ jobName: 'j'.repeat(5000) }));

    // Assess
    expect(error.message).toBe(
      `Invalid CreateJobPayload: job_name: must be at most 1024 characters (received: "${'j'.repeat(78)}… (5000 characters))`,
    );
  });

  it('names model_id and model_invocation_type as the fragment input does', () => {
    // Act
    const error = check(payload({ modelId: 'anthropic/claude', modelInvocationType: 'Chat' }));

    // Assess
    expect(error.issues.map((issue) => [issue.path, issue.received])).toEqual([
      ['model_id', '"anthropic/claude"'],
      ['model_invocation_type', '"Chat"'],
    ]);
  });

  it('names a bad manifest key manifest_keys[i], with the key and the character', () => {
    // Act
    const error = check(getTestEvent('create-job-payload', 'invalid-manifest-key'));

    // Assess
    expect(error.issues).toEqual([
      {
        path: 'manifest_keys[1]',
        message:
          'has a character Bedrock does not accept in an S3 URI ("+" at position 11); allowed: letters, digits and -!_*\'(). between single slashes',
        received: '"input/part+2.jsonl"',
      },
    ]);
  });

  it("reports the item's own bad key once, as manifest_keys[itemIndex] with the key", () => {
    // Prepare
    const data = payload({
      itemIndex: 2,
      manifestKeys: ['a.jsonl', 'b.jsonl', 'c d.jsonl'],
      inputDataConfig: {
        s3InputDataConfig: { s3Uri: 's3://stack-bedrockbatchbucket-1a2b3c/c d.jsonl' },
      },
    });

    // Act
    const error = check(data);

    // Assess
    expect(error.issues.map((issue) => [issue.path, issue.received])).toEqual([
      ['manifest_keys[2]', '"c d.jsonl"'],
    ]);
  });

  it("names the item's input URI after its manifest key when the payload lists no keys", () => {
    // Prepare
    const data = payload({
      itemIndex: 4,
      inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://stack-in/a~b.jsonl' } },
    });

    // Act
    const error = check(data);

    // Assess
    expect(error.issues).toEqual([
      {
        path: 'manifest_keys[4]',
        message:
          'has the key "a~b.jsonl", which has a character Bedrock does not accept in an S3 URI ("~" at position 2); allowed: letters, digits and -!_*\'(). between single slashes',
        received: '"s3://stack-in/a~b.jsonl"',
      },
    ]);
  });

  it('rejects a key whose S3 URI in the input bucket is longer than 1,024 characters', () => {
    // Prepare: 9 + 1006 characters fit the key's own limit (1015), not the URI in this bucket.
    const key = `in/${'k'.repeat(1003)}`;
    const data = payload({ manifestKeys: ['test_key.jsonl', key] });

    // Act
    const error = check(data);

    // Assess
    expect(error.issues).toEqual([
      {
        path: 'manifest_keys[1]',
        message:
          'forms an S3 URI of 1043 characters in bucket "stack-bedrockbatchbucket-1a2b3c"; Bedrock accepts at most 1024',
        received: expect.stringContaining('(1006 characters)'),
      },
    ]);
  });

  it('keeps the names of fields the construct writes', () => {
    // Act
    const error = check(getTestEvent('create-job-payload', 'invalid-kms-key'));

    // Assess
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId',
    ]);
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
