import { describe, expect, it } from '@jest/globals';
import {
  applyTargetInput,
  EventBridgeArgumentError,
  matchesEventPattern,
  toEventBridgeEnvelope,
  toEventTime,
  toScheduledEvent,
} from '../../../src/index.js';
import { getEventBridgeFixture } from './fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule';

function ec2Event(): Record<string, unknown> {
  return getEventBridgeFixture('input-transformer', 'ec2-state-change');
}

/** The input paths of the User Guide's input transformer examples. */
const EC2_PATHS = {
  timestamp: '$.time',
  instance: '$.detail.instance-id',
  state: '$.detail.state',
};

function transform(template: string, context = {}): string {
  return applyTargetInput(
    { InputTransformer: { InputPathsMap: EC2_PATHS, InputTemplate: template } },
    ec2Event(),
    context,
  );
}

describe('Function: toEventTime', () => {
  it('formats ISO 8601 UTC without milliseconds', () => {
    expect(toEventTime(Date.parse('2026-11-25T10:15:00.250Z'))).toBe('2026-11-25T10:15:00Z');
    expect(toEventTime(new Date('2026-11-25T10:15:59.999Z'))).toBe('2026-11-25T10:15:59Z');
  });

  it('throws for a time that is not a number or a valid Date', () => {
    expect(() => toEventTime(new Date('nope'))).toThrow(EventBridgeArgumentError);
  });
});

describe('Function: toScheduledEvent', () => {
  it('builds the envelope AWS sends for a schedule rule', () => {
    // Prepare
    const expected = getEventBridgeFixture('scheduled-event', 'aws-docs');

    // Act
    const event = toScheduledEvent({
      ruleArn: RULE_ARN,
      time: Date.parse('2015-10-08T16:53:06.120Z'),
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    });

    // Assess
    expect(event).toEqual(expected);
    expect(Object.keys(event)).toEqual(Object.keys(expected as object));
  });

  it('takes account and region from the rule ARN unless given, and a random id', () => {
    // Act
    const event = toScheduledEvent({
      ruleArn: 'arn:aws-cn:events:cn-north-1:210987654321:rule/stack-Reconcile-1A2B',
      time: new Date('2026-11-25T10:15:00Z'),
    });
    const overridden = toScheduledEvent({
      ruleArn: RULE_ARN,
      time: 0,
      account: '111122223333',
      region: 'eu-west-1',
    });

    // Assess
    expect(event).toMatchObject({ account: '210987654321', region: 'cn-north-1' });
    expect(event.id).toMatch(UUID);
    expect(overridden).toMatchObject({
      account: '111122223333',
      region: 'eu-west-1',
      time: '1970-01-01T00:00:00Z',
    });
  });

  it('matches a pattern on aws.events Scheduled Event', () => {
    const event = toScheduledEvent({ ruleArn: RULE_ARN, time: 0 });
    expect(
      matchesEventPattern({ source: ['aws.events'], 'detail-type': ['Scheduled Event'] }, event),
    ).toBe(true);
  });

  it.each([
    ['not an ARN', 'my-scheduled-rule'],
    ['an ARN of another service', 'arn:aws:sqs:us-east-1:123456789012:queue'],
    ['an ARN with a short account', 'arn:aws:events:us-east-1:1234:rule/x'],
  ])('throws for a rule ARN that is %s', (_case, ruleArn) => {
    expect(() => toScheduledEvent({ ruleArn, time: 0 })).toThrow(
      `Invalid ruleArn: must be a rule ARN such as arn:aws:events:us-east-1:123456789012:rule/name (received: "${ruleArn}")`,
    );
  });
});

