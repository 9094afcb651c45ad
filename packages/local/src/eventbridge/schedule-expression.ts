import { EventBridgeArgumentError, ScheduleExpressionError } from '../errors.js';

/** Units of a `rate(...)` expression, singular. */
type RateUnit = 'minute' | 'hour' | 'day';

/** A parsed schedule expression: call `nextAfter` to know when the rule fires next. */
interface ScheduleBase {
  /** The expression as received. */
  readonly expression: string;
  /**
   * The first firing time strictly after `epochMs` (UTC, whole minutes for cron), in epoch
   * milliseconds, or `Infinity` when the schedule never fires again (a cron Year field in the
   * past).
   */
  nextAfter(epochMs: number): number;
}

/** A parsed `rate(value unit)` expression. */
interface RateSchedule extends ScheduleBase {
  readonly kind: 'rate';
  /** The number of units between two firings. */
  readonly value: number;
  /** The unit, singular. */
  readonly unit: RateUnit;
  /** The period in milliseconds. */
  readonly periodMs: number;
}

/** A parsed `cron(Minutes Hours Day-of-month Month Day-of-week Year)` expression. */
interface CronSchedule extends ScheduleBase {
  readonly kind: 'cron';
}

/** A parsed EventBridge schedule expression. */
type ScheduleExpression = RateSchedule | CronSchedule;

/** Options of {@link parseScheduleExpression}. */
interface ParseScheduleExpressionOptions {
  /**
   * When a `rate(...)` schedule starts (epoch ms): it fires at `rateAnchorMs + k * period` for
   * k >= 1. On AWS a rate rule starts when the rule is created; pass that time.
   *
   * @default 0 (the Unix epoch, so `rate(5 minutes)` fires on every fifth minute of the hour)
   */
  readonly rateAnchorMs?: number;
}

const MINUTE_MS = 60_000;
const UNIT_MS: Readonly<Record<RateUnit, number>> = {
  minute: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  day: 24 * 60 * MINUTE_MS,
};
const PLURAL_UNITS: Readonly<Record<string, RateUnit>> = {
  minutes: 'minute',
  hours: 'hour',
  days: 'day',
};
const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Bounds and names of one numeric cron field. */
interface FieldRule {
  readonly field: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly allowWrap: boolean;
}

const MINUTES: FieldRule = { field: 'Minutes', min: 0, max: 59, allowWrap: true };
const HOURS: FieldRule = { field: 'Hours', min: 0, max: 23, allowWrap: true };
const DAY_OF_MONTH: FieldRule = { field: 'Day-of-month', min: 1, max: 31, allowWrap: true };
const MONTH: FieldRule = { field: 'Month', min: 1, max: 12, names: MONTH_NAMES, allowWrap: true };
const DAY_OF_WEEK: FieldRule = {
  field: 'Day-of-week',
  min: 1,
  max: 7,
  names: WEEKDAY_NAMES,
  allowWrap: true,
};
const YEAR: FieldRule = { field: 'Year', min: 1970, max: 2199, allowWrap: false };

/** Day-of-month constraints (`undefined` for `?`). */
interface DayOfMonthSpec {
  readonly days: ReadonlySet<number>;
  readonly last: boolean;
  readonly lastWeekday: boolean;
  readonly nearestWeekdays: readonly number[];
}

/** Day-of-week constraints (`undefined` for `?`); weekdays are 1 (SUN) to 7 (SAT). */
interface DayOfWeekSpec {
  readonly weekdays: ReadonlySet<number>;
  readonly lastOfMonth: readonly number[];
  readonly nth: readonly { readonly weekday: number; readonly n: number }[];
}

interface CronSpec {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonthSpec | undefined;
  readonly months: readonly number[];
  readonly dayOfWeek: DayOfWeekSpec | undefined;
  readonly years: readonly number[];
}

class FieldParser {
  public constructor(
    private readonly expression: string,
    private readonly rule: FieldRule,
  ) {}

