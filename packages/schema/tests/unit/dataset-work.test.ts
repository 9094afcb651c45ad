import { describe, expect, it } from '@jest/globals';
import { datasetWorkPrefix, ManifestKeySchema, WORK_PREFIX } from '../../src/index.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:Reviews:run-42';

describe('datasetWorkPrefix', () => {
  it('names the state machine, the execution and the fragment', () => {
    expect(datasetWorkPrefix(ARN, 'c8ab12')).toBe(`${WORK_PREFIX}Reviews/run-42/c8ab12/`);
  });

  it('differs between executions and between fragments', () => {
    const other = ARN.replace('run-42', 'run-43');
    const prefixes = new Set([
      datasetWorkPrefix(ARN, 'c8ab12'),
      datasetWorkPrefix(other, 'c8ab12'),
      datasetWorkPrefix(ARN, 'c8ab13'),
    ]);
    expect(prefixes.size).toBe(3);
  });

  it('replaces characters Bedrock would reject, so the manifests get valid keys', () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:Reviews:run=42 é+';
    const prefix = datasetWorkPrefix(arn, 'c8ab12');
    expect(prefix).toBe(`${WORK_PREFIX}Reviews/run_42___/c8ab12/`);
    expect(ManifestKeySchema.safeParse(`${prefix}manifests/part-00000.jsonl`).success).toBe(true);
  });

  it('rejects an ARN that is not an execution ARN, quoting it', () => {
    expect(() =>
      datasetWorkPrefix('arn:aws:states:us-east-1:123456789012:stateMachine:Reviews', 'c8'),
    ).toThrow(
      'not a Step Functions execution ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:Reviews"',
    );
  });
});
