import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HandlerBundleNotFoundError, handlerBundleDirectory } from '../../src/index.js';
import { addFragment, newStack } from '../helpers/stacks.js';

describe('Function: handlerBundleDirectory', () => {
  let packageDirectory: string;

  beforeEach(() => {
    packageDirectory = mkdtempSync(join(tmpdir(), 'handlers-'));
  });

  afterEach(() => {
    rmSync(packageDirectory, { recursive: true, force: true });
  });

  it('returns the bundle folder when its index.mjs exists', () => {
    // Prepare
    const folder = join(packageDirectory, 'dist', 'lambda', 'reconcile');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.mjs'), 'export const handler = async () => {};\n');

    // Act
    const found = handlerBundleDirectory('reconcile', packageDirectory);

    // Assess
    expect(found).toBe(folder);
  });

  it('throws HandlerBundleNotFoundError naming the missing file', () => {
    // Prepare
    const expected = join(packageDirectory, 'dist', 'lambda', 'create-job', 'index.mjs');

    // Act
    const act = () => handlerBundleDirectory('create-job', packageDirectory);

    // Assess
    expect(act).toThrow(HandlerBundleNotFoundError);
    expect(act).toThrow(expected);
  });

  it('finds the six bundles this package ships in its dist/lambda folder', () => {
    // Act
    const folders = (
      [
        'create-job',
        'job-event',
        'reconcile',
        'prepare-dataset',
        'collect-results',
        'on-demand',
      ] as const
    ).map((name) => handlerBundleDirectory(name));

    // Assess
    for (const folder of folders)
      expect(folder).toMatch(/construct[\\/]dist[\\/]lambda[\\/][a-z-]+$/);
  });
});

describe('Construct: handler assets', () => {
  let outdir: string;

  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'assets-'));
  });

  afterEach(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('deploys each of the six bundles as an asset of its index.mjs alone', () => {
    // Prepare
    const app = new App({ outdir });
    const stack = newStack('AssetStack', app);
    addFragment(stack, 'Batch');

    // Act
    const assembly = app.synth();

    // Assess
    const functions = Template.fromJSON(
      assembly.getStackByName('AssetStack').template as Record<string, unknown>,
    ).findResources('AWS::Lambda::Function');
    const folders = Object.values(functions).map((fn) => {
      const key = String((fn.Properties as { Code: { S3Key: unknown } }).Code.S3Key);
      return join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    });
    expect(folders).toHaveLength(6);
    for (const folder of folders) {
      expect(existsSync(folder)).toBe(true);
      expect(readdirSync(folder, { recursive: true }).map(String)).toEqual(['index.mjs']);
    }
  });
});