describe('Function: toEventBridgeEnvelope', () => {
  it('builds a full event in the order AWS sends its fields', () => {
    // Act
    const event = toEventBridgeEnvelope({
      source: 'aws.bedrock',
      detailType: 'Batch Inference Job State Change',
      detail: { status: 'Completed' },
      account: '123456789012',
      region: 'us-east-1',
      time: Date.parse('2026-11-20T10:15:30.500Z'),
      resources: ['arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl'],
    });

    // Assess
    expect(Object.keys(event)).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Batch Inference Job State Change',
      time: '2026-11-20T10:15:30Z',
      detail: { status: 'Completed' },
    });
    expect(event.id).toMatch(UUID);
  });

  it('defaults time to now and resources to an empty list', () => {
    // Prepare
    const before = Math.floor(Date.now() / 1000) * 1000;

    // Act
    const event = toEventBridgeEnvelope({
      source: 'com.example',
      detailType: 'Test',
      detail: {},
      account: '123456789012',
      region: 'us-gov-west-1',
    });

    // Assess
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(event.resources).toEqual([]);
  });

  it.each([
    ['source', { source: '' }, 'Invalid source: must be a non-empty string (received: "")'],
    [
      'detailType',
      { detailType: 7 },
      'Invalid detailType: must be a non-empty string (received: 7)',
    ],
    [
      'account',
      { account: '12345' },
      'Invalid account: must be a 12-digit account ID (received: "12345")',
    ],
    [
      'region',
      { region: 'US East' },
      'Invalid region: must be a region such as us-east-1 (received: "US East")',
    ],
    ['detail', { detail: [] }, 'Invalid detail: must be a JSON object (received: [])'],
    [
      'resources',
      { resources: [1] },
      'Invalid resources: must be an array of ARN strings (received: [1])',
    ],
  ])('throws for an invalid %s', (_field, override, message) => {
    const options = {
      source: 'com.example',
      detailType: 'Test',
      detail: {},
      account: '123456789012',
      region: 'us-east-1',
      ...override,
    } as Parameters<typeof toEventBridgeEnvelope>[0];
    expect(() => toEventBridgeEnvelope(options)).toThrow(message);
  });
});

