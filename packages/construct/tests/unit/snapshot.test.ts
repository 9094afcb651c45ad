import { describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { addFragment, machineWith, newStack } from '../helpers/stacks.js';

/** The template with asset hashes (64 hex characters) replaced, so bundle rebuilds do not break it. */
function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '[ASSET-HASH]'));
}

describe('Construct: BedrockBatchSfn template snapshot', () => {
  it('keeps the synthesized template of the default fragment stable', () => {
    // Prepare
    const stack = newStack('SnapshotStack');
    machineWith(stack, [addFragment(stack, 'Batch')]);

    // Act
    const template = withoutAssetHashes(Template.fromStack(stack).toJSON());

    // Assess
    expect(JSON.stringify(template)).not.toMatch(/[0-9a-f]{64}/);
    expect(template).toMatchSnapshot();
  });
});
