import { createRandom } from '@bedrock-batch/local';
import type { BatchInputRecord } from '@bedrock-batch/schema';

/** The sentiment a generated review was written with (the "ground truth" of the sample). */
type Sentiment = 'positive' | 'negative' | 'neutral';

const PRODUCTS = [
  'blender',
  'kettle',
  'desk lamp',
  'backpack',
  'headphones',
  'coffee grinder',
  'yoga mat',
  'phone case',
];
const OPENINGS: Record<Sentiment, readonly string[]> = {
  positive: ['Love this', 'Great', 'Excellent', 'Really happy with this'],
  negative: ['Terrible', 'Disappointed with this', 'Poor quality', 'Would not buy this'],
  neutral: ['Okay', 'An average', 'A decent enough', 'It is a'],
};
const DETAILS: Record<Sentiment, readonly string[]> = {
  positive: [
    'works perfectly every day',
    'arrived early and well packed',
    'worth every penny',
    'exceeded my expectations',
  ],
  negative: [
    'stopped working after a week',
    'arrived broken',
    'feels cheap and flimsy',
    'customer service never answered',
  ],
  neutral: ['does what it says', 'nothing special', 'fine for the price', 'about what I expected'],
};
const SENTIMENTS: readonly Sentiment[] = ['positive', 'negative', 'neutral'];

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** The prompt each record sends to the model. */
function classificationPrompt(review: string): string {
  return `Classify the sentiment of this product review as positive, negative or neutral. Answer with one word.\n\nReview: ${review}`;
}

/**
 * Generates `count` product-review records for a Claude messages model, deterministic for a
 * given `manifest` number; returns the JSONL records and the sentiment each was written with.
 *
 * @example
 * ```ts
 * const { records } = generateReviewRecords(1, 1000);
 * const body = records.map((r) => JSON.stringify(r)).join('\n');
 * ```
 */
function generateReviewRecords(
  manifest: number,
  count: number,
): { records: BatchInputRecord[]; expected: Map<string, Sentiment> } {
  const next = createRandom(manifest * 7919 + 17);
  const records: BatchInputRecord[] = [];
  const expected = new Map<string, Sentiment>();
  for (let i = 0; i < count; i += 1) {
    const sentiment = pick(SENTIMENTS, next);
    const review = `${pick(OPENINGS[sentiment], next)} ${pick(PRODUCTS, next)}, ${pick(DETAILS[sentiment], next)}.`;
    const recordId = `M${manifest}R${String(i + 1).padStart(5, '0')}`;
    expected.set(recordId, sentiment);
    records.push({
      recordId,
      modelInput: {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 5,
        messages: [
          { role: 'user', content: [{ type: 'text', text: classificationPrompt(review) }] },
        ],
      },
    });
  }
  return { records, expected };
}

/**
 * The text of a manifest of `count` generated review records: one JSON record per line (JSONL),
 * ending with a newline, as Bedrock batch reads it.
 *
 * @example
 * ```ts
 * await s3.send(new PutObjectCommand({ Bucket, Key: 'reviews/part-1.jsonl', Body: reviewManifest(1, 100) }));
 * ```
 */
function reviewManifest(manifest: number, count: number): string {
  const { records } = generateReviewRecords(manifest, count);
  return `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
}

export type { Sentiment };
export { classificationPrompt, generateReviewRecords, reviewManifest };
