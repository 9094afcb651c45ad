import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const packageDir = join(__dirname, '..', '..');
const repoDir = join(packageDir, '..', '..');

interface AttwReport {
  analysis: {
    problems: unknown[];
    entrypoints: Record<string, { resolutions: Record<string, { resolution?: unknown }> }>;
  };
}

describe('Package: the packed @bedrock-batch/construct tarball', () => {
  let workDir: string;
  let tarball: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'construct-pack-'));
    execFileSync('npx', ['-y', 'pnpm@10.34.9', 'pack', '--pack-destination', workDir], {
      cwd: packageDir,
      stdio: 'pipe',
    });
    const [name] = readdirSync(workDir).filter((file) => file.endsWith('.tgz'));
    tarball = join(workDir, name ?? 'missing.tgz');
  }, 120_000);

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('ships the compiled code, the jsii assembly and the three Lambda bundles, no sources', () => {
    // Act
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^package\//, ''));

    // Assess
    expect(files).toEqual(
      expect.arrayContaining([
        '.jsii',
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/lambda/create-job/index.mjs',
        'dist/lambda/job-event/index.mjs',
        'dist/lambda/reconcile/index.mjs',
      ]),
    );
    expect(files.filter((file) => /^(src|tests|scripts|dist-jsii)\/|\.map$/.test(file))).toEqual(
      [],
    );
  });

  it('has types and code for every resolution mode (arethetypeswrong: node10, node16 CJS and ESM, bundler)', () => {
    // Act
    const attw = join(repoDir, 'node_modules', '.bin', 'attw');
    let output: string;
    try {
      output = execFileSync(attw, [tarball, '--format', 'json'], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? error);
    }
    const report = JSON.parse(output) as AttwReport;

    // Assess
    expect(report.analysis.problems).toEqual([]);
    const root = report.analysis.entrypoints['.'];
    expect(Object.keys(root?.resolutions ?? {}).sort()).toEqual([
      'bundler',
      'node10',
      'node16-cjs',
      'node16-esm',
    ]);
    for (const resolution of Object.values(root?.resolutions ?? {})) {
      expect(resolution.resolution).toBeDefined();
    }
  });
});
