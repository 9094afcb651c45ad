/**
 * Errors thrown by `@bedrock-batch/schema`. Every error extends {@link BedrockBatchSchemaError},
 * so `instanceof BedrockBatchSchemaError` catches them all, and `name` tells them apart.
 */

/**
 * Base class of every error this package throws.
 *
 * @example
 * ```ts
 * try {
 *   validate(BatchFragmentInputSchema, input);
 * } catch (error) {
 *   if (error instanceof BedrockBatchSchemaError) console.error(error.name, error.message);
 * }
 * ```
 */
class BedrockBatchSchemaError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BedrockBatchSchemaError';
  }
}

/** One failing field of a contract: where, what is wrong, and what was received. */
interface ValidationIssue {
  /**
   * Dotted path of the field, `manifest_keys[0]`; `(root)` for the value itself; or the name the
   * `fieldName` option of `validate` gave it (the field as the user wrote it).
   */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
  /** The value received, as short JSON (secrets such as task tokens are redacted). */
  readonly received: string;
}

/** Issues a {@link ContractValidationError} message lists; `issues` holds them all. */
const MAX_LISTED_ISSUES = 10;

/**
 * A value does not satisfy a contract. The message names the failing paths (the first 10, so it
 * stays short enough for a Step Functions cause) and the value received there;
 * {@link ContractValidationError.issues} holds every one as data.
 *
 * @example
 * ```ts
 * try {
 *   validate(BatchFragmentInputSchema, { job_name: 'x', manifest_keys: [], model_id: 'm' });
 * } catch (error) {
 *   if (error instanceof ContractValidationError) {
 *     // "Invalid BatchFragmentInput: manifest_keys: must list at least one manifest (received: [])"
 *     console.error(error.message, error.issues);
 *   }
 * }
 * ```
 */
class ContractValidationError extends BedrockBatchSchemaError {
  /** Name of the contract that failed, e.g. `BatchFragmentInput`. */
  public readonly contract: string;
  /** Every failing field. */
  public readonly issues: readonly ValidationIssue[];

  public constructor(contract: string, issues: readonly ValidationIssue[], options?: ErrorOptions) {
    const details = issues
      .slice(0, MAX_LISTED_ISSUES)
      .map((issue) => `${issue.path}: ${issue.message} (received: ${issue.received})`)
      .join('; ');
    const more =
      issues.length > MAX_LISTED_ISSUES
        ? `; and ${issues.length - MAX_LISTED_ISSUES} more (see issues)`
        : '';
    super(`Invalid ${contract}: ${details}${more}`, options);
    this.name = 'ContractValidationError';
    this.contract = contract;
    this.issues = issues;
  }
}

/**
 * A dataset cannot be split into jobs as asked: fewer records than a job's minimum, a
 * `records_per_job` outside the minimum and maximum, or no number of jobs whose sizes all fall
 * within them. The message names the values received and the bounds.
 *
 * @example
 * ```ts
 * try {
 *   planJobs(40, { minRecordsPerJob: 100, maxRecordsPerJob: 50_000 });
 * } catch (error) {
 *   // "The dataset has 40 records; a batch job needs at least 100 (minRecordsPerJob)"
 *   if (error instanceof DatasetPlanError) console.error(error.message);
 * }
 * ```
 */
class DatasetPlanError extends BedrockBatchSchemaError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatasetPlanError';
  }
}

export type { ValidationIssue };
export { BedrockBatchSchemaError, ContractValidationError, DatasetPlanError };
