import { describe, expect, it } from '@jest/globals';
import {
  compileEventPattern,
  EventBridgeArgumentError,
  type EventPattern,
  matchesEventPattern,
} from '../../../src/index.js';
import { getEventBridgeFixture, listPatternCases, listSchemaBedrockEvents } from './fixtures.js';

/** The rule the product deploys for Bedrock job state changes. */
const BEDROCK_RULE: EventPattern = {
  source: ['aws.bedrock'],
  'detail-type': ['Batch Inference Job State Change'],
  detail: { status: ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'] },
};

describe('Function: matchesEventPattern', () => {
  describe('examples of the EventBridge User Guide', () => {
    it.each(listPatternCases())('%s: %s', (_file, _name, example) => {
      // Act
      const matches = matchesEventPattern(example.pattern as EventPattern, example.event);

      // Assess
      expect(matches).toBe(example.matches);
    });
  });

  describe('the Bedrock job state change rule', () => {
    const expected: Record<string, boolean> = {
      'invalid-detail-type': false,
      'invalid-missing-job-arn': false,
      'valid-aws-cn-extra-fields': true,
      'valid-completed': true,
      'valid-failed-no-message': true,
      'valid-failed-with-message': true,
    };

    it.each(listSchemaBedrockEvents())('schema event %s', (variant, event) => {
      expect(matchesEventPattern(BEDROCK_RULE, event)).toBe(expected[variant]);
    });

    it.each([
      ['stopped', true],
      ['expired', true],
      ['in-progress', false],
      ['scheduled', false],
    ])('event with status from %s matches: %s', (variant, matches) => {
      const event = getEventBridgeFixture('bedrock-job-state-change', variant);
      expect(matchesEventPattern(BEDROCK_RULE, event)).toBe(matches);
    });

    it('matches the rule given as the JSON text CloudFormation stores', () => {
      const event = getEventBridgeFixture('bedrock-job-state-change', 'stopped');
      expect(matchesEventPattern(JSON.stringify(BEDROCK_RULE), event)).toBe(true);
    });

    it('does not match the same event from another source', () => {
      // Prepare
      const event = getEventBridgeFixture<Record<string, unknown>>(
        'bedrock-job-state-change',
        'stopped',
      );

      // Act
      const matches = matchesEventPattern(BEDROCK_RULE, { ...event, source: 'com.example' });

      // Assess
      expect(matches).toBe(false);
    });
  });

  describe('semantics beyond the documented examples', () => {
    it('flattens nested arrays in the event', () => {
      expect(matchesEventPattern({ tags: ['b'] }, { tags: [['a'], ['b', 'c']] })).toBe(true);
    });

    it('matches booleans exactly', () => {
      expect(matchesEventPattern({ ok: [true] }, { ok: true })).toBe(true);
      expect(matchesEventPattern({ ok: [true] }, { ok: 'true' })).toBe(false);
    });

    it('keeps strings and numbers apart', () => {
      expect(matchesEventPattern({ n: [5] }, { n: '5' })).toBe(false);
      expect(matchesEventPattern({ n: ['5'] }, { n: 5 })).toBe(false);
    });

    it('compares numbers by value, since the event is parsed JSON', () => {
      expect(matchesEventPattern({ n: [300] }, JSON.parse('{"n": 3.0e2}'))).toBe(true);
    });

    it('matches exists false when the parent object is missing', () => {
      expect(matchesEventPattern({ detail: { a: [{ exists: false }] } }, { source: 'x' })).toBe(
        true,
      );
    });

    it('matches exists false for an empty event array', () => {
      expect(matchesEventPattern({ tags: [{ exists: false }] }, { tags: [] })).toBe(true);
    });

    it('combines exists false with a value as alternatives', () => {
      const pattern: EventPattern = { status: [{ exists: false }, 'Completed'] };
      expect(matchesEventPattern(pattern, {})).toBe(true);
      expect(matchesEventPattern(pattern, { status: 'Completed' })).toBe(true);
      expect(matchesEventPattern(pattern, { status: 'Failed' })).toBe(false);
    });

    it('supports nested $or with an AND inside an alternative', () => {
      // Prepare
      const pattern: EventPattern = {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization'] },
          { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ id: [1] }, { sid: [2] }] },
        ],
      };

      // Act & Assess
      expect(
        matchesEventPattern(pattern, {
          source: 'aws.cloudwatch',
          metricType: 'MetricType',
          namespace: 'AWS/EC2',
          sid: 2,
        }),
      ).toBe(true);
      expect(
        matchesEventPattern(pattern, {
          source: 'aws.cloudwatch',
          metricType: 'MetricType',
          namespace: 'AWS/EC2',
          sid: 3,
        }),
      ).toBe(false);
    });

    it('matches a wildcard made only of "*" against any string, including an empty one', () => {
      expect(matchesEventPattern({ a: [{ wildcard: '*' }] }, { a: '' })).toBe(true);
      expect(matchesEventPattern({ a: [{ wildcard: '*' }] }, { a: 7 })).toBe(false);
    });

    it('matches an escaped backslash in a wildcard literally', () => {
      expect(matchesEventPattern({ a: [{ wildcard: 'C:\\\\*' }] }, { a: 'C:\\temp' })).toBe(true);
    });

    it('treats regular expression characters in a wildcard literally', () => {
      expect(matchesEventPattern({ a: [{ wildcard: 'a.c*' }] }, { a: 'abcd' })).toBe(false);
      expect(matchesEventPattern({ a: [{ wildcard: 'a.c*' }] }, { a: 'a.cd' })).toBe(true);
    });

    it('matches a cidr /32 as one address and /0 as every IPv4 address', () => {
      expect(matchesEventPattern({ ip: [{ cidr: '192.0.2.7/32' }] }, { ip: '192.0.2.7' })).toBe(
        true,
      );
      expect(matchesEventPattern({ ip: [{ cidr: '192.0.2.7/32' }] }, { ip: '192.0.2.8' })).toBe(
        false,
      );
      expect(matchesEventPattern({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '203.0.113.9' })).toBe(
        true,
      );
      expect(matchesEventPattern({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '2001:db8::1' })).toBe(
        false,
      );
    });

    it('ignores inherited properties of the event', () => {
      expect(matchesEventPattern({ toString: [{ exists: true }] }, {})).toBe(false);
    });

    it('throws when the event is not an object', () => {
      expect(() => matchesEventPattern(BEDROCK_RULE, '{"source":"aws.bedrock"}')).toThrow(
        EventBridgeArgumentError,
      );
      expect(() => matchesEventPattern(BEDROCK_RULE, null)).toThrow(
        'Invalid event: must be a JSON object (received: null)',
      );
    });
  });
});

describe('Function: compileEventPattern', () => {
  it('returns a reusable matcher', () => {
    // Prepare
    const isTerminal = compileEventPattern(BEDROCK_RULE);
    const stopped = getEventBridgeFixture('bedrock-job-state-change', 'stopped');
    const running = getEventBridgeFixture('bedrock-job-state-change', 'in-progress');

    // Act & Assess
    expect([isTerminal(stopped), isTerminal(running), isTerminal(stopped)]).toEqual([
      true,
      false,
      true,
    ]);
  });
});
