import { describe, expect, it } from '@jest/globals';
import {
  BatchErrorName,
  ContractValidationError,
  DEFAULT_BATCH_QUOTAS,
  isTerminalJobStatus,
  JobStatus,
  JobStatusSchema,
  JobTagKey,
  RESERVED_TAG_KEY_PREFIX,
  resolveBatchQuotas,
  SUCCESS_JOB_STATUSES,
  TERMINAL_JOB_STATUSES,
} from '../../src/index.js';

describe('Constants: job statuses', () => {
  it('lists the ten Bedrock statuses', () => {
    expect(Object.values(JobStatus)).toHaveLength(10);
    expect(JobStatusSchema.safeParse('Scheduled').success).toBe(true);
    expect(JobStatusSchema.safeParse('Running').success).toBe(false);
  });

  it('marks exactly five statuses terminal', () => {
    expect([...TERMINAL_JOB_STATUSES].sort()).toEqual([
      'Completed',
      'Expired',
      'Failed',
      'PartiallyCompleted',
      'Stopped',
    ]);
    expect(isTerminalJobStatus('Stopping')).toBe(false);
    expect(isTerminalJobStatus('Expired')).toBe(true);
    expect(isTerminalJobStatus('SomethingNew')).toBe(false);
    expect(isTerminalJobStatus(undefined)).toBe(false);
    expect([...SUCCESS_JOB_STATUSES].every((s) => TERMINAL_JOB_STATUSES.has(s))).toBe(true);
  });
});

describe('Constants: error names and tags', () => {
  it('keeps the upstream names for Bedrock statuses', () => {
    expect(BatchErrorName.Failed).toBe('Failed');
    expect(BatchErrorName.Stopped).toBe('Stopped');
    expect(BatchErrorName.Expired).toBe('Expired');
  });

  it('never names an error with the reserved States. prefix', () => {
    for (const name of Object.values(BatchErrorName))
      expect(name.startsWith('States.')).toBe(false);
  });

  it('puts every product tag under the reserved prefix', () => {
    for (const key of Object.values(JobTagKey))
      expect(key.startsWith(RESERVED_TAG_KEY_PREFIX)).toBe(true);
  });
});

describe('Function: resolveBatchQuotas', () => {
  it('returns the defaults when given nothing', () => {
    expect(resolveBatchQuotas()).toEqual(DEFAULT_BATCH_QUOTAS);
    expect(DEFAULT_BATCH_QUOTAS.minRecordsPerJob).toBe(100);
    expect(DEFAULT_BATCH_QUOTAS.maxRecordsPerJob).toBe(50_000);
  });

  it('applies overrides', () => {
    const quotas = resolveBatchQuotas({ minRecordsPerJob: 1000, maxJobsInFlightPerModel: 20 });
    expect(quotas.minRecordsPerJob).toBe(1000);
    expect(quotas.maxJobsInFlightPerModel).toBe(20);
    expect(quotas.maxRecordsPerFile).toBe(DEFAULT_BATCH_QUOTAS.maxRecordsPerFile);
    expect(Object.isFrozen(quotas)).toBe(true);
  });

  it('throws on a minimum above the maximum, naming the field and value', () => {
    expect(() => resolveBatchQuotas({ minRecordsPerJob: 60_000 })).toThrow(ContractValidationError);
    expect(() => resolveBatchQuotas({ minRecordsPerJob: 60_000 })).toThrow(
      'minRecordsPerJob: minRecordsPerJob must not exceed maxRecordsPerJob (received: 60000)',
    );
  });

  it('throws on a quota that is not a positive integer', () => {
    expect(() => resolveBatchQuotas({ maxJobsInFlightPerModel: 0 })).toThrow(
      /maxJobsInFlightPerModel: .*\(received: 0\)/,
    );
    expect(() => resolveBatchQuotas({ maxRecordsPerJob: 1.5 })).toThrow(/maxRecordsPerJob/);
  });
});
