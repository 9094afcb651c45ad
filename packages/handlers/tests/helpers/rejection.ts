/**
 * The error a promise rejects with; fails the test when it resolves instead.
 *
 * @example
 * ```ts
 * const error = await rejection(handler(event, context));
 * expect(error.name).toBe('BedrockBatch.InvalidInput');
 * ```
 */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

export { rejection };
