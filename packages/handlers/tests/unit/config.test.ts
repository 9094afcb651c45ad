import { MANAGED_BY_VALUE } from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import { readHandlerConfig } from '../../src/config.js';
import { ConfigurationError } from '../../src/errors.js';

describe('Function: readHandlerConfig', () => {
  it('uses the defaults when nothing is set', () => {
    // Act
    const config = readHandlerConfig({});

    // Assess
    expect(config).toEqual({ owner: MANAGED_BY_VALUE, controlBuckets: [] });
  });

  it('reads every variable of the environment contract', () => {
    // Act
    const config = readHandlerConfig({
      BEDROCK_BATCH_OWNER: 'team-search:prod',
      BEDROCK_BATCH_CONTROL_BUCKETS: 'my-batch-bucket,other.bucket-2',
    });

    // Assess
    expect(config).toEqual({
      owner: 'team-search:prod',
      controlBuckets: ['my-batch-bucket', 'other.bucket-2'],
    });
  });

  it('trims the bucket names, skips empty entries and drops duplicates, keeping the order', () => {
    // Act
    const config = readHandlerConfig({
      BEDROCK_BATCH_CONTROL_BUCKETS: ' bucket-b , ,bucket-a,bucket-b,, ',
    });

    // Assess
    expect(config.controlBuckets).toEqual(['bucket-b', 'bucket-a']);
  });

  it('treats empty values as unset', () => {
    // Act
    const config = readHandlerConfig({
      BEDROCK_BATCH_OWNER: ' ',
      BEDROCK_BATCH_CONTROL_BUCKETS: '',
    });

    // Assess
    expect(config).toEqual({ owner: MANAGED_BY_VALUE, controlBuckets: [] });
  });

  it('no longer reads the reconcile window variables', () => {
    // Act
    const config = readHandlerConfig({
      RECONCILE_LOOKBACK_HOURS: 'a week',
      RECONCILE_MAX_JOBS: 'lots',
    });

    // Assess
    expect(config).toEqual({ owner: MANAGED_BY_VALUE, controlBuckets: [] });
  });

  it.each([
    [
      'my-batch-bucket,My_Bucket',
      'BEDROCK_BATCH_CONTROL_BUCKETS: every entry must be an S3 bucket name (received: "My_Bucket" in "my-batch-bucket,My_Bucket")',
    ],
    [
      's3://my-batch-bucket',
      'BEDROCK_BATCH_CONTROL_BUCKETS: every entry must be an S3 bucket name (received: "s3://my-batch-bucket" in "s3://my-batch-bucket")',
    ],
    [
      'ab',
      'BEDROCK_BATCH_CONTROL_BUCKETS: every entry must be an S3 bucket name (received: "ab" in "ab")',
    ],
  ])('throws a ConfigurationError naming the variable and value for %p', (value, message) => {
    // Act
    const act = () => readHandlerConfig({ BEDROCK_BATCH_CONTROL_BUCKETS: value });

    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(message);
  });

  it('throws when the owner cannot be a tag value', () => {
    // Act
    const act = () => readHandlerConfig({ BEDROCK_BATCH_OWNER: 'team#1' });

    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(/^BEDROCK_BATCH_OWNER: must be a tag value .*\(received: "team#1"\)$/);
  });

  it('throws when the owner is longer than a tag value may be', () => {
    // Act
    const act = () => readHandlerConfig({ BEDROCK_BATCH_OWNER: 'o'.repeat(257) });

    // Assess
    expect(act).toThrow(/^BEDROCK_BATCH_OWNER: must be a tag value/);
  });

  it('accepts an owner of exactly 256 characters', () => {
    // Act
    const config = readHandlerConfig({ BEDROCK_BATCH_OWNER: 'o'.repeat(256) });

    // Assess
    expect(config.owner).toHaveLength(256);
  });
});
