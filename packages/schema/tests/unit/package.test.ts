import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// A plain ESM project (no TypeScript, no workspace, no source condition) that installs the packed
// tarball: proves the exports map, the `files` list and the JSON Schema files of what we publish.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const zodDir = dirname(createRequire(join(packageDir, 'package.json')).resolve('zod/package.json'));

const PUBLIC_NAMES = [
  'BatchFragmentInputSchema',
  'BatchJobResultSchema',
  'BatchJobFailureSchema',
  'BatchErrorName',
  'CreateJobPayloadSchema',
  'JobStateChangeEventSchema',
  'BatchInputRecordSchema',
  'BatchOutputRecordSchema',
  'ManifestOutSchema',
  'encodeTaskTokenTags',
  'decodeTaskTokenTags',
  'buildJobName',
  'JobStatus',
  'TERMINAL_JOB_STATUSES',
  'BEDROCK_API_LIMITS',
  'DEFAULT_BATCH_QUOTAS',
  'resolveBatchQuotas',
  'validate',
  'ContractValidationError',
];

const consumer = `
import * as schema from '@bedrock-batch/schema';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const names = ${JSON.stringify(PUBLIC_NAMES)};
const missing = names.filter((name) => schema[name] === undefined);
const jsonSchemas = Object.keys(schema.CONTRACT_SCHEMAS).map((name) =>
  fileURLToPath(import.meta.resolve('@bedrock-batch/schema/json-schema/' + name + '.json')));
const input = schema.validate(schema.BatchFragmentInputSchema,
  { job_name: 'test_job', manifest_keys: ['test_key.jsonl'], model_id: 'test.model-v1' });
let rejected = '';
try { schema.validate(schema.BatchFragmentInputSchema, { job_name: 'x', manifest_keys: [], model_id: 'm' }); }
catch (error) { rejected = error.name + ': ' + error.message; }
console.log(JSON.stringify({ missing, jsonSchemas: jsonSchemas.map((f) => existsSync(f)),
  name: schema.buildJobName(input.job_name, 0), rejected }));
`;

describe('Package: the packed tarball', () => {
  let workDir: string;
  let tarball: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'schema-pack-'));
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', workDir], {
        cwd: packageDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const first = packed[0];
    if (first === undefined) throw new Error('npm pack reported no tarball');
    tarball = join(workDir, first.filename);
    const project = join(workDir, 'consumer');
    const target = join(project, 'node_modules', '@bedrock-batch', 'schema');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
    symlinkSync(realpathSync(zodDir), join(project, 'node_modules', 'zod'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(join(project, 'main.js'), consumer);
  });

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('ships dist and the JSON Schemas, not sources or tests', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/json-schema/BatchFragmentInput.json');
    expect(files).toContain('package/README.md');
    expect(files.some((file) => file.startsWith('package/src/'))).toBe(false);
    expect(files.some((file) => file.startsWith('package/tests/'))).toBe(false);
  });

  it('imports every public name and resolves every JSON Schema file', () => {
    const output = execFileSync(process.execPath, ['main.js'], {
      cwd: join(workDir, 'consumer'),
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as {
      missing: string[];
      jsonSchemas: boolean[];
      name: string;
      rejected: string;
    };
    expect(result.missing).toEqual([]);
    expect(result.jsonSchemas).toHaveLength(8);
    expect(result.jsonSchemas.every(Boolean)).toBe(true);
    expect(result.name).toMatch(/^test-job-0--[a-z0-9]{12}$/);
    expect(result.rejected).toBe(
      'ContractValidationError: Invalid BatchFragmentInput: manifest_keys: must list at least one manifest (received: [])',
    );
  });
});
