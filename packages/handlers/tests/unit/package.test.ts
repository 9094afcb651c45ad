import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

// The packed tarball, installed offline (dependencies linked from the workspace) into plain
// consumer projects with no workspace and no source condition: a CommonJS project, an ES module
// project and a CommonJS jest project (as `cdk init app --language typescript` makes), all three
// without @middy/core (it is ESM only; the CommonJS build carries its own copy), and a TypeScript
// project with a .cts and a .mts file and every declared dependency. Proves the exports map, the
// `files` list, the one-copy design (see README, "Module systems") and, with attw, the types in
// every resolution mode.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const consumersDir = join(packageDir, 'tests', 'consumers');
const PACKAGE = '@bedrock-batch/handlers';
/** Time allowed to a test that runs processes (pack, node, jest, tsc, attw), on a busy machine. */
const PROCESS_TIMEOUT_MS = 60_000;

/** Export subpath -> the source module behind it. */
const ENTRY_SOURCES: Record<string, string> = {
  '': 'index',
  '/create-job': 'handlers/create-job',
  '/job-event': 'handlers/job-event',
  '/reconcile': 'handlers/reconcile',
  '/prepare-dataset': 'handlers/prepare-dataset',
  '/collect-results': 'handlers/collect-results',
  '/on-demand': 'handlers/on-demand',
  '/errors': 'errors',
  '/middleware': 'middleware',
};

/** The Lambda bundles, ESM, as scripts/bundle.mjs writes them. */
const BUNDLES = [
  'create-job',
  'job-event',
  'reconcile',
  'prepare-dataset',
  'collect-results',
  'on-demand',
];

/** The runtime dependencies the consumers link; @middy/core only where types are checked. */
const RUNTIME_DEPENDENCIES = [
  '@aws-lambda-powertools/logger',
  '@aws-sdk/client-bedrock',
  '@aws-sdk/client-bedrock-runtime',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sfn',
  '@aws-sdk/client-sts',
  '@bedrock-batch/schema',
  'zod',
];

interface AttwResolution {
  resolution?: { fileName: string };
  implementationResolution?: { fileName: string };
}

/** The parts of `attw --format json` the test reads. */
interface AttwReport {
  analysis: {
    problems: unknown[];
    entrypoints: Record<string, { resolutions: Record<string, AttwResolution> }>;
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
          if (mode.startsWith('node16')) {
            files.push(kind === 1 ? 'CommonJS' : kind === 99 ? 'ESM' : `${kind}`);
          }
          return [mode, files];
        }),
      ),
    ]),
  );
}

/**
 * What attw should find for an entry point whose files are `<base>.d.ts` / `<base>.js`. node10
 * (TypeScript's `moduleResolution: node`) reads no `exports`: the root resolves through `main` and
 * `types`, a subpath's types through `typesVersions`, and a subpath's JavaScript not at all (at run
 * time, subpaths need a resolver that reads `exports`: see README, "Module systems").
 */
function expectedResolutions(subpath: string, base: string): Record<string, string[]> {
  return {
    node10: [`dist/cjs/${base}.d.ts`, subpath === '' ? `dist/cjs/${base}.js` : '(no JavaScript)'],
    'node16-cjs': [`dist/cjs/${base}.d.ts`, `dist/cjs/${base}.js`, 'CommonJS'],
    'node16-esm': [`dist/esm/${base}.d.ts`, `dist/esm/${base}.js`, 'ESM'],
    bundler: [`dist/esm/${base}.d.ts`, `dist/esm/${base}.js`],
  };
}

