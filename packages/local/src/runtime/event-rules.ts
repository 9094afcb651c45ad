import type { Clock, ClockTimer } from '../clock.js';
import {
  applyTargetInput,
  compileEventPattern,
  parseScheduleExpression,
  toScheduledEvent,
} from '../eventbridge/index.js';
import type { LocalFunction } from '../lambda/local-function.js';

/** A rule target the local runtime can deliver to (a Lambda function). */
interface LocalRuleTarget {
  readonly id: string;
  readonly fn: LocalFunction;
  readonly input?: string;
  readonly inputPath?: string;
  readonly inputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

/** An EventBridge rule of a template: an event pattern or a schedule, and its Lambda targets. */
interface LocalRule {
  readonly name: string;
  readonly arn: string;
  readonly eventPattern?: unknown;
  readonly scheduleExpression?: string;
  readonly targets: readonly LocalRuleTarget[];
}

/** One delivery of an event to a target, for inspection. */
interface RuleDelivery {
  readonly rule: string;
  readonly target: string;
  readonly time: number;
  readonly attempt: number;
  readonly ok: boolean;
  readonly error?: string;
}

/** Delays (virtual ms) before the two retries of a failed asynchronous Lambda invocation. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

/**
 * The default event bus of a local app: matches each event against the rules' patterns and
 * invokes their Lambda targets asynchronously (retried twice on error, as Lambda does), and fires
 * schedule rules on the clock.
 *
 * @example
 * ```ts
 * const bus = new LocalEventBus(rules, { clock, account: '123456789012', region: 'us-east-1' });
 * bus.start();
 * bus.put(bedrockEvent);
 * ```
 */
class LocalEventBus {
  public readonly deliveries: RuleDelivery[] = [];
  private readonly matchers: Array<{ rule: LocalRule; matches: (event: unknown) => boolean }>;
  private readonly timers = new Set<ClockTimer>();
  private running = false;

  public constructor(
    private readonly rules: readonly LocalRule[],
    private readonly options: { clock: Clock; account: string; region: string },
  ) {
    this.matchers = rules
      .filter((rule) => rule.eventPattern !== undefined)
      .map((rule) => ({ rule, matches: compileEventPattern(rule.eventPattern as never) }));
  }

  /** Arms every schedule rule. */
  public start(): void {
    if (this.running) return;
    this.running = true;
    for (const rule of this.rules) {
      if (rule.scheduleExpression !== undefined) {
        const schedule = parseScheduleExpression(rule.scheduleExpression, {
          rateAnchorMs: this.options.clock.now(),
        });
        this.arm(rule, schedule);
      }
    }
  }

  /** Disarms the schedules; deliveries in flight finish. */
  public stop(): void {
    this.running = false;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }

  /** Puts an event on the bus (PutEvents): every matching rule's targets get it. */
  public put(event: unknown): void {
    for (const { rule, matches } of this.matchers) {
      if (matches(event)) this.deliver(rule, event);
    }
  }

  private arm(rule: LocalRule, schedule: { nextAfter(epochMs: number): number }): void {
    if (!this.running) return;
    const clock = this.options.clock;
    const next = schedule.nextAfter(clock.now());
    const timer = clock.setTimer(Math.max(0, next - clock.now()), () => {
      this.timers.delete(timer);
      this.deliver(
        rule,
        toScheduledEvent({
          ruleArn: rule.arn,
          time: clock.now(),
          account: this.options.account,
          region: this.options.region,
        }),
      );
      this.arm(rule, schedule);
    });
    this.timers.add(timer);
  }

  private deliver(rule: LocalRule, event: unknown): void {
    for (const target of rule.targets) {
      const text = applyTargetInput(
        {
          ...(target.input !== undefined ? { Input: target.input } : {}),
          ...(target.inputPath !== undefined ? { InputPath: target.inputPath } : {}),
          ...(target.inputTransformer !== undefined
            ? { InputTransformer: target.inputTransformer }
            : {}),
        },
        event,
        { ruleArn: rule.arn, ruleName: rule.name },
      );
      this.invoke(rule, target, JSON.parse(text) as unknown, 0);
    }
  }

  private invoke(
    rule: LocalRule,
    target: LocalRuleTarget,
    payload: unknown,
    attempt: number,
  ): void {
    const clock = this.options.clock;
    // The invocation is tracked work on the clock (see LocalFunction).
    void target.fn.invoke(payload).then(
      () => {
        this.deliveries.push({
          rule: rule.name,
          target: target.id,
          time: clock.now(),
          attempt,
          ok: true,
        });
      },
      (error: Error) => {
        this.deliveries.push({
          rule: rule.name,
          target: target.id,
          time: clock.now(),
          attempt,
          ok: false,
          error: `${error.name}: ${error.message}`,
        });
        const delay = ASYNC_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || !this.running) return;
        const timer = clock.setTimer(delay, () => {
          this.timers.delete(timer);
          this.invoke(rule, target, payload, attempt + 1);
        });
        this.timers.add(timer);
      },
    );
  }
}

export type { LocalRule, LocalRuleTarget, RuleDelivery };
export { LocalEventBus };
