import { parseOptions, pathUnder } from '@treesynth/core/internal';
import { z } from 'zod';

/** Prices of one model in USD per 1M tokens. */
export const modelPriceSchema = z
  .object({
    /** Prompt tokens not served from the endpoint's prefix cache. */
    prompt: z.number().nonnegative(),
    /** Prompt tokens served from the prefix cache. Default: the prompt price. */
    cachedPrompt: z.number().nonnegative().optional(),
    completion: z.number().nonnegative(),
  })
  .strict();

export type ModelPrice = z.infer<typeof modelPriceSchema>;

/**
 * A user's price file: `{ "<model id>": { "prompt": 0.15, "cachedPrompt": 0.075, "completion": 0.6 } }`,
 * USD per 1M tokens. Its entries override the built-in table's.
 */
export const priceFileSchema = z.record(z.string().min(1), modelPriceSchema);

export type PriceTable = Record<string, ModelPrice>;

/** When the built-in prices were copied from the providers' price pages. */
export const PRICE_TABLE_DATE = '2025-10';

/**
 * List prices (standard tier, no batch discount) of common models in USD per 1M tokens, as of
 * `PRICE_TABLE_DATE` (2025-10). Prices change: users override or extend this table with a price file
 * (`parsePriceFile`, the CLI's `--prices FILE`). deepseek-chat is DeepSeek-V3.2's price from 2025-09-29
 * (before it: 0.27 / 0.07 / 1.10).
 */
export const BUILTIN_PRICES: Readonly<PriceTable> = Object.freeze({
  'gpt-4o': { prompt: 2.5, cachedPrompt: 1.25, completion: 10 },
  'gpt-4o-mini': { prompt: 0.15, cachedPrompt: 0.075, completion: 0.6 },
  'gpt-4.1': { prompt: 2, cachedPrompt: 0.5, completion: 8 },
  'gpt-4.1-mini': { prompt: 0.4, cachedPrompt: 0.1, completion: 1.6 },
  'gpt-4.1-nano': { prompt: 0.1, cachedPrompt: 0.025, completion: 0.4 },
  'o3-mini': { prompt: 1.1, cachedPrompt: 0.55, completion: 4.4 },
  'deepseek-chat': { prompt: 0.28, cachedPrompt: 0.028, completion: 0.42 },
});

/** Check a parsed price file; a `ConfigError` names the file and the field that is wrong. */
export function parsePriceFile(value: unknown, file = 'prices'): PriceTable {
  return parseOptions(priceFileSchema, value, pathUnder(file, ': '));
}

/** A price found for a model id: the table key it matched and whether it came from the overrides. */
export interface PriceMatch {
  key: string;
  price: ModelPrice;
  source: 'override' | 'built-in';
}

/** A dated snapshot suffix: `-2024-07-18` or `-0613`. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{4})$/;

/**
 * The price of a model id: the id as given, then lower-cased, then without a routing prefix
 * (`openai/gpt-4o-mini` on OpenRouter), then without a dated snapshot suffix (`gpt-4o-mini-2024-07-18`).
 * The overrides are searched first. `undefined` when no entry matches.
 */
export function findPrice(modelId: string, overrides: PriceTable = {}): PriceMatch | undefined {
  const lower = modelId.trim().toLowerCase();
  const unprefixed = lower.slice(lower.lastIndexOf('/') + 1);
  const candidates = [...new Set([modelId, lower, unprefixed, unprefixed.replace(SNAPSHOT_SUFFIX, '')])];
  for (const [table, source] of [
    [overrides, 'override'],
    [BUILTIN_PRICES, 'built-in'],
  ] as const) {
    for (const key of candidates) {
      const price = Object.hasOwn(table, key) ? table[key] : undefined;
      if (price) return { key, price, source };
    }
  }
  return undefined;
}
