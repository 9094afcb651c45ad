import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deriveClientRequestToken } from '../../src/client-request-token.js';

const PATTERN = /^[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}$/;

describe('Function: deriveClientRequestToken', () => {
  it('always matches Bedrock’s clientRequestToken pattern and is deterministic', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string(), (executionArn, itemIndex, uri) => {
        const token = deriveClientRequestToken(executionArn, itemIndex, uri);
        expect(token).toMatch(PATTERN);
        expect(token.length).toBeLessThanOrEqual(256);
        expect(deriveClientRequestToken(executionArn, itemIndex, uri)).toBe(token);
      }),
    );
  });

  it('differs when any of execution, item or input differs, even when joined text matches', () => {
    // Act
    const tokens = new Set([
      deriveClientRequestToken('arn:a', 1, 's3://b/k'),
      deriveClientRequestToken('arn:a', 2, 's3://b/k'),
      deriveClientRequestToken('arn:b', 1, 's3://b/k'),
      deriveClientRequestToken('arn:a', 1, 's3://b/j'),
      deriveClientRequestToken('arn:a1', 1, 's3://b/k'),
      deriveClientRequestToken('arn:a', 11, 's3://b/k'),
      deriveClientRequestToken('arn:a', 1, 's3://b/k', 'fragment-one'),
      deriveClientRequestToken('arn:a', 1, 's3://b/k', 'fragment-two'),
    ]);

    // Assess
    expect(tokens.size).toBe(8);
  });
});
