import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const packageDir = join(__dirname, '..', '..');

interface Assembly {
  readonly name: string;
  readonly types: Record<string, { kind: string }>;
  readonly dependencies?: Record<string, string>;
}

describe('Build: the jsii assembly (.jsii) of the package', () => {
  const assembly = JSON.parse(readFileSync(join(packageDir, '.jsii'), 'utf8')) as Assembly;

  it('declares every public type of the construct, so other languages get them', () => {
    // jsii reports success with zero types when declarations lack their own `export`.
    expect(
      Object.fromEntries(
        Object.entries(assembly.types).map(([fqn, type]) => [fqn.split('.').pop(), type.kind]),
      ),
    ).toEqual({
      BedrockBatchDatasetQuotas: 'interface',
      BedrockBatchRetryOptions: 'interface',
      BedrockBatchSfn: 'class',
      BedrockBatchSfnProps: 'interface',
      BedrockBatchSharedResources: 'class',
      BedrockBatchVpcConfig: 'interface',
      HandlerLogLevel: 'enum',
      ModelInvocationType: 'enum',
      OnDemandServiceTier: 'enum',
    });
  });

  it('depends at run time on jsii packages only', () => {
    expect(Object.keys(assembly.dependencies ?? {}).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });

  it('generates the Python package sources with the construct and its props', () => {
    const init = readFileSync(
      join(packageDir, 'dist-jsii', 'python', 'src', 'bedrock_batch', 'construct', '__init__.py'),
      'utf8',
    );
    expect(init).toMatch(/^class BedrockBatchSfn\(/m);
    expect(init).toMatch(/^class BedrockBatchSfnProps:/m);
    expect(init).toMatch(/bedrock_batch_input_bucket: "_aws_cdk_aws_s3_[0-9a-f]+\.IBucket"/);
  });
});
