/**
 * What Bedrock's `CreateModelInvocationJob` accepts in the S3 URIs, KMS key and VPC ids the
 * construct writes into each job: copies of the `@bedrock-batch/schema` patterns (a jsii package
 * may depend at run time only on jsii packages, and the schema package is not one).
 * `tests/unit/bedrock-input-patterns.test.ts` keeps every value equal to the schema's.
 */

/** A key that forms, after `s3://<bucket>/`, an S3 URI Bedrock accepts (`BEDROCK_S3_KEY_PATTERN`). */
const S3_KEY_PATTERN = /^[-!_*'().a-zA-Z0-9]+(?:\/[-!_*'().a-zA-Z0-9]+)*\/?$/;

/** A bucket name as the `S3Uri` pattern takes it. */
const S3_BUCKET_PATTERN = /^[a-z0-9][-.a-z0-9]{1,61}[a-z0-9]$/;

/** A KMS key ARN, alias ARN, key id or alias (the schema's `KMS_KEY_ID_PATTERN`). */
const KMS_KEY_ID_PATTERN =
  /^(?:(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key\/[a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+)))|([a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+))$/;

/** A subnet or security group id (the schema's `VPC_RESOURCE_ID_PATTERN`). */
const VPC_RESOURCE_ID_PATTERN = /^[-0-9a-zA-Z]+$/;

/** Longest subnet or security group id (the schema's `VPC_RESOURCE_ID_MAX_LENGTH`). */
const VPC_RESOURCE_ID_MAX_LENGTH = 32;

export {
  KMS_KEY_ID_PATTERN,
  S3_BUCKET_PATTERN,
  S3_KEY_PATTERN,
  VPC_RESOURCE_ID_MAX_LENGTH,
  VPC_RESOURCE_ID_PATTERN,
};
