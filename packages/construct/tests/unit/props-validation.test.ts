import { describe, expect, it } from '@jest/globals';
import { Duration, aws_ec2 as ec2 } from 'aws-cdk-lib';
import {
  type BedrockBatchSfnProps,
  type HandlerLogLevel,
  InvalidPropError,
  type ModelInvocationType,
} from '../../src/index.js';
import { addFragment, newStack } from '../helpers/stacks.js';

/** Builds a fragment with `props` and returns the InvalidPropError it throws. */
function errorFor(props: Partial<BedrockBatchSfnProps>, id = 'Batch'): InvalidPropError {
  try {
    addFragment(newStack(), id, props);
  } catch (error) {
    if (error instanceof InvalidPropError) return error;
    throw error;
  }
  throw new Error('expected an InvalidPropError');
}

describe('Construct: BedrockBatchSfn props validation', () => {
  it.each<[string, Partial<BedrockBatchSfnProps>, string, string]>([
    [
      'a timeout under 24 hours',
      { timeout: Duration.hours(12) },
      'timeout',
      '"Duration.hours(12)"',
    ],
    [
      'a timeout over 168 hours',
      { timeout: Duration.hours(200) },
      'timeout',
      '"Duration.hours(200)"',
    ],
    [
      'a timeout of part of an hour',
      { timeout: Duration.minutes(25 * 60 + 30) },
      'timeout',
      '"Duration.minutes(1530)"',
    ],
    [
      'a reconcile period under a minute',
      { reconcilePeriod: Duration.seconds(30) },
      'reconcilePeriod',
      '"Duration.seconds(30)"',
    ],
    [
      'a reconcile period over an hour',
      { reconcilePeriod: Duration.minutes(90) },
      'reconcilePeriod',
      '"Duration.minutes(90)"',
    ],
    [
      'a heartbeat not above the period',
      { heartbeatTimeout: Duration.minutes(5) },
      'heartbeatTimeout',
      '"Duration.minutes(5)"',
    ],
    [
      'a heartbeat of a day',
      { heartbeatTimeout: Duration.hours(24) },
      'heartbeatTimeout',
      '"Duration.hours(24)"',
    ],
    ['a max concurrency of 0', { maxConcurrency: 0 }, 'maxConcurrency', '0'],
    ['a max concurrency over the inline Map limit', { maxConcurrency: 41 }, 'maxConcurrency', '41'],
    ['a fractional max concurrency', { maxConcurrency: 2.5 }, 'maxConcurrency', '2.5'],
    ['an output prefix starting with /', { outputPrefix: '/out/' }, 'outputPrefix', '"/out/"'],
    ['an output prefix without a trailing /', { outputPrefix: 'out' }, 'outputPrefix', '"out"'],
    ['an output prefix with a wildcard', { outputPrefix: 'out*/' }, 'outputPrefix', '"out*/"'],
    ['an input path that is not a path', { inputPath: 'batch' }, 'inputPath', '"batch"'],
    ['a result path with a filter', { resultPath: '$..x' }, 'resultPath', '"$..x"'],
    [
      'a reserved tag key',
      { jobTags: { 'bedrock-batch:owner': 'me' } },
      'jobTags',
      '"bedrock-batch:owner"',
    ],
    ['a tag value with a bad character', { jobTags: { team: 'a|b' } }, 'jobTags.team', '"a|b"'],
    [
      'an unknown invocation type',
      { modelInvocationType: 'Chat' as ModelInvocationType },
      'modelInvocationType',
      '"Chat"',
    ],
    [
      'an unknown log level',
      { handlerLogLevel: 'LOUD' as HandlerLogLevel },
      'handlerLogLevel',
      '"LOUD"',
    ],
    [
      'a zero retry interval',
      { throttlingRetry: { interval: Duration.seconds(0) } },
      'throttlingRetry.interval',
      '"Duration.seconds(0)"',
    ],
    [
      'negative retry attempts',
      { quotaRetry: { maxAttempts: -1 } },
      'quotaRetry.maxAttempts',
      '-1',
    ],
    [
      'a backoff rate under 1',
      { quotaRetry: { backoffRate: 0.5 } },
      'quotaRetry.backoffRate',
      '0.5',
    ],
    [
      'a max delay under the interval',
      { quotaRetry: { interval: Duration.minutes(10), maxDelay: Duration.minutes(1) } },
      'quotaRetry.maxDelay',
      '"Duration.minutes(1)"',
    ],
  ])('fails on %s, naming the prop and the value', (_label, props, prop, received) => {
    // Act
    const error = errorFor(props);

    // Assess
    expect(error.prop).toBe(prop);
    expect(error.received).toBe(received);
    expect(error.message).toContain(`"${prop}"`);
    expect(error.message).toContain(`(received: ${received})`);
  });

  it('fails on a VPC config without subnets, naming the prop', () => {
    // Prepare
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const group = new ec2.SecurityGroup(stack, 'Group', { vpc });

    // Act
    const act = () =>
      addFragment(stack, 'Batch', { vpcConfig: { subnets: [], securityGroups: [group] } });

    // Assess
    expect(act).toThrow(/"vpcConfig.subnets": must hold 1 to 16 subnets \(received: "0 subnets"\)/);
  });

  it('fails on a construct id too long for state names, naming it', () => {
    // Act
    const error = errorFor({}, 'x'.repeat(70));

    // Assess
    expect(error.prop).toBe('id');
    expect(error.message).toContain('xxxxxxxx');
  });

  it('fails on a missing bucket, naming the prop', () => {
    // Act
    const error = errorFor({ bedrockBatchOutputBucket: undefined as never });

    // Assess
    expect(error.prop).toBe('bedrockBatchOutputBucket');
    expect(error.message).toContain('is required');
  });

  it('accepts the limits themselves', () => {
    // Prepare
    const stack = newStack();

    // Act
    const fragment = addFragment(stack, 'Batch', {
      timeout: Duration.hours(168),
      maxConcurrency: 40,
      reconcilePeriod: Duration.minutes(60),
      heartbeatTimeout: Duration.minutes(61),
      outputPrefix: 'a/',
    });

    // Assess
    expect(fragment.mapState).toBeDefined();
    expect(() => addFragment(stack, 'Short', { timeout: Duration.hours(24) })).not.toThrow();
  });
});
