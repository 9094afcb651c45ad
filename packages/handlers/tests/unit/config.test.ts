import { MANAGED_BY_VALUE } from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import { readHandlerConfig } from '../../src/config.js';
import { ConfigurationError } from '../../src/errors.js';

describe('Function: readHandlerConfig', () => {
  it('uses the defaults when nothing is set', () => {
    // Act
    const config = readHandlerConfig({});

    // Assess
    expect(config).toEqual({
      owner: MANAGED_BY_VALUE,
      reconcileLookbackHours: 192,
      reconcileMaxJobs: 500,
    });
  });

  it('reads every variable of the environment contract', () => {
    // Act
    const config = readHandlerConfig({
      BEDROCK_BATCH_OWNER: 'team-search:prod',
      RECONCILE_LOOKBACK_HOURS: '36.5',
      RECONCILE_MAX_JOBS: '50',
    });

    // Assess
    expect(config).toEqual({
      owner: 'team-search:prod',
      reconcileLookbackHours: 36.5,
      reconcileMaxJobs: 50,
    });
  });

  it('treats empty values as unset', () => {
    // Act
    const config = readHandlerConfig({ BEDROCK_BATCH_OWNER: '', RECONCILE_MAX_JOBS: ' ' });

    // Assess
    expect(config.owner).toBe(MANAGED_BY_VALUE);
    expect(config.reconcileMaxJobs).toBe(500);
  });

  it.each([
    [
      { RECONCILE_MAX_JOBS: '2.5' },
      'RECONCILE_MAX_JOBS: must be a positive whole number (received: "2.5")',
    ],
    [
      { RECONCILE_MAX_JOBS: '0' },
      'RECONCILE_MAX_JOBS: must be a positive whole number (received: "0")',
    ],
    [
      { RECONCILE_LOOKBACK_HOURS: '-1' },
      'RECONCILE_LOOKBACK_HOURS: must be a positive number (received: "-1")',
    ],
    [
      { RECONCILE_LOOKBACK_HOURS: 'a week' },
      'RECONCILE_LOOKBACK_HOURS: must be a positive number (received: "a week")',
    ],
  ])('throws a ConfigurationError naming the variable and value for %p', (env, message) => {
    // Act
    const act = () => readHandlerConfig(env);

    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(message);
  });

  it('throws when the owner cannot be a tag value', () => {
    // Act
    const act = () => readHandlerConfig({ BEDROCK_BATCH_OWNER: 'team#1' });

    // Assess
    expect(act).toThrow(/^BEDROCK_BATCH_OWNER: must be a tag value .*\(received: "team#1"\)$/);
  });
});
