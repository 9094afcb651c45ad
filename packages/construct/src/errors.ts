/**
 * Errors thrown by `@bedrock-batch/construct` at synth time. Every error extends
 * {@link BedrockBatchConstructError}, so one `instanceof` check catches them all, and `name`
 * tells them apart.
 */

/** Longest rendering of a received value kept in a message. */
const MAX_RECEIVED_LENGTH = 120;

function describeReceived(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_RECEIVED_LENGTH ? `${text.slice(0, MAX_RECEIVED_LENGTH - 1)}…` : text;
}

/**
 * Base class of every error this package throws.
 *
 * @example
 * try {
 *   new BedrockBatchSfn(stack, 'Batch', props);
 * } catch (error) {
 *   if (error instanceof BedrockBatchConstructError) console.error(error.name, error.message);
 * }
 *
 * TypeScript only: jsii cannot express a subclass of `Error`, so other languages get the error's
 * name and message, not this class.
 *
 * @jsii ignore
 */
export class BedrockBatchConstructError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BedrockBatchConstructError';
  }
}

/**
 * A `BedrockBatchSfn` prop is out of range or malformed. The message names the prop, the rule
 * and the value received; {@link InvalidPropError.prop} and {@link InvalidPropError.received}
 * hold the same as data.
 *
 * @example
 * try {
 *   new BedrockBatchSfn(stack, 'Batch', { ...props, timeout: Duration.hours(12) });
 * } catch (error) {
 *   // 'Invalid BedrockBatchSfn prop "timeout": must be between 24 and 168 hours (received: "12 hours")'
 *   if (error instanceof InvalidPropError) console.error(error.prop, error.message);
 * }
 *
 * TypeScript only: jsii cannot express a subclass of `Error`, so other languages get the error's
 * name and message, not this class.
 *
 * @jsii ignore
 */
export class InvalidPropError extends BedrockBatchConstructError {
  /** Name of the prop, e.g. `timeout` or `throttlingRetry.maxAttempts`. */
  public readonly prop: string;
  /** The value received, rendered as short text. */
  public readonly received: string;

  public constructor(prop: string, rule: string, received: unknown, options?: ErrorOptions) {
    const shown = describeReceived(received);
    super(`Invalid BedrockBatchSfn prop "${prop}": ${rule} (received: ${shown})`, options);
    this.name = 'InvalidPropError';
    this.prop = prop;
    this.received = shown;
  }
}

/**
 * A prebuilt Lambda bundle of `@bedrock-batch/handlers` is missing: the package was installed
 * without its `dist/lambda` folder, or (in this monorepo) its `build` did not run yet.
 *
 * @example
 * try {
 *   Template.fromStack(stack);
 * } catch (error) {
 *   if (error instanceof HandlerBundleNotFoundError) console.error(error.bundlePath);
 * }
 *
 * TypeScript only: jsii cannot express a subclass of `Error`, so other languages get the error's
 * name and message, not this class.
 *
 * @jsii ignore
 */
export class HandlerBundleNotFoundError extends BedrockBatchConstructError {
  /** The absolute path that was expected to hold the bundle. */
  public readonly bundlePath: string;

  public constructor(bundlePath: string, options?: ErrorOptions) {
    super(
      `Lambda bundle not found: ${bundlePath}. Build @bedrock-batch/handlers ` +
        '(its "build" script writes dist/lambda/<name>/index.mjs) or reinstall the package.',
      options,
    );
    this.name = 'HandlerBundleNotFoundError';
    this.bundlePath = bundlePath;
  }
}
