import { Token } from 'aws-cdk-lib';
import type { BedrockBatchSfnProps } from './bedrock-batch-sfn-props.js';
import {
  KMS_KEY_ID_PATTERN,
  S3_BUCKET_PATTERN,
  S3_KEY_PATTERN,
  VPC_RESOURCE_ID_MAX_LENGTH,
  VPC_RESOURCE_ID_PATTERN,
} from './bedrock-input-patterns.js';
import { InvalidPropError } from './errors.js';

const KEY_CHARACTER = /^[-!_*'().a-zA-Z0-9]$/;
const ALLOWED_KEY = "allowed: letters, digits and -!_*'(). between single slashes";
const BUCKET_RULE =
  'must have a name Bedrock accepts in an S3 URI: 3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit';

/** Why `key` does not form, after `s3://<bucket>/`, an S3 URI Bedrock accepts; else `undefined`. */
function keyProblem(key: string): string | undefined {
  if (S3_KEY_PATTERN.test(key)) return undefined;
  let position = 0;
  let previous = '';
  for (const char of key) {
    position++;
    if (char === '/' && (position === 1 || previous === '/')) {
      return `has an empty segment ("/" at position ${position}), which Bedrock does not accept in an S3 URI; ${ALLOWED_KEY}`;
    }
    if (char !== '/' && !KEY_CHARACTER.test(char)) {
      return `has a character Bedrock does not accept in an S3 URI (${JSON.stringify(char)} at position ${position}); ${ALLOWED_KEY}`;
    }
    previous = char;
  }
  return `does not form an S3 URI Bedrock accepts; ${ALLOWED_KEY}`;
}

/** A bucket's name, when it is known at synth (not a token). */
function knownName(name: string): string | undefined {
  return Token.isUnresolved(name) ? undefined : name;
}

function checkBucketName(prop: string, name: string | undefined): void {
  if (name !== undefined && !S3_BUCKET_PATTERN.test(name)) {
    throw new InvalidPropError(prop, BUCKET_RULE, name);
  }
}

function checkVpcIds(
  prop: string,
  ids: readonly string[],
  kind: 'subnet' | 'security group',
): void {
  ids.forEach((id, index) => {
    if (Token.isUnresolved(id)) return;
    if (id.length > VPC_RESOURCE_ID_MAX_LENGTH || !VPC_RESOURCE_ID_PATTERN.test(id)) {
      throw new InvalidPropError(
        `${prop}[${index}]`,
        `must be a ${kind} id Bedrock accepts: 1 to ${VPC_RESOURCE_ID_MAX_LENGTH} letters, digits and "-"`,
        id,
      );
    }
  });
}

/**
 * Checks, at synth, what the construct writes into every job and Bedrock would reject: the output
 * prefix (always a literal), and the bucket names, KMS key ARN and VPC ids that are known at
 * synth (tokens are checked by the service when the job is created).
 *
 * @param props - the fragment's props
 * @param outputPrefix - the resolved output prefix (the prop or its default)
 * @throws InvalidPropError naming the prop, the rule and the value
 *
 * @example
 * checkJobLocations(props, resolved.outputPrefix);
 */
function checkJobLocations(props: BedrockBatchSfnProps, outputPrefix: string): void {
  const prefixProblem = keyProblem(outputPrefix);
  if (prefixProblem !== undefined) {
    throw new InvalidPropError(
      'outputPrefix',
      `must form, after "s3://<bucket>/", an S3 URI Bedrock accepts, but ${prefixProblem}`,
      outputPrefix,
    );
  }
  // With a valid prefix (at most 512 characters) and bucket name, the URI is one Bedrock accepts.
  checkBucketName('bedrockBatchOutputBucket', knownName(props.bedrockBatchOutputBucket.bucketName));
  checkBucketName('bedrockBatchInputBucket', knownName(props.bedrockBatchInputBucket.bucketName));
  const keyArn = props.encryptionKey?.keyArn;
  if (keyArn !== undefined && !Token.isUnresolved(keyArn) && !KMS_KEY_ID_PATTERN.test(keyArn)) {
    throw new InvalidPropError(
      'encryptionKey',
      'must have a key ARN Bedrock accepts as s3EncryptionKeyId (arn:aws:kms:<region>:<account>:key/<36-character id>)',
      keyArn,
    );
  }
  if (props.vpcConfig !== undefined) {
    checkVpcIds(
      'vpcConfig.subnets',
      (props.vpcConfig.subnets ?? []).map((subnet) => subnet.subnetId),
      'subnet',
    );
    checkVpcIds(
      'vpcConfig.securityGroups',
      (props.vpcConfig.securityGroups ?? []).map((group) => group.securityGroupId),
      'security group',
    );
  }
}

export { checkJobLocations };
