import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ManualClock } from '@bedrock-batch/local';
import { describe, expect, it } from '@jest/globals';
import { localTarget } from '../../src/smoke/local-target.js';
import { runSmoke } from '../../src/smoke/run-smoke.js';
import { smokeMain } from '../../src/smoke/smoke-main.js';

// Each test file has a temporary folder of its own (jest.environment.mjs): whatever the smoke
// test leaves behind under the OS temporary directory shows up here.

describe('Smoke test on the local runtime', () => {
  it('passes every check with `--target local` and leaves no temporary folder', async () => {
    // Prepare
    const output: string[] = [];

    // Act
    const code = await smokeMain(['--target', 'local'], {
      env: {},
      write: (text) => output.push(text),
    });

    // Assess
    const text = output.join('');
    expect(code).toBe(0);
    for (const check of [
      'execution succeeded',
      'one job, Completed',
      'record counts 100',
      'output files exist',
      'no job left in flight',
    ])
      expect(text).toContain(`PASS ${check}: `);
    expect(text).not.toContain('FAIL');
    expect(text).toContain('Smoke test passed.');
    expect(readdirSync(tmpdir())).toEqual([]);
  });

  it('when aborted while the job runs, stops the execution and the job, then destroys everything', async () => {
    // Prepare: abort as soon as the job is reported in progress, on a clock that moves only
    // between polls, so the job is still in progress when the clean-up looks.
    const controller = new AbortController();
    const output: string[] = [];
    const write = (text: string): void => {
      output.push(text);
      if (text.includes(': InProgress')) controller.abort(new Error('interrupted by the test'));
    };

    // Act
    const run = runSmoke(localTarget({ clock: new ManualClock() }), {
      write,
      signal: controller.signal,
    });

    // Assess
    await expect(run).rejects.toThrow('interrupted by the test');
    const text = output.join('');
    expect(text).toMatch(
      /Stopped what was left running: execution arn:aws:states:[^,]+, job smoke-smoke[0-9a-f]{8}-0\S* \(InProgress\)/,
    );
    expect(text).toContain('Destroying BedrockBatchSmoke (local)');
    expect(readdirSync(tmpdir())).toEqual([]);
  });
});
