import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runDemo } from '../../src/demo/run-demo.js';

describe('Demo', () => {
  let workDir: string | undefined;

  afterEach(() => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it('splits one file into jobs, retries the throttled records, shows results.jsonl and says that the answers come from the keyword responder', async () => {
    // Prepare: a small file on a fast clock (the output does not depend on the pace).
    const output: string[] = [];
    workDir = mkdtempSync(join(tmpdir(), 'demo-'));

    // Act
    const code = await runDemo({
      records: 300,
      recordsPerJob: 150,
      msPerVirtualHour: 200,
      interactive: false,
      workDir,
      write: (text) => output.push(text),
    });

    // Assess
    const text = output.join('');
    expect(code).toBe(0);
    expect(text).toContain('Uploaded one file of 300 reviews');
    expect(text).toMatch(/Prepared 2 manifests \(one job each\)/);
    expect(text).toMatch(
      /Work folder of this execution: s3:\/\/[^ ]+\/bedrock-batch-work\/[^ ]+\/\n/,
    );
    expect(text).toContain('\n  manifests/part-00000.jsonl  reviews 1 to 150\n');
    expect(text).toContain('\n  manifests/part-00001.jsonl  reviews 151 to 300\n');
    // 2% of each job's records are throttled by default: the jobs end PartiallyCompleted, and
    // one on-demand round answers their failed records.
    expect(text).toContain("The emulator throttles 2% of each job's records");
    const failed = [
      ...text.matchAll(/^manifests\/part-0000[01]\.jsonl\s+(\w+)\s+(\d+)\s+(\d+)\s/gm),
    ];
    expect(failed).toHaveLength(2);
    for (const [, , succeeded, errors] of failed)
      expect(Number(succeeded) + Number(errors)).toBe(150);
    const retried = failed.reduce((sum, [, , , errors]) => sum + Number(errors), 0);
    expect(retried).toBeGreaterThan(0);
    expect(text).toContain('Dataset: Completed, 300 records, 300 answered, 0 errors.');
    expect(text).toContain(
      `Retried ${retried} records that failed for a transient reason, in 1 round; ${retried} records were answered on demand`,
    );
    expect(text).toMatch(
      /Results, one line per review in dataset order: s3:\/\/[^ ]+\/bedrock-batch-work\/[^ ]+\/results\.jsonl\n/,
    );
    const results = readFileSync(join(workDir, 'output', 'results.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(results).toHaveLength(300);
    expect(JSON.parse(results[0] ?? '{}').recordId).toBe('M1R00001');
    expect(text).toContain(`\n  ${results[0]}\n`);
    expect(text).toContain(
      "Emulated: no model ran. The answers come from the emulator's keyword responder (src/demo/sentiment-responder.ts), not Claude 3 Haiku;",
    );
  });
});
