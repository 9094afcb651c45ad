import { describe, expect, it } from '@jest/globals';
import {
  EventBridgeArgumentError,
  parseScheduleExpression,
  ScheduleExpressionError,
} from '../../../src/index.js';

/** The next firing after `fromIso`, as an ISO string (or 'never'). */
function next(expression: string, fromIso: string): string {
  const at = parseScheduleExpression(expression).nextAfter(Date.parse(fromIso));
  return Number.isFinite(at) ? new Date(at).toISOString().replace('.000Z', 'Z') : 'never';
}

/** The first `count` firings after `fromIso`. */
function firings(expression: string, fromIso: string, count: number): string[] {
  const schedule = parseScheduleExpression(expression);
  const times: string[] = [];
  let at = Date.parse(fromIso);
  for (let index = 0; index < count; index += 1) {
    at = schedule.nextAfter(at);
    times.push(new Date(at).toISOString().replace('.000Z', 'Z'));
  }
  return times;
}

function thrownBy(expression: unknown): ScheduleExpressionError {
  try {
    parseScheduleExpression(expression as string);
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleExpressionError');
}

describe('Function: parseScheduleExpression', () => {
  describe('rate expressions', () => {
    it.each([
      ['rate(1 minute)', 60_000, 'minute'],
      ['rate(5 minutes)', 300_000, 'minute'],
      ['rate(1 hour)', 3_600_000, 'hour'],
      ['rate(12 hours)', 43_200_000, 'hour'],
      ['rate(1 day)', 86_400_000, 'day'],
      ['rate(7 days)', 604_800_000, 'day'],
    ])('parses %s', (expression, periodMs, unit) => {
      // Act
      const schedule = parseScheduleExpression(expression);

      // Assess
      expect(schedule).toMatchObject({ kind: 'rate', expression, periodMs, unit });
    });

    it('fires every period after the anchor, strictly after the time asked', () => {
      // Prepare
      const anchor = Date.parse('2026-11-25T10:00:20Z');
      const schedule = parseScheduleExpression('rate(5 minutes)', { rateAnchorMs: anchor });

      // Act
      const times = [anchor - 1_000, anchor, anchor + 299_999, anchor + 300_000].map((time) =>
        new Date(schedule.nextAfter(time)).toISOString(),
      );

      // Assess
      expect(times).toEqual([
        '2026-11-25T10:05:20.000Z',
        '2026-11-25T10:05:20.000Z',
        '2026-11-25T10:05:20.000Z',
        '2026-11-25T10:10:20.000Z',
      ]);
    });

    it('anchors at the Unix epoch by default', () => {
      expect(next('rate(1 hour)', '2026-11-25T10:59:59Z')).toBe('2026-11-25T11:00:00Z');
      expect(next('rate(1 day)', '2026-11-25T10:00:00Z')).toBe('2026-11-26T00:00:00Z');
    });

    it('tolerates extra white space inside the parentheses', () => {
      expect(parseScheduleExpression('rate(  10   minutes )')).toMatchObject({ value: 10 });
    });
  });

  describe('cron expressions from the EventBridge User Guide', () => {
    it.each([
      ['cron(0 10 * * ? *)', '2026-11-25T09:59:30Z', '2026-11-25T10:00:00Z'],
      ['cron(0 10 * * ? *)', '2026-11-25T10:00:00Z', '2026-11-26T10:00:00Z'],
      ['cron(15 12 * * ? *)', '2026-11-25T12:15:00Z', '2026-11-26T12:15:00Z'],
      ['cron(0 18 ? * MON-FRI *)', '2026-11-27T18:00:00Z', '2026-11-30T18:00:00Z'],
      ['cron(0 8 1 * ? *)', '2026-11-25T12:00:00Z', '2026-12-01T08:00:00Z'],
      ['cron(0/15 * * * ? *)', '2026-11-25T12:07:00Z', '2026-11-25T12:15:00Z'],
      ['cron(0/15 * * * ? *)', '2026-11-25T12:50:00Z', '2026-11-25T13:00:00Z'],
      ['cron(0/10 * ? * MON-FRI *)', '2026-11-27T23:55:00Z', '2026-11-30T00:00:00Z'],
      ['cron(0/5 8-17 ? * MON-FRI *)', '2026-11-25T17:54:00Z', '2026-11-25T17:55:00Z'],
      ['cron(0/5 8-17 ? * MON-FRI *)', '2026-11-25T17:55:00Z', '2026-11-26T08:00:00Z'],
      ['cron(0/30 20-2 ? * MON-FRI *)', '2026-11-25T02:00:00Z', '2026-11-25T02:30:00Z'],
      ['cron(0/30 20-2 ? * MON-FRI *)', '2026-11-25T02:30:00Z', '2026-11-25T20:00:00Z'],
      ['cron(0 12 * * ? *)', '2026-11-25T12:00:00Z', '2026-11-26T12:00:00Z'],
      ['cron(5,35 14 * * ? *)', '2026-11-25T14:05:00Z', '2026-11-25T14:35:00Z'],
      ['cron(15 10 ? * 6L 2019-2022)', '2019-01-01T00:00:00Z', '2019-01-25T10:15:00Z'],
      ['cron(15 10 ? * 6L 2019-2022)', '2022-12-01T00:00:00Z', '2022-12-30T10:15:00Z'],
      ['cron(15 10 ? * 6L 2019-2022)', '2022-12-30T10:15:00Z', 'never'],
      ['cron(0 9 ? * 2#1 *)', '2026-11-25T12:00:00Z', '2026-12-07T09:00:00Z'],
      ['cron(0 9 ? * 3#2 *)', '2026-11-25T12:00:00Z', '2026-12-08T09:00:00Z'],
    ])('%s after %s is %s', (expression, from, expected) => {
      expect(next(expression, from)).toBe(expected);
    });

    it('fires every tenth minute from minute 1 (1/10: the 1st, 11th, 21st...)', () => {
      expect(firings('cron(1/10 * * * ? *)', '2026-11-25T12:00:00Z', 3)).toEqual([
        '2026-11-25T12:01:00Z',
        '2026-11-25T12:11:00Z',
        '2026-11-25T12:21:00Z',
      ]);
    });
  });

  describe('cron edge cases', () => {
    it.each([
      ['L in a leap year', 'cron(0 0 L * ? *)', '2028-02-01T00:00:00Z', '2028-02-29T00:00:00Z'],
      ['L in a common year', 'cron(0 0 L * ? *)', '2027-02-01T00:00:00Z', '2027-02-28T00:00:00Z'],
      ['L after a month end', 'cron(0 0 L * ? *)', '2026-04-30T00:00:00Z', '2026-05-31T00:00:00Z'],
      [
        'day 31 skips 30-day months',
        'cron(0 0 31 * ? *)',
        '2026-04-01T00:00:00Z',
        '2026-05-31T00:00:00Z',
      ],
      [
        '29 February waits for a leap year',
        'cron(0 0 29 2 ? *)',
        '2026-03-01T00:00:00Z',
        '2028-02-29T00:00:00Z',
      ],
      [
        'year end rolls over',
        'cron(59 23 31 12 ? *)',
        '2026-12-31T23:59:00Z',
        '2027-12-31T23:59:00Z',
      ],
      [
        '1W on a Saturday moves to Monday 3rd',
        'cron(0 0 1W * ? *)',
        '2026-07-31T12:00:00Z',
        '2026-08-03T00:00:00Z',
      ],
      [
        '15W on a Sunday moves to Monday',
        'cron(0 0 15W * ? *)',
        '2026-11-01T00:00:00Z',
        '2026-11-16T00:00:00Z',
      ],
      [
        '15W on a Saturday moves to Friday',
        'cron(0 0 15W * ? *)',
        '2026-08-01T00:00:00Z',
        '2026-08-14T00:00:00Z',
      ],
      [
        '31W on a Sunday moves back to Friday 29th',
        'cron(0 0 31W * ? *)',
        '2026-05-01T00:00:00Z',
        '2026-05-29T00:00:00Z',
      ],
      [
        'LW is the last weekday',
        'cron(0 0 LW * ? *)',
        '2026-05-01T00:00:00Z',
        '2026-05-29T00:00:00Z',
      ],
      [
        'L alone in Day-of-week is Saturday',
        'cron(0 0 ? * L *)',
        '2026-11-25T00:00:00Z',
        '2026-11-28T00:00:00Z',
      ],
      [
        'FRIL is the last Friday',
        'cron(0 0 ? * FRIL *)',
        '2026-11-01T00:00:00Z',
        '2026-11-27T00:00:00Z',
      ],
      [
        '6#5 waits for a month with five Fridays',
        'cron(0 0 ? * 6#5 *)',
        '2026-11-25T00:00:00Z',
        '2027-01-29T00:00:00Z',
      ],
      [
        'month names in a list',
        'cron(0 0 1 JAN,JUL ? *)',
        '2026-11-25T00:00:00Z',
        '2027-01-01T00:00:00Z',
      ],
      [
        'a month range that wraps the year',
        'cron(0 0 1 NOV-FEB ? *)',
        '2026-12-01T00:00:00Z',
        '2027-01-01T00:00:00Z',
      ],
      [
        'a Day-of-week range that wraps the week',
        'cron(0 0 ? * FRI-MON *)',
        '2026-11-25T00:00:00Z',
        '2026-11-27T00:00:00Z',
      ],
      [
        '*/n steps from the minimum',
        'cron(*/20 * * * ? *)',
        '2026-11-25T10:41:00Z',
        '2026-11-25T11:00:00Z',
      ],
      [
        'a stepped range',
        'cron(10-40/15 * * * ? *)',
        '2026-11-25T10:26:00Z',
        '2026-11-25T10:40:00Z',
      ],
      ['lower-case names', 'cron(0 0 ? dec sun *)', '2026-11-25T00:00:00Z', '2026-12-06T00:00:00Z'],
      [
        'seconds are rounded up to the next minute',
        'cron(* * * * ? *)',
        '2026-11-25T10:00:30Z',
        '2026-11-25T10:01:00Z',
      ],
      ['a Year field in the past', 'cron(0 0 1 1 ? 1970)', '2026-11-25T00:00:00Z', 'never'],
    ])('%s: %s', (_case, expression, from, expected) => {
      expect(next(expression, from)).toBe(expected);
    });
  });

  describe('invalid expressions', () => {
    it.each([
      ['rate(1 hours)', 'unit', 'must be singular when the value is 1'],
      ['rate(5 hour)', 'unit', 'must be plural when the value is greater than 1'],
      ['rate(0 minutes)', 'value', 'must be a positive whole number'],
      ['rate(1.5 minutes)', 'value', 'must be a positive whole number'],
      ['rate(-1 minutes)', 'value', 'must be a positive whole number'],
      ['rate(2 weeks)', 'unit', 'must be one of minute, minutes, hour, hours, day, days'],
      ['rate(5)', 'rate', 'must be "value unit"'],
      ['rate(5 minutes now)', 'rate', 'must be "value unit"'],
      ['at(2026-11-25T10:00:00)', 'expression', 'must be rate(value unit) or cron('],
      ['cron(0 10 * * ?)', 'cron', 'must have 6 fields'],
      [
        'cron(0 10 * * * *)',
        'Day-of-month/Day-of-week',
        'must use ? in exactly one of the two fields',
      ],
      [
        'cron(0 10 ? * ? *)',
        'Day-of-month/Day-of-week',
        'must use ? in exactly one of the two fields',
      ],
      ['cron(60 10 * * ? *)', 'Minutes', 'values must be between 0 and 59'],
      ['cron(0 24 * * ? *)', 'Hours', 'values must be between 0 and 23'],
      ['cron(0 0 32 * ? *)', 'Day-of-month', 'values must be between 1 and 31'],
      ['cron(0 0 0 * ? *)', 'Day-of-month', 'values must be between 1 and 31'],
      ['cron(0 0 1 13 ? *)', 'Month', 'values must be between 1 and 12'],
      ['cron(0 0 1 FOO ? *)', 'Month', 'must use numbers or names (JAN'],
      ['cron(0 0 ? * 8 *)', 'Day-of-week', 'values must be between 1 and 7'],
      ['cron(0 0 1 * ? 1969)', 'Year', 'values must be between 1970 and 2199'],
      ['cron(0 0 1 * ? 2200)', 'Year', 'values must be between 1970 and 2199'],
      ['cron(0 0 1 * ? 2022-2019)', 'Year', 'range start must not exceed its end'],
      ['cron(0 0 ? * 3#1,6#3 *)', 'Day-of-week', 'may hold only one expression when it uses #'],
      ['cron(0 0 ? * 3#6 *)', 'Day-of-week', 'needs an occurrence between 1 and 5 after #'],
      ['cron(0 0 ? * 1/2 *)', 'Day-of-week', 'does not accept the / wildcard'],
      ['cron(L 0 * * ? *)', 'Minutes', 'must use numbers'],
      ['cron(0 0 5L * ? *)', 'Day-of-month', 'may use L, LW and nW only alone'],
      ['cron(0/0 0 * * ? *)', 'Minutes', 'increment must be a whole number between 1 and 60'],
      ['cron(0-5-9 0 * * ? *)', 'Minutes', 'has a malformed range'],
      ['cron(0,,5 0 * * ? *)', 'Minutes', 'has a malformed value'],
      ['cron()', 'cron', 'must have 6 fields'],
    ])('throws for %s', (expression, field, requirement) => {
      // Act
      const error = thrownBy(expression);

      // Assess
      expect(error.name).toBe('ScheduleExpressionError');
      expect(error.expression).toBe(expression);
      expect(error.field).toBe(field);
      expect(error.message).toContain(`Invalid schedule expression "${expression}": ${field} `);
      expect(error.message).toContain(requirement);
    });

    it('throws naming the value received', () => {
      expect(thrownBy('rate(5 hour)').message).toBe(
        'Invalid schedule expression "rate(5 hour)": unit must be plural when the value is greater than 1 (received: "hour")',
      );
    });

    it('throws for an expression that is not a string', () => {
      expect(thrownBy(42).message).toContain('must be a string (received: 42)');
    });

    it('throws when nextAfter gets a time that is not a number', () => {
      const schedule = parseScheduleExpression('cron(0 10 * * ? *)');
      expect(() => schedule.nextAfter(Number.NaN)).toThrow(EventBridgeArgumentError);
    });

    it('throws for a rate anchor that is not finite', () => {
      expect(() =>
        parseScheduleExpression('rate(1 hour)', { rateAnchorMs: Number.POSITIVE_INFINITY }),
      ).toThrow('Invalid rateAnchorMs: must be a finite number (received: Infinity)');
    });
  });
});
