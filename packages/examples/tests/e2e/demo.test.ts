import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runDemo } from '../../src/demo/run-demo.js';

describe('Demo', () => {
  it('succeeds and says that the answers come from the keyword responder, not the model', async () => {
    // Prepare: one small manifest on a fast clock (the output does not depend on the pace).
    const output: string[] = [];

    // Act
    const code = await runDemo({
      manifests: 1,
      recordsPerManifest: 100,
      msPerVirtualHour: 200,
      interactive: false,
      workDir: mkdtempSync(join(tmpdir(), 'demo-')),
      write: (text) => output.push(text),
    });

    // Assess
    const text = output.join('');
    expect(code).toBe(0);
    expect(text).toMatch(/^reviews\/part-1\.jsonl\s+Completed\s+100\s+0\s/m);
    expect(text).toContain(
      "Emulated: no model ran. The answers come from the emulator's keyword responder (src/demo/sentiment-responder.ts), not Claude 3 Haiku;",
    );
  });
});
