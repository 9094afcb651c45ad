import {
  BEDROCK_S3_KEY_PATTERN,
  bedrockS3UriProblem,
  KMS_KEY_ID_PATTERN as SCHEMA_KMS_KEY_ID_PATTERN,
  VPC_RESOURCE_ID_MAX_LENGTH as SCHEMA_VPC_RESOURCE_ID_MAX_LENGTH,
  VPC_RESOURCE_ID_PATTERN as SCHEMA_VPC_RESOURCE_ID_PATTERN,
} from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import {
  KMS_KEY_ID_PATTERN,
  S3_BUCKET_PATTERN,
  S3_KEY_PATTERN,
  VPC_RESOURCE_ID_MAX_LENGTH,
  VPC_RESOURCE_ID_PATTERN,
} from '../../src/bedrock-input-patterns.js';

describe('Constants: the construct keeps its copies of the schema package patterns equal', () => {
  it('uses the schema S3 key pattern', () => {
    expect(S3_KEY_PATTERN.source).toBe(BEDROCK_S3_KEY_PATTERN.source);
    expect(S3_KEY_PATTERN.flags).toBe(BEDROCK_S3_KEY_PATTERN.flags);
  });

  it('uses the schema KMS key and VPC id patterns', () => {
    expect(KMS_KEY_ID_PATTERN.source).toBe(SCHEMA_KMS_KEY_ID_PATTERN.source);
    expect(KMS_KEY_ID_PATTERN.flags).toBe(SCHEMA_KMS_KEY_ID_PATTERN.flags);
    expect(VPC_RESOURCE_ID_PATTERN.source).toBe(SCHEMA_VPC_RESOURCE_ID_PATTERN.source);
    expect(VPC_RESOURCE_ID_PATTERN.flags).toBe(SCHEMA_VPC_RESOURCE_ID_PATTERN.flags);
    expect(VPC_RESOURCE_ID_MAX_LENGTH).toBe(SCHEMA_VPC_RESOURCE_ID_MAX_LENGTH);
  });

  it.each(['my-bucket', 'my.bucket.1', 'abc', 'ab', 'My-Bucket', '-abc', 'abc-', 'a_bc'])(
    'judges the bucket name %j as the schema S3 URI check does',
    (name) => {
      const schemaVerdict = !bedrockS3UriProblem(`s3://${name}/`)?.includes('bucket name');
      expect(S3_BUCKET_PATTERN.test(name)).toBe(schemaVerdict);
    },
  );
});
