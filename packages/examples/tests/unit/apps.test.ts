import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ReviewsStack } from '../../src/apps/reviews-stack.js';
import { addSeedPattern } from '../../src/apps/seed-pattern.js';
import { SMOKE_STACK_NAME, SmokeStack } from '../../src/smoke/smoke-stack.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('Apps: the seed pattern and the reviews pipeline', () => {
  it("synthesizes the seed's code against our construct", () => {
    const stack = new Stack(new App(), 'Seed');
    addSeedPattern(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Lambda::Function', 6);
  });

  it('synthesizes the seed app with the cdk CLI into cdk.out, with no Docker', () => {
    const out = mkdtempSync(join(tmpdir(), 'seed-synth-'));
    try {
      execFileSync(
        join(packageDir, 'node_modules', '.bin', 'cdk'),
        ['synth', '--app', 'tsx src/apps/seed-app.ts', '--output', out, '-q'],
        {
          cwd: packageDir,
          env: {
            ...process.env,
            PATH: `${dirname(process.execPath)}:${join(packageDir, 'node_modules', '.bin')}:${process.env.PATH}`,
            CDK_DISABLE_VERSION_CHECK: 'true',
            DOCKER_HOST: 'unix:///nonexistent.sock',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      expect(existsSync(join(out, 'BedrockBatchSeed.template.json'))).toBe(true);
      const template = JSON.parse(
        readFileSync(join(out, 'BedrockBatchSeed.template.json'), 'utf8'),
      );
      const types = Object.values(template.Resources as Record<string, { Type: string }>).map(
        (r) => r.Type,
      );
      expect(types).toContain('AWS::StepFunctions::StateMachine');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('routes every failure of the reviews pipeline to ReviewsFailed', () => {
    const stack = new ReviewsStack(new App(), 'Reviews');
    const definition = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(definition).toContain('ReviewsFailed');
    const catches = definition.match(/\\"Next\\":\\"ReviewsFailed\\"/g) ?? [];
    // the fragment's two Maps, its input-rejection Parallel, its preparation, on-demand calls,
    // collection and retry-round preparation, and SummarizeResults
    expect(catches.length).toBe(8);
  });

  it('makes the smoke stack removable: the bucket empties itself and nothing is retained', () => {
    const template = Template.fromStack(new SmokeStack(new App(), SMOKE_STACK_NAME));
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    const resources = Object.entries(
      template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>,
    ).filter(([, resource]) => resource.Type !== 'AWS::CDK::Metadata');
    expect(resources.length).toBeGreaterThan(10);
    expect(
      resources.filter(([, resource]) => resource.DeletionPolicy !== 'Delete').map(([id]) => id),
    ).toEqual([]);
    expect(Object.keys(template.toJSON().Outputs ?? {}).sort()).toEqual([
      'BucketName',
      'StateMachineArn',
    ]);
  });
});
