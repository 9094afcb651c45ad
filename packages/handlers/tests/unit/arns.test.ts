import { describe, expect, it } from '@jest/globals';
import { executionNameFromArn, parseJobArn, parseS3Uri } from '../../src/arns.js';
import { jobOutputFolder } from '../../src/job-output.js';

describe('Function: parseJobArn', () => {
  it.each([
    [
      'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl',
      'aws',
      'us-east-1',
    ],
    [
      'arn:aws-cn:bedrock:cn-north-1:123456789012:model-invocation-job/k3j9x0a1b2c3',
      'aws-cn',
      'cn-north-1',
    ],
    [
      'arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:model-invocation-job/0a1b2c3d4e5f',
      'aws-us-gov',
      'us-gov-west-1',
    ],
  ])('splits %s', (arn, partition, region) => {
    // Act
    const parts = parseJobArn(arn);

    // Assess
    expect(parts).toEqual({ partition, region, accountId: '123456789012', jobId: arn.slice(-12) });
  });

  it.each([
    'arn:aws:bedrock:us-east-1:123456789012:custom-model/abc',
    'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/ABCDEFGHIJKL',
    'not an arn',
  ])('rejects %s', (text) => {
    // Assess
    expect(parseJobArn(text)).toBeUndefined();
  });
});

describe('Function: executionNameFromArn', () => {
  it('returns the last part of an execution ARN of any partition', () => {
    // Assess
    expect(
      executionNameFromArn('arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:Sm:run-42'),
    ).toBe('run-42');
    expect(
      executionNameFromArn('arn:aws:states:us-east-1:123456789012:stateMachine:Sm'),
    ).toBeUndefined();
  });
});

describe('Function: jobOutputFolder', () => {
  it.each([
    ['s3://bucket/output/', { bucket: 'bucket', key: 'output/abcdefghijkl/' }],
    ['s3://bucket/output', { bucket: 'bucket', key: 'output/abcdefghijkl/' }],
    ['s3://bucket', { bucket: 'bucket', key: 'abcdefghijkl/' }],
    ['s3://bucket/', { bucket: 'bucket', key: 'abcdefghijkl/' }],
  ])('puts the output of %s under the job id', (uri, expected) => {
    // Assess
    expect(jobOutputFolder(uri, 'abcdefghijkl')).toEqual(expected);
  });

  it('throws for a URI that is not s3://', () => {
    // Assess
    expect(() => jobOutputFolder('https://bucket/output/', 'abcdefghijkl')).toThrow(
      'outputDataConfig.s3Uri: must be an s3:// URI (received: "https://bucket/output/")',
    );
    expect(parseS3Uri('s3://b/k/x.jsonl')).toEqual({ bucket: 'b', key: 'k/x.jsonl' });
  });
});
