import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { appendLogKeys, logInvocationError, stringAt } from '../../src/middleware.js';
import { lambdaContext } from '../helpers/context.js';
import { captureLogs } from '../helpers/log-capture.js';

describe('Middleware: appendLogKeys', () => {
  it('adds the picked keys to every line of the invocation and removes them after', async () => {
    // Prepare
    const logs = captureLogs();
    try {
      const handler = middy(async () => {
        logs.logger.info('inside');
      }).use(
        appendLogKeys(logs.logger, (event) => ({
          jobArn: stringAt(event, 'detail', 'arn'),
          other: undefined,
        })),
      );

      // Act
      await handler({ detail: { arn: 'arn:job' } }, lambdaContext);
      logs.logger.info('outside');

      // Assess
      const [inside, outside] = logs.records();
      expect(inside).toMatchObject({ message: 'inside', jobArn: 'arn:job' });
      expect(inside).not.toHaveProperty('other');
      expect(outside).not.toHaveProperty('jobArn');
    } finally {
      logs.restore();
    }
  });
});

describe('Middleware: logInvocationError', () => {
  it('logs the error name and message once and rethrows the error unchanged', async () => {
    // Prepare
    const logs = captureLogs();
    const thrown = Object.assign(new Error('Rate exceeded'), { name: 'BedrockBatch.Throttled' });
    try {
      const handler = middy(async () => {
        throw thrown;
      }).use(logInvocationError(logs.logger));

      // Act
      const promise = handler({}, lambdaContext);

      // Assess
      await expect(promise).rejects.toBe(thrown);
      expect(logs.records()).toEqual([
        expect.objectContaining({
          level: 'ERROR',
          message: 'Invocation failed',
          errorName: 'BedrockBatch.Throttled',
          errorMessage: 'Rate exceeded',
        }),
      ]);
    } finally {
      logs.restore();
    }
  });
});

describe('Function: stringAt', () => {
  it('returns strings only', () => {
    // Assess
    expect(stringAt({ a: { b: 'x' } }, 'a', 'b')).toBe('x');
    expect(stringAt({ a: { b: 1 } }, 'a', 'b')).toBeUndefined();
    expect(stringAt(null, 'a')).toBeUndefined();
  });
});