describe('Function: applyTargetInput', () => {
  it('sends the whole event as JSON when the target sets no input', () => {
    expect(JSON.parse(applyTargetInput({}, ec2Event()))).toEqual(ec2Event());
  });

  it('sends a constant Input as is', () => {
    expect(applyTargetInput({ Input: '{"action": "reconcile"}' }, ec2Event())).toBe(
      '{"action": "reconcile"}',
    );
  });

  it('sends the part of the event at InputPath', () => {
    expect(JSON.parse(applyTargetInput({ InputPath: '$.detail' }, ec2Event()))).toEqual({
      'instance-id': 'i-0123456789',
      state: 'RUNNING',
    });
    expect(applyTargetInput({ InputPath: '$.detail.state' }, ec2Event())).toBe('"RUNNING"');
    expect(applyTargetInput({ InputPath: '$.resources[0]' }, ec2Event())).toBe(
      '"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"',
    );
    expect(applyTargetInput({ InputPath: "$['detail-type']" }, ec2Event())).toBe(
      '"EC2 Instance State-change Notification"',
    );
    expect(applyTargetInput({ InputPath: '$' }, ec2Event())).toBe(JSON.stringify(ec2Event()));
  });

  it('sends null for an InputPath missing from the event', () => {
    expect(applyTargetInput({ InputPath: '$.detail.missing' }, ec2Event())).toBe('null');
  });

  describe('input transformer examples of the EventBridge User Guide', () => {
    it.each([
      [
        'a simple string',
        '"instance <instance> is in <state>"',
        '"instance i-0123456789 is in RUNNING"',
      ],
      [
        'a string with escaped quotes',
        '"instance \\"<instance>\\" is in <state>"',
        '"instance \\"i-0123456789\\" is in RUNNING"',
      ],
      [
        'simple JSON',
        '{"instance" : <instance>, "state": <state>}',
        '{"instance" : "i-0123456789", "state": "RUNNING"}',
      ],
      [
        'JSON with strings and variables',
        '{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}',
        '{"instance" : "i-0123456789", "state": "RUNNING", "instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"}',
      ],
      [
        'JSON with a mix of variables and static information',
        '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}',
        '{"instance" : "i-0123456789", "state": [ 9, "RUNNING", true ], "Transformed" : "Yes"}',
      ],
    ])('transforms %s', (_case, template, expected) => {
      expect(transform(template)).toBe(expected);
    });

    it('fills the predefined variables', () => {
      // Act
      const text = transform(
        '{"instance" : <instance>, "state": <state>, "ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event>}',
        { ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example' },
      );

      // Assess
      expect(JSON.parse(text)).toEqual({
        instance: 'i-0123456789',
        state: 'RUNNING',
        ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
        ruleName: 'example',
        originalEvent: ec2Event(),
      });
    });

    it('fills predefined variables inside a string', () => {
      expect(transform('"<aws.events.rule-name> triggered"', { ruleName: 'example' })).toBe(
        '"example triggered"',
      );
    });
  });

  it('fills the event as a JSON string and the ingestion time', () => {
    // Act
    const text = transform(
      '{"json": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>, "at2": "<aws.events.event.ingestion-time>"}',
      { ingestionTime: '2015-11-11T21:29:55Z' },
    );

    // Assess
    const parsed = JSON.parse(text) as { json: string; at: string; at2: string };
    expect(JSON.parse(parsed.json)).toEqual(ec2Event());
    expect([parsed.at, parsed.at2]).toEqual(['2015-11-11T21:29:55Z', '2015-11-11T21:29:55Z']);
  });

  it('does not escape string values inside a template string, as EventBridge', () => {
    // Prepare
    const event = { detail: { name: 'say "hi"' } };

    // Act
    const text = applyTargetInput(
      { InputTransformer: { InputPathsMap: { name: '$.detail.name' }, InputTemplate: '"<name>"' } },
      event,
    );

    // Assess
    expect(text).toBe('"say "hi""');
  });

  it('renders objects, numbers and missing paths', () => {
    // Act
    const text = applyTargetInput(
      {
        InputTransformer: {
          InputPathsMap: { detail: '$.detail', n: '$.detail.n', gone: '$.detail.gone' },
          InputTemplate: '{"d": <detail>, "n": <n>, "text": "n=<n> gone=<gone>", "gone": <gone>}',
        },
      },
      { detail: { n: 42 } },
    );

    // Assess
    expect(JSON.parse(text)).toEqual({ d: { n: 42 }, n: 42, text: 'n=42 gone=', gone: null });
  });

  it('leaves placeholders that name no variable unchanged', () => {
    expect(transform('"<b>bold</b> <state>"')).toBe('"<b>bold</b> RUNNING"');
  });

  it('accepts a template without InputPathsMap', () => {
    expect(
      applyTargetInput({ InputTransformer: { InputTemplate: '{"fixed": true}' } }, ec2Event()),
    ).toBe('{"fixed": true}');
  });

  it.each([
    [
      'two inputs',
      { Input: '{}', InputPath: '$' },
      'Invalid target: must set at most one of Input, InputPath and InputTransformer',
    ],
    [
      'an Input that is not JSON',
      { Input: '{not json' },
      'Invalid Input: must be a JSON text (received: "{not json")',
    ],
    [
      'an InputPath without $',
      { InputPath: 'detail' },
      'Invalid InputPath: must be a JSONPath starting with "$"',
    ],
    [
      'an InputPath with a wildcard',
      { InputPath: '$.detail.*' },
      'Invalid InputPath: must be a simple JSONPath',
    ],
    [
      'an InputPath with recursive descent',
      { InputPath: '$..state' },
      'Invalid InputPath: must be a simple JSONPath',
    ],
    [
      'a reserved variable name',
      {
        InputTransformer: {
          InputPathsMap: { 'aws.events.event': '$.detail' },
          InputTemplate: '<aws.events.event>',
        },
      },
      'Invalid InputTransformer.InputPathsMap.aws.events.event: name must use letters, digits, _ or -',
    ],
    [
      'a variable path that is not a JSONPath',
      { InputTransformer: { InputPathsMap: { s: 'detail.state' }, InputTemplate: '<s>' } },
      'Invalid InputTransformer.InputPathsMap.s: must be a JSONPath starting with "$"',
    ],
    [
      'a missing InputTemplate',
      { InputTransformer: { InputPathsMap: {} } },
      'Invalid InputTransformer.InputTemplate: must be a string (received: undefined)',
    ],
    [
      'more than 100 variables',
      {
        InputTransformer: {
          InputPathsMap: Object.fromEntries(
            Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.id']),
          ),
          InputTemplate: '{}',
        },
      },
      'Invalid InputTransformer.InputPathsMap: must have at most 100 entries (received: "101 entries")',
    ],
  ])('throws for %s', (_case, target, message) => {
    expect(() =>
      applyTargetInput(target as Parameters<typeof applyTargetInput>[0], ec2Event()),
    ).toThrow(message);
  });
});
