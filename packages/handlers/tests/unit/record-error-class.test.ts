import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECORD_NOT_RETURNED } from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import {
  classifyRecordError,
  RECORD_ERROR_CLASSES,
  type RecordError,
  type RecordErrorClass,
  recordErrorRule,
} from '../../src/record-error-class.js';

interface ErrorLineCase {
  /** The table row the line must hit (`null`: no row, the default applies). */
  readonly rule: string | number | null;
  readonly expected: RecordErrorClass;
  readonly note: string;
  readonly line: { readonly recordId: string; readonly error: RecordError };
}

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'record-errors');
const cases = JSON.parse(
  readFileSync(join(fixtures, 'error-lines.json'), 'utf8'),
) as ErrorLineCase[];

describe('classifyRecordError', () => {
  it.each(
    cases.map((c): [string, ErrorLineCase] => [
      `${c.line.error.errorCode} ${c.line.error.errorMessage.slice(0, 40)} (${c.note})`,
      c,
    ]),
  )('%s', (_title, c) => {
    const { error } = c.line;
    expect(classifyRecordError(error)).toBe(c.expected);
    expect(recordErrorRule(error)?.code ?? null).toBe(c.rule);
  });

  it('has a fixture line for every row of the table, with the class of the row', () => {
    for (const rule of RECORD_ERROR_CLASSES) {
      const hits = cases.filter((c) => c.rule === rule.code);
      expect({ code: rule.code, covered: hits.length > 0 }).toEqual({
        code: rule.code,
        covered: true,
      });
      for (const hit of hits) expect(hit.expected).toBe(rule.errorClass);
    }
  });

  it('gives every named row its runtime HTTP status, which classifies the same way alone', () => {
    for (const rule of RECORD_ERROR_CLASSES) {
      if (typeof rule.code === 'number' || rule.code === RECORD_NOT_RETURNED) continue;
      expect(rule.httpStatus).toEqual(expect.any(Number));
      const byStatus = classifyRecordError({
        errorCode: rule.httpStatus as number,
        errorMessage: 'no name',
      });
      // ServiceQuotaExceededException (400) and ConflictException share 400 with
      // ValidationException: the name in the message is what tells them apart.
      if (rule.code !== 'ServiceQuotaExceededException') expect(byStatus).toBe(rule.errorClass);
    }
  });

  it('classifies RECORD_NOT_RETURNED, the code collectResults writes, as transient', () => {
    expect(classifyRecordError({ errorCode: RECORD_NOT_RETURNED, errorMessage: 'x' })).toBe(
      'transient',
    );
  });

  it('reads a message without a name as a plain message', () => {
    expect(
      recordErrorRule({
        errorCode: 400,
        errorMessage: 'Malformed input request: #: required key [x] not found',
      })?.code,
    ).toBe(400);
  });
});