  public fail(received: string, requirement: string): never {
    throw new ScheduleExpressionError(this.expression, this.rule.field, received, requirement);
  }

  /** One value: a number in bounds or (for Month and Day-of-week) a three-letter name. */
  public value(text: string, token: string): number {
    const { min, max, names } = this.rule;
    const index = names?.indexOf(text.toUpperCase()) ?? -1;
    if (index >= 0) return index + 1;
    if (!/^\d+$/.test(text)) {
      this.fail(token, `must use numbers${names ? ` or names (${names.join(', ')})` : ''}`);
    }
    const value = Number(text);
    if (value < min || value > max) this.fail(token, `values must be between ${min} and ${max}`);
    return value;
  }

  /** A list of `*`, `a`, `a-b`, `a/s`, `a-b/s`, `*\/s` tokens, as sorted values. */
  public numbers(text: string): number[] {
    const values = new Set<number>();
    for (const token of text.split(',')) this.addToken(token, values);
    return [...values].sort((left, right) => left - right);
  }

  public addToken(token: string, into: Set<number>): void {
    const { min, max } = this.rule;
    const [rangeText = '', stepText, extra] = token.split('/');
    if (extra !== undefined || rangeText === '') this.fail(token, 'has a malformed value');
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > max - min + 1) {
        this.fail(token, `increment must be a whole number between 1 and ${max - min + 1}`);
      }
      step = Number(stepText);
    }
    let start: number;
    let end: number;
    if (rangeText === '*') {
      start = min;
      end = max;
    } else {
      const [startText = '', endText, more] = rangeText.split('-');
      if (more !== undefined || startText === '' || endText === '') {
        this.fail(token, 'has a malformed range');
      }
      start = this.value(startText, token);
      end =
        endText === undefined ? (stepText === undefined ? start : max) : this.value(endText, token);
    }
    if (start > end && !this.rule.allowWrap)
      this.fail(token, 'range start must not exceed its end');
    const span = start <= end ? end - start + 1 : max - start + 1 + (end - min + 1);
    for (let offset = 0; offset < span; offset += step) {
      const value = start + offset;
      into.add(value > max ? value - (max - min + 1) : value);
    }
  }
}

function parseDayOfMonth(expression: string, text: string): DayOfMonthSpec {
  const parser = new FieldParser(expression, DAY_OF_MONTH);
  const days = new Set<number>();
  let last = false;
  let lastWeekday = false;
  const nearestWeekdays: number[] = [];
  for (const token of text.split(',')) {
    const upper = token.toUpperCase();
    if (upper === 'L') last = true;
    else if (upper === 'LW') lastWeekday = true;
    else if (/^\d+W$/.test(upper)) nearestWeekdays.push(parser.value(upper.slice(0, -1), token));
    else if (upper.includes('L') || upper.includes('W') || upper.includes('?')) {
      parser.fail(token, 'may use L, LW and nW only alone, and ? only as the whole field');
    } else parser.addToken(token, days);
  }
  return { days, last, lastWeekday, nearestWeekdays };
}

