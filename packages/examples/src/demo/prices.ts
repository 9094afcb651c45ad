import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Public prices of one model, per million tokens. */
interface ModelPrice {
  readonly name: string;
  readonly onDemand: { readonly input: number; readonly output: number };
}

/** The price data file (`data/model-prices.json`): prices, their source and the date checked. */
interface PriceBook {
  readonly currency: string;
  readonly source: string;
  readonly checkedOn: string;
  readonly batchDiscount: number;
  readonly models: Readonly<Record<string, ModelPrice>>;
}

/** What a job's tokens cost in batch mode and would cost on demand. */
interface CostEstimate {
  readonly batch: number;
  readonly onDemand: number;
}

const PRICE_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'model-prices.json',
);

/**
 * Reads the price data file.
 *
 * @example
 * ```ts
 * const prices = loadPriceBook();
 * console.log(prices.source, prices.checkedOn);
 * ```
 */
function loadPriceBook(path: string = PRICE_FILE): PriceBook {
  return JSON.parse(readFileSync(path, 'utf8')) as PriceBook;
}

/** The model id without an inference-profile prefix (`us.`, `eu.`, ...) or ARN. */
function baseModel(modelId: string): string {
  const id = modelId.includes('/') ? (modelId.split('/').at(-1) ?? modelId) : modelId;
  return id.replace(/^(us|eu|apac|us-gov|global)\./, '');
}

/**
 * Estimates the cost of tokens at the model's public prices: batch mode beside on-demand.
 *
 * @throws Error when the price book has no price for the model
 *
 * @example
 * ```ts
 * estimateCost(prices, 'anthropic.claude-3-haiku-20240307-v1:0', { input: 150_000, output: 3_000 });
 * // { batch: 0.020625, onDemand: 0.04125 }
 * ```
 */
function estimateCost(
  prices: PriceBook,
  modelId: string,
  tokens: { readonly input: number; readonly output: number },
): CostEstimate {
  const price = prices.models[baseModel(modelId)];
  if (price === undefined) {
    throw new Error(
      `No price for model ${modelId} in the price book (${Object.keys(prices.models).join(', ')}).`,
    );
  }
  const onDemand =
    (tokens.input * price.onDemand.input + tokens.output * price.onDemand.output) / 1_000_000;
  return { batch: onDemand * prices.batchDiscount, onDemand };
}

export type { CostEstimate, ModelPrice, PriceBook };
export { estimateCost, loadPriceBook };
