export type { EventPatternMatcher } from './compile-event-pattern.js';
export { compileEventPattern } from './compile-event-pattern.js';
export type {
  EventBridgeEnvelopeOptions,
  EventBridgeEvent,
  RuleTargetInput,
  ScheduledEventOptions,
  TargetInputContext,
} from './envelopes.js';
export {
  applyTargetInput,
  toEventBridgeEnvelope,
  toEventTime,
  toScheduledEvent,
} from './envelopes.js';
export type {
  AnythingButValue,
  EventPattern,
  EventPatternFilter,
  EventPatternMatchValue,
  IgnoreCaseValue,
} from './event-pattern-types.js';
export { matchesEventPattern, validateEventPattern } from './match-event-pattern.js';
export type {
  CronSchedule,
  ParseScheduleExpressionOptions,
  RateSchedule,
  RateUnit,
  ScheduleExpression,
} from './schedule-expression.js';
export { parseScheduleExpression } from './schedule-expression.js';