function parseDayOfWeek(expression: string, text: string): DayOfWeekSpec {
  const parser = new FieldParser(expression, DAY_OF_WEEK);
  const tokens = text.split(',');
  if (text.includes('#') && tokens.length > 1) {
    parser.fail(text, 'may hold only one expression when it uses #');
  }
  const weekdays = new Set<number>();
  const lastOfMonth: number[] = [];
  const nth: { weekday: number; n: number }[] = [];
  for (const token of tokens) {
    const upper = token.toUpperCase();
    if (token.includes('/')) parser.fail(token, 'does not accept the / wildcard');
    if (upper === 'L') weekdays.add(7);
    else if (upper.endsWith('L')) lastOfMonth.push(parser.value(upper.slice(0, -1), token));
    else if (upper.includes('#')) {
      const [weekdayText = '', nText = ''] = upper.split('#');
      if (!/^[1-5]$/.test(nText)) parser.fail(token, 'needs an occurrence between 1 and 5 after #');
      nth.push({ weekday: parser.value(weekdayText, token), n: Number(nText) });
    } else if (upper.includes('?')) parser.fail(token, 'may use ? only as the whole field');
    else parser.addToken(token, weekdays);
  }
  return { weekdays, lastOfMonth, nth };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of week of a date, 1 (SUN) to 7 (SAT). */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (MON-FRI) nearest to `day`, staying inside the month. */
function nearestWeekday(year: number, month: number, day: number, lastDay: number): number {
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? day + 2 : day - 1;
  if (weekday === 1) return day === lastDay ? day - 2 : day + 1;
  return day;
}

function daysOf(spec: CronSpec, year: number, month: number): number[] {
  const lastDay = daysInMonth(year, month);
  const days = new Set<number>();
  const { dayOfMonth, dayOfWeek } = spec;
  if (dayOfMonth !== undefined) {
    for (const day of dayOfMonth.days) if (day <= lastDay) days.add(day);
    if (dayOfMonth.last) days.add(lastDay);
    if (dayOfMonth.lastWeekday) days.add(nearestWeekday(year, month, lastDay, lastDay));
    for (const day of dayOfMonth.nearestWeekdays) {
      if (day <= lastDay) days.add(nearestWeekday(year, month, day, lastDay));
    }
  }
  if (dayOfWeek !== undefined) {
    for (let day = 1; day <= lastDay; day += 1) {
      const weekday = weekdayOf(year, month, day);
      if (
        dayOfWeek.weekdays.has(weekday) ||
        dayOfWeek.lastOfMonth.some((wanted) => wanted === weekday && day + 7 > lastDay) ||
        dayOfWeek.nth.some(
          (wanted) => wanted.weekday === weekday && Math.ceil(day / 7) === wanted.n,
        )
      ) {
        days.add(day);
      }
    }
  }
  return [...days].sort((left, right) => left - right);
}

function nextCronTime(spec: CronSpec, fromMs: number): number {
  const start = new Date(Math.floor(fromMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const [y, mo, d, h, mi] = [
    start.getUTCFullYear(),
    start.getUTCMonth() + 1,
    start.getUTCDate(),
    start.getUTCHours(),
    start.getUTCMinutes(),
  ];
  for (const year of spec.years) {
    if (year < y) continue;
    const sameYear = year === y;
    for (const month of spec.months) {
      if (sameYear && month < mo) continue;
      const sameMonth = sameYear && month === mo;
      for (const day of daysOf(spec, year, month)) {
        if (sameMonth && day < d) continue;
        const sameDay = sameMonth && day === d;
        for (const hour of spec.hours) {
          if (sameDay && hour < h) continue;
          const sameHour = sameDay && hour === h;
          for (const minute of spec.minutes) {
            if (sameHour && minute < mi) continue;
            return Date.UTC(year, month - 1, day, hour, minute);
          }
        }
      }
    }
  }
  return Number.POSITIVE_INFINITY;
}

function requireEpochMs(epochMs: unknown): number {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) {
    throw new EventBridgeArgumentError(
      'epochMs',
      epochMs,
      'must be a finite number of milliseconds',
    );
  }
  return epochMs;
}

function parseCron(expression: string, body: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(
      expression,
      'cron',
      body,
      'must have 6 fields: Minutes Hours Day-of-month Month Day-of-week Year',
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ScheduleExpressionError(
      expression,
      'Day-of-month/Day-of-week',
      `${dayOfMonth} ${dayOfWeek}`,
      'must use ? in exactly one of the two fields',
    );
  }
  const spec: CronSpec = {
    minutes: new FieldParser(expression, MINUTES).numbers(minutes),
    hours: new FieldParser(expression, HOURS).numbers(hours),
    dayOfMonth: dayOfMonth === '?' ? undefined : parseDayOfMonth(expression, dayOfMonth),
    months: new FieldParser(expression, MONTH).numbers(month),
    dayOfWeek: dayOfWeek === '?' ? undefined : parseDayOfWeek(expression, dayOfWeek),
    years: new FieldParser(expression, YEAR).numbers(year),
  };
  return {
    kind: 'cron',
    expression,
    nextAfter: (epochMs) => nextCronTime(spec, requireEpochMs(epochMs)),
  };
}

function parseRate(expression: string, body: string, anchorMs: number): RateSchedule {
  const parts = body.trim().split(/\s+/);
  const [valueText = '', unitText = '', extra] = parts;
  if (parts.length !== 2 || extra !== undefined) {
    throw new ScheduleExpressionError(expression, 'rate', body, 'must be "value unit"');
  }
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1) {
    throw new ScheduleExpressionError(
      expression,
      'value',
      valueText,
      'must be a positive whole number',
    );
  }
  const value = Number(valueText);
  const singular = unitText in UNIT_MS ? (unitText as RateUnit) : undefined;
  const plural = PLURAL_UNITS[unitText];
  if (singular === undefined && plural === undefined) {
    throw new ScheduleExpressionError(
      expression,
      'unit',
      unitText,
      'must be one of minute, minutes, hour, hours, day, days',
    );
  }
  if (value === 1 && singular === undefined) {
    throw new ScheduleExpressionError(
      expression,
      'unit',
      unitText,
      'must be singular when the value is 1',
    );
  }
  if (value > 1 && plural === undefined) {
    throw new ScheduleExpressionError(
      expression,
      'unit',
      unitText,
      'must be plural when the value is greater than 1',
    );
  }
  const unit = (singular ?? plural) as RateUnit;
  const periodMs = value * UNIT_MS[unit];
  return {
    kind: 'rate',
    expression,
    value,
    unit,
    periodMs,
    nextAfter: (epochMs) => {
      const elapsed = requireEpochMs(epochMs) - anchorMs;
      const periods = Math.max(1, Math.floor(elapsed / periodMs) + 1);
      return anchorMs + periods * periodMs;
    },
  };
}

/**
 * Parses an EventBridge rule schedule expression: `rate(value unit)` (minute(s), hour(s),
 * day(s); singular only with 1) or the six-field `cron(Minutes Hours Day-of-month Month
 * Day-of-week Year)` with `*`, `?`, `,`, `-`, `/`, `L`, `W` and `#`. All times are UTC.
 *
 * @param expression - the rule's `ScheduleExpression`
 * @param options - see {@link ParseScheduleExpressionOptions}
 * @throws ScheduleExpressionError naming the field and the value received
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 *
 * @example
 * ```ts
 * const schedule = parseScheduleExpression('cron(0 9 ? * 2#1 *)'); // first Monday, 09:00 UTC
 * const next = schedule.nextAfter(Date.parse('2026-11-25T12:00:00Z'));
 * new Date(next).toISOString(); // '2026-12-07T09:00:00.000Z'
 * ```
 */
function parseScheduleExpression(
  expression: string,
  options: ParseScheduleExpressionOptions = {},
): ScheduleExpression {
  if (typeof expression !== 'string') {
    throw new ScheduleExpressionError(expression, 'expression', expression, 'must be a string');
  }
  const anchorMs = options.rateAnchorMs ?? 0;
  if (!Number.isFinite(anchorMs)) {
    throw new EventBridgeArgumentError('rateAnchorMs', anchorMs, 'must be a finite number');
  }
  const match = /^(rate|cron)\((.*)\)$/s.exec(expression.trim());
  if (match === null) {
    throw new ScheduleExpressionError(
      expression,
      'expression',
      expression,
      'must be rate(value unit) or cron(Minutes Hours Day-of-month Month Day-of-week Year)',
    );
  }
  const [, kind, body = ''] = match;
  return kind === 'rate' ? parseRate(expression, body, anchorMs) : parseCron(expression, body);
}

export type {
  CronSchedule,
  ParseScheduleExpressionOptions,
  RateSchedule,
  RateUnit,
  ScheduleExpression,
};
export { parseScheduleExpression };
