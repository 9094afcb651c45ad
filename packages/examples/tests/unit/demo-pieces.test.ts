import { BatchInputRecordSchema, type BatchJobResult, validate } from '@bedrock-batch/schema';
import { describe, expect, it } from '@jest/globals';
import { estimateCost, loadPriceBook } from '../../src/demo/prices.js';
import { progressLine, statusLine, summaryTable } from '../../src/demo/render.js';
import { generateReviewRecords } from '../../src/demo/sample-reviews.js';
import { sentimentResponder } from '../../src/demo/sentiment-responder.js';

const result: BatchJobResult = {
  status: 'PartiallyCompleted',
  bucket: 'reviews',
  keys: ['out/abcdefghijkl/part-1.jsonl.out'],
  job_arn: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl',
  job_name: 'reviews-0',
  manifest_key: 'reviews/part-1.jsonl',
  record_counts: { total: 1000, processed: 1000, success: 990, error: 10 },
  token_counts: { input: 40_000, output: 2_000 },
};

describe('Demo: sample reviews', () => {
  it('generates valid, deterministic records with unique ids', () => {
    const first = generateReviewRecords(1, 1000);
    const again = generateReviewRecords(1, 1000);
    expect(first.records).toEqual(again.records);
    expect(new Set(first.records.map((r) => r.recordId)).size).toBe(1000);
    for (const record of first.records.slice(0, 50))
      expect(() => validate(BatchInputRecordSchema, record)).not.toThrow();
    expect(generateReviewRecords(2, 10).records).not.toEqual(generateReviewRecords(1, 10).records);
  });

  it("writes reviews the demo's model classifies as they were written", () => {
    const { records, expected } = generateReviewRecords(3, 300);
    for (const record of records) {
      const messages = record.modelInput.messages as Array<{ content: Array<{ text: string }> }>;
      const prompt = messages[0]?.content[0]?.text ?? '';
      const answer = sentimentResponder({ prompt } as Parameters<typeof sentimentResponder>[0]);
      expect(answer).toBe(expected.get(record.recordId ?? ''));
    }
  });
});

describe('Demo: prices', () => {
  const prices = loadPriceBook();

  it('names its source and the date it was checked', () => {
    expect(prices.source).toContain('aws.amazon.com/bedrock/pricing');
    expect(prices.checkedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices.batchDiscount).toBe(0.5);
  });

  it('estimates batch cost at half the on-demand cost', () => {
    const cost = estimateCost(prices, 'anthropic.claude-3-haiku-20240307-v1:0', {
      input: 1_000_000,
      output: 1_000_000,
    });
    expect(cost.onDemand).toBeCloseTo(1.5);
    expect(cost.batch).toBeCloseTo(0.75);
    expect(
      estimateCost(prices, 'us.anthropic.claude-3-haiku-20240307-v1:0', {
        input: 1_000_000,
        output: 0,
      }).onDemand,
    ).toBeCloseTo(0.25);
  });

  it('fails naming the model when it has no price', () => {
    expect(() => estimateCost(prices, 'acme.unknown-v1', { input: 1, output: 1 })).toThrow(
      'No price for model acme.unknown-v1',
    );
  });
});

describe('Demo: rendering', () => {
  it('draws a progress bar with counts', () => {
    expect(
      progressLine({ name: 'job-a', status: 'InProgress', processed: 500, total: 1000 }, 8),
    ).toBe(`job-a     InProgress          [${'#'.repeat(12)}${'-'.repeat(12)}]    500/1000`);
    expect(progressLine({ name: 'j', status: 'Submitted', processed: 0, total: 0 })).toContain(
      `[${'-'.repeat(24)}]`,
    );
  });

  it('prints a plain status line with virtual hours', () => {
    expect(
      statusLine({ name: 'job-a', status: 'Completed', processed: 1000, total: 1000 }, 2.75),
    ).toBe('[2.8 h] job-a: Completed (1000/1000 records)');
  });

  it('prints a summary table with a total row', () => {
    const lines = summaryTable([
      { result, cost: { batch: 0.0075, onDemand: 0.015 } },
      {
        result: {
          ...result,
          manifest_key: 'reviews/part-2.jsonl',
          token_counts: undefined,
        } as BatchJobResult,
      },
    ]);
    expect(lines[0]).toMatch(
      /^manifest\s+status\s+succeeded\s+failed\s+input tokens\s+output tokens\s+batch cost\s+on-demand cost$/,
    );
    expect(lines[2]).toMatch(
      /^reviews\/part-1\.jsonl\s+PartiallyCompleted\s+990\s+10\s+40000\s+2000\s+\$0\.0075\s+\$0\.0150$/,
    );
    expect(lines[3]).toMatch(/n\/a\s+n\/a\s+n\/a\s+n\/a$/);
    expect(lines[4]).toMatch(/^total\s+1980\s+20\s+40000\s+2000\s+\$0\.0075\s+\$0\.0150$/);
  });
});
