import {
  BatchErrorName,
  BEDROCK_API_LIMITS,
  BEDROCK_EVENT_SOURCE,
  DEFAULT_BATCH_QUOTAS,
  JOB_STATE_CHANGE_DETAIL_TYPE,
  RESERVED_TAG_KEY_PREFIX,
  CONTROL_PREFIX as SCHEMA_CONTROL_PREFIX,
  WORK_PREFIX as SCHEMA_WORK_PREFIX,
  TAG_CHARACTERS,
  TERMINAL_JOB_STATUSES,
} from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import {
  BATCH_ERROR_NAMES,
  BEDROCK_LIMITS,
  CONTROL_PREFIX,
  DEFAULT_RECORDS_PER_JOB,
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  RESERVED_TAG_PREFIX,
  TAG_CHARACTER_PATTERN,
  TERMINAL_STATUSES,
  WORK_PREFIX,
} from '../../src/service-constants.js';

describe('Constants: the construct keeps its copies of the schema package facts equal', () => {
  it('uses the schema error names', () => {
    expect(BATCH_ERROR_NAMES).toEqual({
      InvalidInput: BatchErrorName.InvalidInput,
      Throttled: BatchErrorName.Throttled,
      QuotaExceeded: BatchErrorName.QuotaExceeded,
      Failed: BatchErrorName.Failed,
      Stopped: BatchErrorName.Stopped,
      Expired: BatchErrorName.Expired,
      NoOutput: BatchErrorName.NoOutput,
    });
  });

  it('uses the schema API limits', () => {
    expect(BEDROCK_LIMITS).toEqual({
      minTimeoutHours: BEDROCK_API_LIMITS.minTimeoutHours,
      maxTimeoutHours: BEDROCK_API_LIMITS.maxTimeoutHours,
      maxTagKeyLength: BEDROCK_API_LIMITS.maxTagKeyLength,
      maxTagValueLength: BEDROCK_API_LIMITS.maxTagValueLength,
    });
  });

  it('keeps the job tickets where the handlers look for them', () => {
    expect(CONTROL_PREFIX).toBe(SCHEMA_CONTROL_PREFIX);
  });

  it('uses the schema default records per job', () => {
    expect(DEFAULT_RECORDS_PER_JOB).toEqual({
      min: DEFAULT_BATCH_QUOTAS.minRecordsPerJob,
      max: DEFAULT_BATCH_QUOTAS.maxRecordsPerJob,
    });
  });

  it("keeps the datasets' work where the handlers write it", () => {
    expect(WORK_PREFIX).toBe(SCHEMA_WORK_PREFIX);
  });

  it('uses the schema tag rules, event names and terminal statuses', () => {
    expect(RESERVED_TAG_PREFIX).toBe(RESERVED_TAG_KEY_PREFIX);
    expect(TAG_CHARACTER_PATTERN.source).toBe(TAG_CHARACTERS.source);
    expect(TAG_CHARACTER_PATTERN.flags).toBe(TAG_CHARACTERS.flags);
    expect(EVENT_SOURCE).toBe(BEDROCK_EVENT_SOURCE);
    expect(EVENT_DETAIL_TYPE).toBe(JOB_STATE_CHANGE_DETAIL_TYPE);
    expect(TERMINAL_STATUSES).toEqual([...TERMINAL_JOB_STATUSES]);
  });
});
