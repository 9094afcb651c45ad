import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../../src/cli.js';
import { synthTestApp } from '../../helpers/synth-test-app.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) },
  };
}

describe('CLI: bedrock-batch-local', () => {
  let outdir: string;
  let work: string;

  beforeAll(() => {
    outdir = synthTestApp();
    work = mkdtempSync(join(tmpdir(), 'local-cli-'));
    writeFileSync(join(work, 'input.json'), JSON.stringify({ value: 'from-file', fail: false }));
    writeFileSync(join(work, 'records.jsonl'), '{"modelInput":{"inputText":"x"}}\n');
  }, 60_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('runs an execution, uploads files, prints the result and exits 0', async () => {
    const { out, err, io } = capture();
    const code = await runCli(
      [
        'run',
        '--assembly',
        outdir,
        '--state-machine',
        'LocalTest/Answered',
        '--input',
        join(work, 'input.json'),
        '--upload',
        join(work, 'records.jsonl'),
        '--prefix',
        'in/',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({
      status: 'SUCCEEDED',
      output: { echo: 'from-file' },
    });
    expect(err).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^uploaded s3:\/\/localtest-data[a-z0-9]+\/in\/records\.jsonl$/),
      ]),
    );
  }, 60_000);

  it('exits 1 with the error of a failed execution', async () => {
    const { out, io } = capture();
    writeFileSync(join(work, 'fail.json'), JSON.stringify({ value: 'x', fail: true }));
    const code = await runCli(
      [
        'run',
        '--assembly',
        outdir,
        '--state-machine',
        'LocalTest/Answered',
        '--input',
        join(work, 'fail.json'),
      ],
      io,
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      status: 'FAILED',
      error: 'Custom.Failure',
      cause: 'asked to fail',
    });
  }, 60_000);

  it('exits 1 naming the known state machines when the id matches none', async () => {
    const { err, io } = capture();
    const code = await runCli(['run', '--assembly', outdir, '--state-machine', 'Nope'], io);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(
      'NotFoundError: No state machine "Nope" in the app; it has: LocalTest/Answered, LocalTest/Unanswered.',
    );
  });

  it('exits 1 when the assembly folder has no manifest', async () => {
    const { err, io } = capture();
    const code = await runCli(['run', '--assembly', work, '--state-machine', 'X'], io);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('manifest.json is missing');
  });

  it('exits 2 on usage errors, saying what is wrong', async () => {
    for (const [argv, message] of [
      [['run'], '--state-machine is required.'],
      [['walk', '--state-machine', 'X'], 'Unknown command: walk'],
      [
        ['run', '--state-machine', 'X', '--hour-ms', '0'],
        '--hour-ms must be a positive whole number, got: 0',
      ],
      [['run', '--state-machine', 'X', '--bogus'], "Unknown option '--bogus'"],
      [
        ['run', '--state-machine', 'X', '--input', join(work, 'missing.json')],
        'Cannot read --input',
      ],
    ] as const) {
      const { err, io } = capture();
      expect(await runCli(argv, io)).toBe(2);
      expect(err.join('\n')).toContain(message);
    }
  });

  it('prints the usage with --help', async () => {
    const { out, io } = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('Usage: bedrock-batch-local run');
  });
});
