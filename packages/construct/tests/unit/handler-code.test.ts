import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { HandlerBundleNotFoundError, handlerBundleDirectory } from '../../src/index.js';

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

  it('finds the three bundles of the installed @bedrock-batch/handlers package', () => {
    // Act
    const folders = (['create-job', 'job-event', 'reconcile'] as const).map((name) =>
      handlerBundleDirectory(name),
    );

    // Assess
    for (const folder of folders)
      expect(folder).toMatch(/handlers[\\/]dist[\\/]lambda[\\/][a-z-]+$/);
  });
});
