import {
  BatchErrorName,
  BEDROCK_API_LIMITS,
  BEDROCK_EVENT_SOURCE,
  JOB_STATE_CHANGE_DETAIL_TYPE,
  RESERVED_TAG_KEY_PREFIX,
  CONTROL_PREFIX as SCHEMA_CONTROL_PREFIX,
  TAG_CHARACTERS,
  TERMINAL_JOB_STATUSES,
} from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import {
  BATCH_ERROR_NAMES,
  BEDROCK_LIMITS,
  CONTROL_PREFIX,
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  RESERVED_TAG_PREFIX,
  TAG_CHARACTER_PATTERN,
  TERMINAL_STATUSES,
} from '../../src/service-constants.js';

describe('Constants: the construct keeps its copies of the schema package facts equal', () => {
  it('uses the schema error names', () => {
    expect(BATCH_ERROR_NAMES).toEqual({
      InvalidInput: BatchErrorName.InvalidInput,
      Throttled: BatchErrorName.Throttled,
      QuotaExceeded: BatchErrorName.QuotaExceeded,
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

  it('uses the schema tag rules, event names and terminal statuses', () => {
    expect(RESERVED_TAG_PREFIX).toBe(RESERVED_TAG_KEY_PREFIX);
    expect(TAG_CHARACTER_PATTERN.source).toBe(TAG_CHARACTERS.source);
    expect(TAG_CHARACTER_PATTERN.flags).toBe(TAG_CHARACTERS.flags);
    expect(EVENT_SOURCE).toBe(BEDROCK_EVENT_SOURCE);
    expect(EVENT_DETAIL_TYPE).toBe(JOB_STATE_CHANGE_DETAIL_TYPE);
    expect(TERMINAL_STATUSES).toEqual([...TERMINAL_JOB_STATUSES]);
  });
});
