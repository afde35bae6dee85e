import { ConfigError } from '@treesynth/core';
import { UsageTracker } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { estimateCost, tokenCost } from './estimate-cost.js';
import { BUILTIN_PRICES, findPrice, parsePriceFile } from './price-table.js';

/** A run: 1M leaf prompt tokens (200k of them prefix-cached) and 500k completion; a small tree stage. */
function usageReport() {
  const tracker = new UsageTracker();
  tracker.add(
    'leaf',
    { promptTokens: 600_000, completionTokens: 300_000, cachedPromptTokens: 200_000 },
    false,
  );
  tracker.add('leaf', { promptTokens: 400_000, completionTokens: 200_000 }, false);
  tracker.add('pivots', { promptTokens: 10_000, completionTokens: 5_000 }, false);
  // Answered by the response cache: free.
  tracker.add('leaf', { promptTokens: 9_999_999, completionTokens: 9_999_999 }, true);
  return tracker.report();
}

describe('estimateCost', () => {
  it('prices each stage and the total, cached prompt tokens at the cached price', () => {
    const estimate = estimateCost(usageReport(), 'gpt-4o-mini');
    // 800k x 0.15 + 200k x 0.075 + 500k x 0.6 per 1M = 0.12 + 0.015 + 0.3.
    expect(estimate.stages.leaf).toBeCloseTo(0.435, 10);
    // 10k x 0.15 + 5k x 0.6 per 1M.
    expect(estimate.stages.pivots).toBeCloseTo(0.0045, 10);
    expect(estimate.total).toBeCloseTo(0.4395, 10);
    expect(estimate.price).toEqual({
      key: 'gpt-4o-mini',
      price: BUILTIN_PRICES['gpt-4o-mini'],
      source: 'built-in',
    });
    expect(estimate.warnings).toEqual([]);
  });

  it('gives no figures and a warning, never an exception, for a model without a price', () => {
    const estimate = estimateCost(usageReport(), 'my-finetune');
    expect(estimate.total).toBeUndefined();
    expect(estimate.stages).toEqual({ leaf: undefined, pivots: undefined });
    expect(estimate.price).toBeUndefined();
    expect(estimate.warnings).toHaveLength(1);
    expect(estimate.warnings[0]).toContain('no price for model "my-finetune"');
  });

  it('uses the overrides first, and the prompt price for cached tokens when no cached price is given', () => {
    const overrides = parsePriceFile({
      'gpt-4o-mini': { prompt: 1, completion: 2 },
      'my-finetune': { prompt: 3, cachedPrompt: 0, completion: 4 },
    });
    const mini = estimateCost(usageReport(), 'gpt-4o-mini', overrides);
    expect(mini.price?.source).toBe('override');
    // 1 010k prompt x 1 + 505k completion x 2.
    expect(mini.total).toBeCloseTo(2.02, 10);
    const finetune = estimateCost(usageReport(), 'my-finetune', overrides);
    // 810k uncached x 3 + 200k cached x 0 + 505k x 4.
    expect(finetune.total).toBeCloseTo(2.43 + 2.02, 10);
  });

  it('prices an empty run at zero', () => {
    const estimate = estimateCost(new UsageTracker().report(), 'gpt-4.1');
    expect(estimate).toMatchObject({ total: 0, stages: {}, warnings: [] });
  });

  it('never counts more cached tokens than prompt tokens', () => {
    const price = { prompt: 1, cachedPrompt: 0, completion: 0 };
    expect(
      tokenCost({ promptTokens: 1_000_000, cachedPromptTokens: 5_000_000, completionTokens: 0 }, price),
    ).toBe(0);
    expect(tokenCost({ promptTokens: 1_000_000, cachedPromptTokens: -5, completionTokens: 0 }, price)).toBe(
      1,
    );
  });
});

describe('findPrice', () => {
  it.each([
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai/gpt-4.1-nano', 'gpt-4.1-nano'],
    ['GPT-4.1-Mini', 'gpt-4.1-mini'],
    ['deepseek/deepseek-chat', 'deepseek-chat'],
    ['o3-mini', 'o3-mini'],
  ])('finds %s as %s', (modelId, key) => {
    expect(findPrice(modelId)?.key).toBe(key);
  });

  it.each(['gpt-4o-realtime-preview', 'gpt-4', 'o3', 'constructor', 'simulated', ''])(
    'finds nothing for %j',
    (modelId) => {
      expect(findPrice(modelId)).toBeUndefined();
    },
  );

  it('has every model the table promises, each with three prices', () => {
    expect(Object.keys(BUILTIN_PRICES).sort()).toEqual(
      ['deepseek-chat', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'o3-mini'].sort(),
    );
    for (const price of Object.values(BUILTIN_PRICES)) {
      expect(price.prompt).toBeGreaterThan(0);
      expect(price.cachedPrompt).toBeLessThan(price.prompt);
      expect(price.completion).toBeGreaterThan(price.prompt);
    }
  });
});

describe('parsePriceFile', () => {
  it('accepts a price file', () => {
    const table = { 'gpt-x': { prompt: 1, cachedPrompt: 0.5, completion: 2 } };
    expect(parsePriceFile(table)).toEqual(table);
  });

  it.each([
    [{ 'gpt-x': { prompt: -1, completion: 2 } }, 'prices.json: gpt-x.prompt'],
    [{ 'gpt-x': { prompt: 1 } }, 'prices.json: gpt-x.completion'],
    [{ 'gpt-x': { prompt: '1', completion: 2 } }, 'prices.json: gpt-x.prompt'],
    [{ 'gpt-x': { prompt: 1, completion: 2, input: 3 } }, 'prices.json: gpt-x'],
    [[1, 2], 'prices.json'],
  ])('rejects %j naming %s', (value, path) => {
    let error: unknown;
    try {
      parsePriceFile(value, 'prices.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });
});
