import { randomUUID } from 'node:crypto';
import { EventBridgeArgumentError } from '../errors.js';
import { parseJsonPath, readJsonPath } from './json-path.js';

/**
 * An event as EventBridge delivers it to a rule target.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 */
interface EventBridgeEvent<TDetail = Record<string, unknown>> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 UTC time without milliseconds, e.g. `2026-11-25T10:15:00Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: TDetail;
}

/** Options of {@link toEventBridgeEnvelope}. */
interface EventBridgeEnvelopeOptions<TDetail> {
  /** The event's `source`, e.g. `aws.bedrock`. */
  readonly source: string;
  /** The event's `detail-type`. */
  readonly detailType: string;
  /** The event's `detail`: a JSON object. */
  readonly detail: TDetail;
  /** 12-digit account ID. */
  readonly account: string;
  /** Region, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * When the event happened: epoch milliseconds or a Date, sent without milliseconds.
   *
   * @default Date.now()
   */
  readonly time?: number | Date;
  /**
   * ARNs of the resources the event is about.
   *
   * @default []
   */
  readonly resources?: readonly string[];
  /**
   * The event ID.
   *
   * @default a random UUID
   */
  readonly id?: string;
}

/** Options of {@link toScheduledEvent}. */
interface ScheduledEventOptions {
  /** ARN of the scheduled rule: `arn:<partition>:events:<region>:<account>:rule/<name>`. */
  readonly ruleArn: string;
  /** The scheduled time: epoch milliseconds or a Date. */
  readonly time: number | Date;
  /**
   * 12-digit account ID.
   *
   * @default the account in `ruleArn`
   */
  readonly account?: string;
  /**
   * Region.
   *
   * @default the region in `ruleArn`
   */
  readonly region?: string;
  /**
   * The event ID.
   *
   * @default a random UUID
   */
  readonly id?: string;
}

/** The input settings of a rule target (`AWS::Events::Rule` `Targets[]`, PutTargets). */
interface RuleTargetInput {
  /**
   * Constant JSON text sent instead of the event.
   *
   * @default - not set
   */
  readonly Input?: string;
  /**
   * JSONPath of the part of the event to send, e.g. `$.detail`.
   *
   * @default - not set
   */
  readonly InputPath?: string;
  /**
   * Variables read from the event and a template that uses them as `<name>`.
   *
   * @default - not set (with none of the three set, the whole event is sent)
   */
  readonly InputTransformer?: {
    /**
     * Variable name to JSONPath, at most 100 entries.
     *
     * @default {} (only the predefined variables)
     */
    readonly InputPathsMap?: Readonly<Record<string, string>>;
    /** The text sent to the target, with `<name>` placeholders. */
    readonly InputTemplate: string;
  };
}

/** Values of the predefined input-transformer variables. */
interface TargetInputContext {
  /**
   * ARN of the rule, for `<aws.events.rule-arn>`.
   *
   * @default - the placeholder resolves to nothing (null)
   */
  readonly ruleArn?: string;
  /**
   * Name of the rule, for `<aws.events.rule-name>`.
   *
   * @default the name in `ruleArn`
   */
  readonly ruleName?: string;
  /**
   * For `<aws.events.event.ingestion-time>`.
   *
   * @default the event's `time`
   */
  readonly ingestionTime?: string;
}

const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const RULE_ARN_PATTERN = /^arn:aws[a-z-]*:events:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):rule\/(.+)$/;
const VARIABLE_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const MAX_INPUT_PATHS = 100;
const PREDEFINED_VARIABLES = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event',
  'aws.events.event.json',
  'aws.events.event.ingestion-time',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new EventBridgeArgumentError(field, value, 'must be a non-empty string');
  }
  return value;
}

function requirePattern(field: string, value: unknown, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new EventBridgeArgumentError(field, value, `must be ${what}`);
  }
  return value;
}

/**
 * Formats a time as EventBridge does in an event's `time`: ISO 8601 UTC without milliseconds.
 *
 * @example
 * ```ts
 * toEventTime(Date.parse('2026-11-25T10:15:00.250Z')); // '2026-11-25T10:15:00Z'
 * ```
 */
function toEventTime(time: number | Date): string {
  const ms = time instanceof Date ? time.getTime() : time;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new EventBridgeArgumentError('time', time, 'must be epoch milliseconds or a valid Date');
  }
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Builds an EventBridge event envelope (`version`, `id`, `detail-type`, `source`, `account`,
 * `time`, `region`, `resources`, `detail`), as a rule target receives it.
 *
 * @param options - see {@link EventBridgeEnvelopeOptions}
 * @throws EventBridgeArgumentError naming the option and the value received
 *
 * @example
 * ```ts
 * const event = toEventBridgeEnvelope({
 *   source: 'aws.bedrock',
 *   detailType: 'Batch Inference Job State Change',
 *   detail: { batchJobArn: jobArn, status: 'Completed' },
 *   account: '123456789012',
 *   region: 'us-east-1',
 *   resources: [jobArn],
 * });
 * ```
 */
function toEventBridgeEnvelope<TDetail extends object = Record<string, unknown>>(
  options: EventBridgeEnvelopeOptions<TDetail>,
): EventBridgeEvent<TDetail> {
  const resources = options.resources ?? [];
  if (!Array.isArray(resources) || resources.some((item) => typeof item !== 'string')) {
    throw new EventBridgeArgumentError('resources', resources, 'must be an array of ARN strings');
  }
  if (!isPlainObject(options.detail)) {
    throw new EventBridgeArgumentError('detail', options.detail, 'must be a JSON object');
  }
  return {
    version: '0',
    id: options.id === undefined ? randomUUID() : requireText('id', options.id),
    'detail-type': requireText('detailType', options.detailType),
    source: requireText('source', options.source),
    account: requirePattern('account', options.account, ACCOUNT_PATTERN, 'a 12-digit account ID'),
    time: toEventTime(options.time ?? Date.now()),
    region: requirePattern('region', options.region, REGION_PATTERN, 'a region such as us-east-1'),
    resources: [...resources],
    detail: options.detail,
  };
}

/**
 * Builds the "Scheduled Event" a schedule rule sends to its targets: `source: aws.events`,
 * `detail-type: Scheduled Event`, `resources: [ruleArn]`, `detail: {}`.
 *
 * @param options - see {@link ScheduledEventOptions}
 * @throws EventBridgeArgumentError when the rule ARN, account, region or time is invalid
 *
 * @example
 * ```ts
 * const event = toScheduledEvent({
 *   ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/reconcile',
 *   time: schedule.nextAfter(Date.now()),
 * });
 * // event.time === '2026-11-25T10:15:00Z', event.account === '123456789012'
 * ```
 */
function toScheduledEvent(options: ScheduledEventOptions): EventBridgeEvent<Record<string, never>> {
  const match = RULE_ARN_PATTERN.exec(typeof options.ruleArn === 'string' ? options.ruleArn : '');
  if (match === null) {
    throw new EventBridgeArgumentError(
      'ruleArn',
      options.ruleArn,
      'must be a rule ARN such as arn:aws:events:us-east-1:123456789012:rule/name',
    );
  }
  const [, arnRegion = '', arnAccount = ''] = match;
  return toEventBridgeEnvelope<Record<string, never>>({
    source: 'aws.events',
    detailType: 'Scheduled Event',
    detail: {},
    account: options.account ?? arnAccount,
    region: options.region ?? arnRegion,
    time: options.time,
    resources: [options.ruleArn],
    ...(options.id === undefined ? {} : { id: options.id }),
  });
}

/** Whether position `index` of a JSON template is inside a string literal. */
function isInsideString(template: string, index: number, state: { at: number; inside: boolean }) {
  for (let position = state.at; position < index; position += 1) {
    const char = template.charAt(position);
    if (char === '\\' && state.inside) position += 1;
    else if (char === '"') state.inside = !state.inside;
  }
  state.at = Math.max(state.at, index);
  return state.inside;
}

function renderValue(value: unknown, insideString: boolean): string {
  if (value === undefined) return insideString ? '' : 'null';
  if (insideString && typeof value === 'string') return value;
  return JSON.stringify(value);
}

function predefinedValue(name: string, event: unknown, context: TargetInputContext): unknown {
  switch (name) {
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.rule-name':
      return context.ruleName ?? context.ruleArn?.split('/').pop();
    case 'aws.events.event':
      return event;
    case 'aws.events.event.json':
      return JSON.stringify(event);
    default:
      return context.ingestionTime ?? (isPlainObject(event) ? event.time : undefined);
  }
}

function applyTransformer(
  transformer: NonNullable<RuleTargetInput['InputTransformer']>,
  event: unknown,
  context: TargetInputContext,
): string {
  const template = transformer.InputTemplate;
  if (typeof template !== 'string') {
    throw new EventBridgeArgumentError(
      'InputTransformer.InputTemplate',
      template,
      'must be a string',
    );
  }
  const pathsMap = transformer.InputPathsMap ?? {};
  if (!isPlainObject(pathsMap)) {
    throw new EventBridgeArgumentError(
      'InputTransformer.InputPathsMap',
      pathsMap,
      'must be an object of variable name to JSONPath',
    );
  }
  const entries = Object.entries(pathsMap);
  if (entries.length > MAX_INPUT_PATHS) {
    throw new EventBridgeArgumentError(
      'InputTransformer.InputPathsMap',
      `${entries.length} entries`,
      `must have at most ${MAX_INPUT_PATHS} entries`,
    );
  }
  const variables = new Map<string, unknown>();
  for (const [name, path] of entries) {
    const field = `InputTransformer.InputPathsMap.${name}`;
    if (PREDEFINED_VARIABLES.has(name) || !VARIABLE_NAME_PATTERN.test(name)) {
      throw new EventBridgeArgumentError(
        field,
        name,
        'name must use letters, digits, _ or - and must not be a predefined aws.events variable',
      );
    }
    variables.set(name, readJsonPath(event, parseJsonPath(path, field)));
  }
  const state = { at: 0, inside: false };
  return template.replace(/<([A-Za-z0-9_.-]+)>/g, (placeholder, name: string, offset: number) => {
    const insideString = isInsideString(template, offset, state);
    if (variables.has(name)) return renderValue(variables.get(name), insideString);
    if (PREDEFINED_VARIABLES.has(name)) {
      return renderValue(predefinedValue(name, event, context), insideString);
    }
    return placeholder;
  });
}

/**
 * Computes the text a rule target receives for an event, from the target's input settings:
 * `Input` (constant JSON text), `InputPath` (the part of the event at a simple JSONPath such as
 * `$.detail`), `InputTransformer` (`InputPathsMap` variables in an `InputTemplate`), or, when
 * none is set, the whole event as JSON.
 *
 * In an input template, a `<name>` placeholder outside a string literal becomes the variable's
 * JSON (`"text"`, `42`, `{...}`); inside a string literal a string variable is inserted as is,
 * unescaped, as EventBridge does. A variable whose path is missing from the event becomes `null`
 * outside a string and nothing inside one. Predefined variables: `aws.events.rule-arn`,
 * `aws.events.rule-name`, `aws.events.event`, `aws.events.event.json`,
 * `aws.events.event.ingestion-time`. Placeholders naming no variable are left unchanged.
 *
 * @param target - the target's `Input`, `InputPath` or `InputTransformer` (at most one)
 * @param event - the matched event
 * @param context - values of the predefined variables
 * @returns the text sent to the target (JSON for Lambda targets)
 * @throws EventBridgeArgumentError when the target sets more than one input, `Input` is not
 * JSON, a path is not a simple JSONPath, or a variable name is invalid
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 *
 * @example
 * ```ts
 * const text = applyTargetInput(
 *   {
 *     InputTransformer: {
 *       InputPathsMap: { arn: '$.detail.batchJobArn', status: '$.detail.status' },
 *       InputTemplate: '{"jobArn": <arn>, "message": "job is <status>"}',
 *     },
 *   },
 *   event,
 * );
 * // '{"jobArn": "arn:aws:bedrock:...", "message": "job is Completed"}'
 * ```
 */
function applyTargetInput(
  target: RuleTargetInput,
  event: unknown,
  context: TargetInputContext = {},
): string {
  if (!isPlainObject(target as unknown)) {
    throw new EventBridgeArgumentError('target', target, 'must be an object');
  }
  const set = (['Input', 'InputPath', 'InputTransformer'] as const).filter(
    (key) => target[key] !== undefined,
  );
  if (set.length > 1) {
    throw new EventBridgeArgumentError(
      'target',
      set,
      'must set at most one of Input, InputPath and InputTransformer',
    );
  }
  if (target.Input !== undefined) {
    try {
      if (typeof target.Input !== 'string') throw new TypeError('Input is not a string');
      JSON.parse(target.Input);
    } catch (error) {
      throw new EventBridgeArgumentError('Input', target.Input, 'must be a JSON text', {
        cause: error,
      });
    }
    return target.Input;
  }
  if (target.InputPath !== undefined) {
    const value = readJsonPath(event, parseJsonPath(target.InputPath, 'InputPath'));
    return JSON.stringify(value === undefined ? null : value);
  }
  if (target.InputTransformer !== undefined) {
    if (!isPlainObject(target.InputTransformer as unknown)) {
      throw new EventBridgeArgumentError(
        'InputTransformer',
        target.InputTransformer,
        'must be an object with InputTemplate',
      );
    }
    return applyTransformer(target.InputTransformer, event, context);
  }
  return JSON.stringify(event);
}

export type {
  EventBridgeEnvelopeOptions,
  EventBridgeEvent,
  RuleTargetInput,
  ScheduledEventOptions,
  TargetInputContext,
};
export { applyTargetInput, toEventBridgeEnvelope, toEventTime, toScheduledEvent };
