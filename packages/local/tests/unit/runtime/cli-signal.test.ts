import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { synthTestApp } from '../../helpers/synth-test-app.js';

// The built CLI (nx builds the package before its tests run).
const bin = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bin',
  'bedrock-batch-local.mjs',
);

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts the built CLI on a callback task that never gets an answer; resolves once it runs. The
 * CLI may take many seconds to start on a loaded machine: the tests allow 60 seconds, more than
 * the 30 this waits and the 15 the interrupt may take.
 */
async function startInterruptibleRun(outdir: string, extraArgs: readonly string[]) {
  const child = spawn(
    process.execPath,
    [
      bin,
      'run',
      '--assembly',
      outdir,
      '--state-machine',
      'LocalTest/Unanswered',
      '--hour-ms',
      '3600000',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = { stderr: '' };
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!output.stderr.includes('started arn:') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output, exited };
}

describe('CLI: interrupted', () => {
  let outdir: string;

  beforeAll(() => {
    outdir = synthTestApp();
  }, 60_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('stops every server and exits 130 on Ctrl-C (SIGINT) in the middle of an execution', async () => {
    // Prepare: a task that waits for a callback that never comes, in real time.
    const { child, output, exited } = await startInterruptibleRun(outdir, ['--verbose']);
    expect(output.stderr).toContain('started arn:');
    // Act
    child.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    // Assess
    expect(code).toBe(130);
    expect(output.stderr).toContain('Interrupted: stopping the local runtime.');
  }, 60_000);

  it('leaves no listening port behind after an interrupt', async () => {
    const { child, output, exited } = await startInterruptibleRun(outdir, ['--print-endpoints']);
    const ports = [...output.stderr.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(ports.length).toBe(4);
    for (const port of ports) expect(await portOpen(port)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    for (const port of ports) expect(await portOpen(port)).toBe(false);
  }, 60_000);
});