function parseReport<T>(result: CommandResult): T {
  if (result.code !== 0) throw new Error(`consumer failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function writePackageJson(projectDir: string, type: 'commonjs' | 'module'): void {
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ private: true, type }));
}

/**
 * The public names of each entry point. Issue 12 (tickets instead of token tags) removed
 * `DEFAULT_RECONCILE_LOOKBACK_HOURS`, `DEFAULT_RECONCILE_MAX_JOBS`, `deliveredMarker` and
 * `isOwnedBy`, and added the ticket functions and `TicketFormatError`.
 */
const PUBLIC_NAMES: Record<string, string[]> = {
  '': [
    'AccessDeniedError',
    'BedrockBatchHandlerError',
    'BedrockValidationError',
    'ConfigurationError',
    'EXECUTION_DOES_NOT_EXIST',
    'InvalidInputError',
    'QuotaExceededError',
    'RECORD_ERROR_CLASSES',
    'ThrottledError',
    'TicketFormatError',
    'assumeOnDemandSession',
    'awsScopeOf',
    'claimDelivery',
    'classifyRecordError',
    'collectResults',
    'completeDelivery',
    'createAwsClients',
    'createJob',
    'deliverJob',
    'deriveClientRequestToken',
    'describeExecutionState',
    'executionNameFromArn',
    'handleJobEvent',
    'invokeOnDemand',
    'isDeadTaskTokenError',
    'isLiveExecutionState',
    'isNotFoundError',
    'jobOutputFolder',
    'mapBedrockError',
    'mergeJobTags',
    'onDemandSessionPolicy',
    'onDemandTask',
    'parseJobArn',
    'parseOnDemandPayload',
    'parseS3Uri',
    'pendingJobNames',
    'prepareDataset',
    'prepareDatasetTask',
    'readDeliveredTicket',
    'readHandlerConfig',
    'readJobOutput',
    'readTicket',
    'reconcile',
    'redactErrorMessage',
    'redactSecrets',
    'removeTicket',
    'tagValue',
    'tokenMarker',
    'writeTicket',
  ],
  '/create-job': ['createJob', 'handler', 'makeCreateJobHandler'],
  '/job-event': ['handleJobEvent', 'handler', 'makeJobEventHandler'],
  '/reconcile': ['handler', 'makeReconcileHandler', 'reconcile'],
  '/prepare-dataset': ['handler', 'makePrepareDatasetHandler', 'prepareDatasetTask'],
  '/collect-results': ['collectResults', 'handler', 'makeCollectResultsHandler'],
  '/on-demand': ['handler', 'makeOnDemandHandler', 'onDemandTask'],
  '/errors': [
    'AccessDeniedError',
    'BedrockBatchHandlerError',
    'BedrockValidationError',
    'ConfigurationError',
    'InvalidInputError',
    'QuotaExceededError',
    'ThrottledError',
    'TicketFormatError',
  ],
  '/middleware': ['appendLogKeys', 'logInvocationError', 'stringAt'],
};

describe('Package: the public names of each entry point', () => {
  it.each(Object.entries(ENTRY_SOURCES))(
    '%p exports exactly the documented names',
    async (subpath, source) => {
      // Act
      const names = Object.keys(await import(`../../src/${source}.js`)).sort();

      // Assess
      expect(names).toEqual(PUBLIC_NAMES[subpath]);
    },
  );
});

describe('Package: the packed tarball', () => {
  let workDir: string;
  let packed: PackedPackage;
  let runtimeDir: string;
  let publicNames: Record<string, string[]>;
  let typecheck: Promise<CommandResult>;
  let attw: Promise<CommandResult>;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'handlers-pack-'));
    packed = packPackage(packageDir, workDir);

    runtimeDir = join(workDir, 'runtime');
    const runtimeModules = join(runtimeDir, 'node_modules');
    extractPackage(packed.tarball, runtimeModules, PACKAGE);
    for (const name of [...RUNTIME_DEPENDENCIES, '@swc/jest']) {
      linkPackage(runtimeModules, name, packageDir);
    }
    copyConsumerFiles(consumersDir, join(runtimeDir, 'cjs'), { 'require.cjs': 'require.cjs' });
    writePackageJson(join(runtimeDir, 'cjs'), 'commonjs');
    copyConsumerFiles(consumersDir, join(runtimeDir, 'esm'), { 'import.mjs': 'import.mjs' });
    writePackageJson(join(runtimeDir, 'esm'), 'module');
    copyConsumerFiles(consumersDir, join(runtimeDir, 'jest'), {
      'jest.config.cjs': 'jest.config.cjs',
      'packed.spec.ts': 'packed.spec.ts',
    });
    writePackageJson(join(runtimeDir, 'jest'), 'commonjs');

    const typesDir = join(workDir, 'types');
    const typesModules = join(typesDir, 'node_modules');
    extractPackage(packed.tarball, typesModules, PACKAGE);
    for (const name of [...RUNTIME_DEPENDENCIES, '@middy/core', '@types/node']) {
      linkPackage(typesModules, name, packageDir);
    }
    copyConsumerFiles(consumersDir, typesDir, {
      'types.ts': 'consumer.cts',
      'tsconfig.consumer.json': 'tsconfig.json',
    });
    copyConsumerFiles(consumersDir, typesDir, { 'types.ts': 'consumer.mts' });
    writePackageJson(typesDir, 'commonjs');

    // The two slowest checks run while the others do.
    typecheck = runCommand(
      process.execPath,
      [toolBin(packageDir, 'typescript', 'tsc'), '-p', '.', '--listFiles'],
      typesDir,
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
    publicNames = {};
    for (const [subpath, source] of Object.entries(ENTRY_SOURCES)) {
      publicNames[subpath] = Object.keys(await import(`../../src/${source}.js`)).sort();
    }
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([typecheck, attw]);
    rmSync(workDir, { recursive: true, force: true });
  }, PROCESS_TIMEOUT_MS);

  it('ships dist/cjs with one copy of @middy/core, dist/esm and the ESM Lambda bundles', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'dist/cjs/index.js',
        'dist/cjs/index.d.ts',
        'dist/cjs/package.json',
        'dist/cjs/vendor/middy-core.js',
        'dist/esm/index.js',
        'dist/esm/index.d.ts',
        ...BUNDLES.map((name) => `dist/lambda/${name}/index.mjs`),
        'README.md',
      ]),
    );
    expect(packed.files.filter((file) => file.includes('/vendor/'))).toEqual([
      'dist/cjs/vendor/middy-core.js',
    ]);
    expect(packed.files.some((file) => file.startsWith('src/'))).toBe(false);
    expect(packed.files.some((file) => file.startsWith('tests/'))).toBe(false);
    expect(packed.files.some((file) => file.startsWith('dist/lambda-external-sdk/'))).toBe(false);
    expect(existsSync(join(runtimeDir, 'node_modules', '@middy'))).toBe(false);
  });

  it.each(testNodes())(
    'a CommonJS project requires and imports every entry point, one copy of each class (Node %s)',
    async (_version, node) => {
      // Act
      const report = parseReport<Record<string, unknown>>(
        await runCommand(node, ['require.cjs'], join(runtimeDir, 'cjs')),
      );

      // Assess
      expect(report.resolved).toMatch(/dist\/cjs\/index\.js$/);
      expect(report.entries).toEqual(
        Object.fromEntries(
          Object.entries(publicNames).map(([subpath, names]) => [
            subpath,
            { required: names, imported: names },
          ]),
        ),
      );
      expect(report.thrown).toMatch(/^BedrockBatch\.InvalidInput: Invalid CreateJobPayload/);
      expect(report).toMatchObject({
        instanceOfImported: true,
        instanceOfImportedBase: true,
        causeInstanceOfImportedSchema: true,
        sameClass: true,
        handlerUse: 'function',
        handlerError: true,
      });
    },
    PROCESS_TIMEOUT_MS,
  );

  it.each(testNodes())(
    'an ES module project imports and requires the package, one copy of each class (Node %s)',
    async (_version, node) => {
      // Act
      const report = parseReport<Record<string, unknown>>(
        await runCommand(node, ['import.mjs'], join(runtimeDir, 'esm')),
      );

      // Assess
      expect(report.resolved).toMatch(/dist\/esm\/index\.js$/);
      expect(report.imported).toEqual(publicNames['']);
      expect(report.required).toEqual(publicNames['']);
      expect(report.thrown).toMatch(/^BedrockBatch\.InvalidInput: Invalid CreateJobPayload/);
      expect(report).toMatchObject({
        instanceOfRequired: true,
        causeInstanceOfRequiredSchema: true,
        sameClass: true,
        handlerUse: 'function',
        handlerError: 'BedrockBatch.InvalidInput',
      });
    },
    PROCESS_TIMEOUT_MS,
  );

  it.each(testNodes())(
    'the Lambda bundles stay ES modules that export a handler (Node %s)',
    async (_version, node) => {
      // Act
      const result = await runCommand(
        node,
        [
          '--input-type=module',
          '-e',
          'for (const name of process.argv.slice(1)) {' +
            " const mod = await import('@bedrock-batch/handlers/lambda/' + name + '/index.mjs');" +
            ' process.stdout.write(name + ":" + typeof mod.handler + "\\n"); }',
          ...BUNDLES,
        ],
        join(runtimeDir, 'esm'),
      );

      // Assess
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toEqual(BUNDLES.map((name) => `${name}:function`));
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'loads in a CommonJS jest 30 + @swc/jest test',
    async () => {
      // Act
      const result = await runConsumerJest(
        packageDir,
        join(runtimeDir, 'jest'),
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

      // Assess: no error in the consumer or in declarations of this workspace (errors inside
      // dependencies' own declarations, which want @types/aws-lambda and Middy's optional peer
      // @aws/durable-execution-sdk-js, are theirs and skipped).
      const errors = result.stdout
        .split('\n')
        .filter((line) => line.includes('error TS') && !line.includes('node_modules/.pnpm/'));
      expect(errors).toEqual([]);
      expect(result.stdout).toContain(`node_modules/${PACKAGE}/dist/cjs/handlers/create-job.d.ts`);
      expect(result.stdout).toContain(`node_modules/${PACKAGE}/dist/esm/handlers/create-job.d.ts`);
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
      expect(resolvedEntrypoints(report)).toEqual(
        Object.fromEntries(
          Object.entries(ENTRY_SOURCES).map(([subpath, source]) => [
            `.${subpath}`,
            expectedResolutions(subpath, source),
          ]),
        ),
      );
      expect(result.code).toBe(0);
    },
    PROCESS_TIMEOUT_MS,
  );
});
