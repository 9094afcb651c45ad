import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type CommandResult,
  copyConsumerFiles,
  extractPackage,
  linkPackage,
  type PackedPackage,
  packPackage,
  runCommand,
  runConsumerJest,
  testNodes,
  toolBin,
} from '../../../../scripts/testing/packed-package.js';
import { CONTRACT_SCHEMAS } from '../../src/index.js';

// The packed tarball, installed offline (dependencies linked from the workspace) into plain
// consumer projects with no workspace and no source condition: a CommonJS project, an ES module
// project, a CommonJS jest project (as `cdk init app --language typescript` makes) and a
// TypeScript project with a .cts and a .mts file. Proves the exports map, the `files` list, the
// one-copy design (see README, "Module systems") and, with attw, the types in every resolution mode.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const consumersDir = join(packageDir, 'tests', 'consumers');
const PACKAGE = '@bedrock-batch/schema';
/** Time allowed to a test that runs processes (pack, node, jest, tsc, attw), on a busy machine. */
const PROCESS_TIMEOUT_MS = 60_000;

interface RuntimeReport {
  node: string;
  resolved: string;
  required: string[];
  imported: string[];
  thrown: string;
  jsonSchemas: boolean[];
}

function parseReport<T>(result: CommandResult): T {
  if (result.code !== 0) throw new Error(`consumer failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function writePackageJson(projectDir: string, type: 'commonjs' | 'module'): void {
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ private: true, type }));
}

/** The parts of `attw --format json` the test reads. */
interface AttwReport {
  analysis: {
    problems: unknown[];
    entrypoints: Record<
      string,
      {
        resolutions: Record<
          string,
          { resolution?: { fileName: string }; implementationResolution?: { fileName: string } }
        >;
      }
    >;
    programInfo: { node16: { moduleKinds: Record<string, { detectedKind: number }> } };
  };
  problems: Record<string, unknown>;
}

/**
 * Per code entry point (not package.json, not wildcards) and resolution mode: the declaration
 * file, the JavaScript file, and for node16 the module kind TypeScript gives the declarations.
 */
function resolvedEntrypoints(report: AttwReport): Record<string, Record<string, string[]>> {
  const relative = (fileName: string) => fileName.replace(`/node_modules/${PACKAGE}/`, '');
  const kinds = report.analysis.programInfo.node16.moduleKinds;
  const entries = Object.entries(report.analysis.entrypoints).filter(
    ([subpath]) => subpath !== './package.json' && !subpath.includes('*'),
  );
  return Object.fromEntries(
    entries.map(([subpath, { resolutions }]) => [
      subpath,
      Object.fromEntries(
        Object.entries(resolutions).map(([mode, { resolution, implementationResolution }]) => {
          const types = resolution?.fileName ?? '(none)';
          const code = implementationResolution?.fileName ?? '';
          const files = [
            relative(types),
            code.endsWith('.js') ? relative(code) : '(no JavaScript)',
          ];
          const kind = kinds[types]?.detectedKind;
          if (mode.startsWith('node16'))
            files.push(kind === 1 ? 'CommonJS' : kind === 99 ? 'ESM' : `${kind}`);
          return [mode, files];
        }),
      ),
    ]),
  );
}

describe('Package: the packed tarball', () => {
  let workDir: string;
  let packed: PackedPackage;
  let projectDir: string;
  let publicNames: string[];
  let typecheck: Promise<CommandResult>;
  let attw: Promise<CommandResult>;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'schema-pack-'));
    packed = packPackage(packageDir, workDir);
    projectDir = join(workDir, 'consumer');
    const nodeModules = join(projectDir, 'node_modules');
    extractPackage(packed.tarball, nodeModules, PACKAGE);
    linkPackage(nodeModules, 'zod', packageDir);
    linkPackage(nodeModules, '@swc/jest', packageDir);
    copyConsumerFiles(consumersDir, join(projectDir, 'cjs'), { 'require.cjs': 'require.cjs' });
    writePackageJson(join(projectDir, 'cjs'), 'commonjs');
    copyConsumerFiles(consumersDir, join(projectDir, 'esm'), { 'import.mjs': 'import.mjs' });
    writePackageJson(join(projectDir, 'esm'), 'module');
    copyConsumerFiles(consumersDir, join(projectDir, 'jest'), {
      'jest.config.cjs': 'jest.config.cjs',
      'packed.spec.ts': 'packed.spec.ts',
    });
    writePackageJson(join(projectDir, 'jest'), 'commonjs');
    copyConsumerFiles(consumersDir, join(projectDir, 'types'), {
      'types.ts': 'consumer.cts',
      'tsconfig.consumer.json': 'tsconfig.json',
    });
    copyConsumerFiles(consumersDir, join(projectDir, 'types'), { 'types.ts': 'consumer.mts' });
    writePackageJson(join(projectDir, 'types'), 'commonjs');
    // The two slowest checks run while the others do.
    typecheck = runCommand(
      process.execPath,
      [toolBin(packageDir, 'typescript', 'tsc'), '-p', '.', '--listFiles'],
      join(projectDir, 'types'),
    );
    attw = runCommand(
      process.execPath,
      [
        toolBin(packageDir, '@arethetypeswrong/cli', 'attw'),
        packed.tarball,
        '--format',
        'json',
        '--no-definitely-typed',
      ],
      workDir,
    );
    publicNames = Object.keys(await import('../../src/index.js')).sort();
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([typecheck, attw]);
    rmSync(workDir, { recursive: true, force: true });
  }, PROCESS_TIMEOUT_MS);

  it('ships dist/cjs, dist/esm and the JSON Schemas, not sources or tests', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'dist/cjs/index.js',
        'dist/cjs/index.d.ts',
        'dist/cjs/package.json',
        'dist/esm/index.js',
        'dist/esm/index.d.ts',
        'dist/json-schema/BatchFragmentInput.json',
        'README.md',
      ]),
    );
    expect(packed.files.some((file) => file.startsWith('src/'))).toBe(false);
    expect(packed.files.some((file) => file.startsWith('tests/'))).toBe(false);
    expect(packed.files.some((file) => file.endsWith('.map'))).toBe(false);
  });

  it.each(testNodes())(
    'a CommonJS project requires and imports every public name, one copy of each class (Node %s)',
    async (_version, node) => {
      // Act
      const report = parseReport<
        RuntimeReport & { instanceOfImported: boolean; instanceOfImportedBase: boolean }
      >(await runCommand(node, ['require.cjs'], join(projectDir, 'cjs')));

      // Assess
      expect(report.resolved).toMatch(/dist\/cjs\/index\.js$/);
      expect(report.required).toEqual(publicNames);
      expect(report.imported).toEqual(publicNames);
      expect(report.thrown).toBe(
        'ContractValidationError: Invalid BatchFragmentInput: manifest_keys: must list at least one manifest (received: [])',
      );
      expect(report.instanceOfImported).toBe(true);
      expect(report.instanceOfImportedBase).toBe(true);
      expect(report).toMatchObject({ sameClass: true });
      expect(report.jsonSchemas).toEqual(Array(Object.keys(CONTRACT_SCHEMAS).length).fill(true));
    },
    PROCESS_TIMEOUT_MS,
  );

  it.each(testNodes())(
    'an ES module project imports and requires every public name, one copy of each class (Node %s)',
    async (_version, node) => {
      // Act
      const report = parseReport<RuntimeReport & { name: string; instanceOfRequired: boolean }>(
        await runCommand(node, ['import.mjs'], join(projectDir, 'esm')),
      );

      // Assess
      expect(report.resolved).toMatch(/dist\/esm\/index\.js$/);
      expect(report.imported).toEqual(publicNames);
      expect(report.required).toEqual(publicNames);
      expect(report.name).toMatch(/^test-job-0--[a-z0-9]{12}$/);
      expect(report.thrown).toMatch(/^ContractValidationError: Invalid BatchFragmentInput/);
      expect(report.instanceOfRequired).toBe(true);
      expect(report).toMatchObject({
        sameClass: true,
        zodInterop: {
          instanceOfZodType: true,
          zodError: true,
          composed: true,
          composedRejects: true,
          jsonSchema: [
            'job_name',
            'manifest_keys',
            'dataset_keys',
            'records_per_job',
            'max_record_retries',
            'model_id',
            'model_invocation_type',
          ],
        },
      });
      expect(report.jsonSchemas).toEqual(Array(Object.keys(CONTRACT_SCHEMAS).length).fill(true));
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'loads in a CommonJS jest 30 + @swc/jest test',
    async () => {
      // Act
      const result = await runConsumerJest(
        packageDir,
        join(projectDir, 'jest'),
        join(workDir, 'jest-cache'),
      );

      // Assess
      expect(result.stderr).toContain('Tests:       1 passed, 1 total');
      expect(result.code).toBe(0);
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'type-checks a .cts consumer against dist/cjs and a .mts consumer against dist/esm',
    async () => {
      // Act
      const result = await typecheck;

      // Assess
      const errors = result.stdout.split('\n').filter((line) => line.includes('error TS'));
      expect(errors).toEqual([]);
      expect(result.stdout).toContain(`node_modules/${PACKAGE}/dist/cjs/index.d.ts`);
      expect(result.stdout).toContain(`node_modules/${PACKAGE}/dist/esm/index.d.ts`);
      expect(result.code).toBe(0);
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'passes attw in every resolution mode (node10, node16 CJS and ESM, bundler)',
    async () => {
      // Act
      const result = await attw;

      // Assess
      const report = JSON.parse(result.stdout) as AttwReport;
      expect(report.analysis.problems).toEqual([]);
      expect(report.problems).toEqual({});
      expect(resolvedEntrypoints(report)).toEqual({
        '.': {
          node10: ['dist/cjs/index.d.ts', 'dist/cjs/index.js'],
          'node16-cjs': ['dist/cjs/index.d.ts', 'dist/cjs/index.js', 'CommonJS'],
          'node16-esm': ['dist/esm/index.d.ts', 'dist/esm/index.js', 'ESM'],
          bundler: ['dist/esm/index.d.ts', 'dist/esm/index.js'],
        },
      });
      expect(result.code).toBe(0);
    },
    PROCESS_TIMEOUT_MS,
  );
});
