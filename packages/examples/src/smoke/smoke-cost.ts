import type { BatchInputRecord } from '@bedrock-batch/schema';
import { estimateCost, type PriceBook } from '../demo/prices.js';

/** What the smoke test's Bedrock batch job is expected to cost, and how the figure was made. */
interface SmokeCostEstimate {
  readonly modelId: string;
  readonly modelName: string;
  readonly records: number;
  /** Input tokens of one record, on average, rounded up (about 4 characters per token). */
  readonly inputTokensPerRecord: number;
  /** Output tokens of one record at most: the largest `max_tokens` of the records. */
  readonly outputTokensPerRecord: number;
  /** Batch prices in the price book's currency per 1,000 tokens. */
  readonly batchPer1k: { readonly input: number; readonly output: number };
  /** records × tokens per record × price per 1,000 tokens, input plus output, in batch mode. */
  readonly total: number;
  readonly currency: string;
  readonly source: string;
  readonly checkedOn: string;
}

/** Characters per token of English text: a rule of thumb; the model's tokenizer decides. */
const CHARACTERS_PER_TOKEN = 4;

/** The characters of the text a Claude messages request sends (`messages[].content`). */
function promptCharacters(modelInput: Readonly<Record<string, unknown>>): number {
  const messages = Array.isArray(modelInput.messages) ? modelInput.messages : [];
  let characters = 0;
  for (const message of messages as Array<{ content?: unknown }>) {
    const parts =
      typeof message.content === 'string' ? [{ text: message.content }] : message.content;
    if (!Array.isArray(parts)) continue;
    for (const part of parts as Array<{ text?: unknown }>) {
      if (typeof part.text === 'string') characters += part.text.length;
    }
  }
  return characters;
}

/**
 * Estimates what a batch job over `records` costs: records × estimated input tokens × the batch
 * price per 1,000 input tokens, plus records × `max_tokens` × the batch price per 1,000 output
 * tokens (an upper bound: answers may be shorter). Input tokens are the prompt's characters / 4,
 * rounded up.
 *
 * @throws Error when the price book has no price for the model (from `estimateCost`)
 *
 * @example
 * ```ts
 * const { records } = generateReviewRecords(1, 100);
 * const estimate = estimateSmokeCost(records, 'anthropic.claude-3-haiku-20240307-v1:0', loadPriceBook());
 * console.log(costLines(estimate).join('\n'));
 * ```
 */
function estimateSmokeCost(
  records: readonly BatchInputRecord[],
  modelId: string,
  prices: PriceBook,
): SmokeCostEstimate {
  const count = records.length;
  const input = records.reduce(
    (sum, record) => sum + Math.ceil(promptCharacters(record.modelInput) / CHARACTERS_PER_TOKEN),
    0,
  );
  const outputPerRecord = Math.max(
    0,
    ...records.map((record) =>
      typeof record.modelInput.max_tokens === 'number' ? record.modelInput.max_tokens : 0,
    ),
  );
  const per1k = (tokens: { input: number; output: number }) =>
    estimateCost(prices, modelId, tokens).batch;
  return {
    modelId,
    modelName: prices.models[modelId]?.name ?? modelId,
    records: count,
    inputTokensPerRecord: count === 0 ? 0 : Math.ceil(input / count),
    outputTokensPerRecord: outputPerRecord,
    batchPer1k: {
      input: per1k({ input: 1000, output: 0 }),
      output: per1k({ input: 0, output: 1000 }),
    },
    total: per1k({ input, output: outputPerRecord * count }),
    currency: prices.currency,
    source: prices.source,
    checkedOn: prices.checkedOn,
  };
}

/** A price with as many decimals as it needs (at most 6). */
function price(value: number): string {
  return `$${Number(value.toFixed(6))}`;
}

/**
 * What the smoke test prints about its cost before it asks to deploy: the calculation, the
 * price source and date, what is not included, and why it needs 100 records.
 *
 * @example
 * ```ts
 * console.log(costLines(estimateSmokeCost(records, modelId, loadPriceBook())).join('\n'));
 * ```
 */
function costLines(estimate: SmokeCostEstimate): string[] {
  const { records, batchPer1k } = estimate;
  return [
    `Estimated Bedrock cost: ${records} records × ~${estimate.inputTokensPerRecord} input tokens × ${price(batchPer1k.input)} per 1,000` +
      ` + ${records} records × at most ${estimate.outputTokensPerRecord} output tokens × ${price(batchPer1k.output)} per 1,000` +
      ` = about $${estimate.total.toFixed(4)} (${estimate.currency}).`,
    `  Batch prices of ${estimate.modelName} (${estimate.modelId}), half the on-demand price: ${estimate.source}, checked ${estimate.checkedOn}.` +
      ` Input tokens estimated at ${CHARACTERS_PER_TOKEN} characters per token.`,
    '  Not included (not computed; expected to be fractions of a cent for one run): Step Functions state transitions, Lambda invocations' +
      ' (the reconcile function runs every 5 minutes while the stack exists), EventBridge events, S3 requests, CloudWatch Logs.',
    `  Why ${records} records: Bedrock batch inference refuses jobs with fewer than 100 records for most models (a per-model quota).`,
  ];
}

export type { SmokeCostEstimate };
export { costLines, estimateSmokeCost };
