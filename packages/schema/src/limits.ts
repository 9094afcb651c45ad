import * as z from 'zod';
import { validate } from './validate.js';

/**
 * Fixed constraints of the Bedrock and Step Functions APIs (from the AWS service models).
 * The service enforces them; they cannot be raised.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html
 *
 * @example
 * ```ts
 * if (name.length > BEDROCK_API_LIMITS.maxJobNameLength) throw new Error('name too long');
 * ```
 */
const BEDROCK_API_LIMITS = Object.freeze({
  /** `jobName`: 1 to 63 characters. */
  maxJobNameLength: 63,
  /** `clientRequestToken`: 1 to 256 characters. */
  maxClientRequestTokenLength: 256,
  /** `timeoutDurationInHours`: 24 to 168. */
  minTimeoutHours: 24,
  /** `timeoutDurationInHours`: 24 to 168. */
  maxTimeoutHours: 168,
  /** Tags on one resource. */
  maxTagsPerResource: 200,
  /** Characters in a tag key. */
  maxTagKeyLength: 128,
  /** Characters in a tag value. */
  maxTagValueLength: 256,
  /** Characters in a Step Functions task token (`SendTaskSuccess.taskToken`). */
  maxTaskTokenLength: 2048,
});

/**
 * Default quotas of Bedrock batch inference. They vary by model, Region and account and can be
 * raised through Service Quotas, so callers pass their own with {@link resolveBatchQuotas}.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/quotas.html
 */
const DEFAULT_BATCH_QUOTAS = Object.freeze({
  /** Fewest records a job may hold. @default 100 */
  minRecordsPerJob: 100,
  /** Most records a job may hold. @default 50000 */
  maxRecordsPerJob: 50_000,
  /** Most records one input file may hold. @default 50000 */
  maxRecordsPerFile: 50_000,
  /** Largest input file, in bytes. @default 1 GiB */
  maxInputFileSizeBytes: 1024 ** 3,
  /** Largest total input of one job, in bytes. @default 5 GiB */
  maxJobSizeBytes: 5 * 1024 ** 3,
  /** Submitted plus in-progress jobs per model. @default 10 */
  maxJobsInFlightPerModel: 10,
});

/** Quotas of Bedrock batch inference, see {@link DEFAULT_BATCH_QUOTAS}. */
type BatchQuotas = { readonly [K in keyof typeof DEFAULT_BATCH_QUOTAS]: number };

const count = z.number().int().positive();
const BatchQuotasSchema = z
  .strictObject({
    minRecordsPerJob: count,
    maxRecordsPerJob: count,
    maxRecordsPerFile: count,
    maxInputFileSizeBytes: count,
    maxJobSizeBytes: count,
    maxJobsInFlightPerModel: count,
  })
  .refine((q) => q.minRecordsPerJob <= q.maxRecordsPerJob, {
    message: 'minRecordsPerJob must not exceed maxRecordsPerJob',
    path: ['minRecordsPerJob'],
  })
  .meta({ title: 'BatchQuotas' });

/**
 * The default quotas with the caller's overrides applied, checked (positive integers, minimum
 * not above maximum).
 *
 * @param overrides - quotas that differ from {@link DEFAULT_BATCH_QUOTAS}
 * @throws ContractValidationError when an override is not a positive integer or min > max
 *
 * @example
 * ```ts
 * const quotas = resolveBatchQuotas({ minRecordsPerJob: 1000, maxJobsInFlightPerModel: 20 });
 * ```
 */
function resolveBatchQuotas(overrides: Partial<BatchQuotas> = {}): BatchQuotas {
  return Object.freeze(validate(BatchQuotasSchema, { ...DEFAULT_BATCH_QUOTAS, ...overrides }));
}

export type { BatchQuotas };
export { BEDROCK_API_LIMITS, DEFAULT_BATCH_QUOTAS, resolveBatchQuotas };
