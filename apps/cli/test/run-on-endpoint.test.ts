// runOnEndpoint (@treesynth/providers) against the real simulator. It lives with the CLI's tests because
// the simulator's own tests depend on providers: a providers test importing the simulator is a package cycle.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, RunStore } from '@treesynth/core';
import { endpointConnector, resolveBaseURLs, runOnEndpoint } from '@treesynth/providers';
import { type Simulator, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let simulator: Simulator;
const work = mkdtempSync(join(tmpdir(), 'treesynth-run-on-endpoint-'));
const prices = join(work, 'prices.json');

beforeAll(async () => {
  simulator = await startSimulator({ seed: 0 });
  writeFileSync(prices, JSON.stringify({ 'treesynth-sim': { prompt: 1, completion: 2 } }));
});
afterAll(() => simulator.close());

const run = (out: string, more: Parameters<typeof runOnEndpoint>[0] = {}) =>
  runOnEndpoint({
    task: 'gsm8k',
    modelId: 'treesynth-sim',
    baseURLs: [simulator.url],
    env: {},
    out,
    config: { tree: { depth: 1 }, maxSamples: 20, seed: 0 },
    simulated: true,
    prices,
    ...more,
  });

describe('runOnEndpoint', () => {
  it('runs through the response cache in the run folder and writes the cost beside the usage', async () => {
    const out = join(work, 'run');
    const first = await run(out);
    expect(first.summary.status).toBe('complete');
    expect(first.summary.samples).toBe(20);
    expect(first.cost.price?.source).toBe('override');
    expect(first.cost.total).toBeGreaterThan(0);
    expect(Object.keys(first.prefixShare ?? {})).toContain('leaf');
    const usage = JSON.parse(readFileSync(join(out, 'usage.json'), 'utf8'));
    expect(usage.cost.total).toBe(first.cost.total);
    expect(readdirSync(join(out, 'cache')).length).toBeGreaterThan(0);

    // The same run again, resumed on the stored model: no chat request reaches the endpoint.
    const chats = () => simulator.stats().answered;
    const before = chats();
    const again = await runOnEndpoint({ out, resume: true, baseURLs: [simulator.url], env: {} });
    expect(again.summary.samples).toBe(20);
    expect(chats()).toBe(before);
  });

  it('a tree-only run forecasts what stage two would cost at the price; cache: false keeps no answers', async () => {
    const result = await run(join(work, 'tree'), { treeOnly: true, cache: false });
    expect(result.summary.status).toBe('tree-built');
    expect(result.forecastUSD).toBeGreaterThan(0);
    const cache = join(work, 'tree', 'cache');
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('refuses a bad price file before the folder is made, naming the file', async () => {
    const bad = join(work, 'bad-prices.json');
    writeFileSync(bad, JSON.stringify({ 'treesynth-sim': { prompt: 'free' } }));
    const out = join(work, 'never');
    await expect(run(out, { prices: bad })).rejects.toThrow(/bad-prices\.json: treesynth-sim/);
    expect(existsSync(out)).toBe(false);
  });

  it('names its options in errors, through optionName when given', async () => {
    const error = await run(join(work, 'no-model'), {
      modelId: undefined,
      optionName: (name) => `<${name}>`,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('modelId');
    await expect(
      run(join(work, 'bad-limit'), { tokensPerMinute: 5, optionName: (name) => `<${name}>` }),
    ).rejects.toThrow(/^<tokensPerMinute>: /);
  });
});

describe('endpoint sources', () => {
  it('take the base URLs given, else OPENAI_BASE_URL of env, else the fallback, each checked', () => {
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
    expect(resolveBaseURLs({ baseURLs: ['http://a/v1', 'http://b/v1'], env })).toEqual([
      'http://a/v1',
      'http://b/v1',
    ]);
    expect(resolveBaseURLs({ env }, 'http://stored/v1')).toEqual([env.OPENAI_BASE_URL]);
    expect(resolveBaseURLs({ env: {} }, 'http://stored/v1')).toEqual(['http://stored/v1']);
    expect(() => resolveBaseURLs({ baseURLs: ['ftp://x'] })).toThrow(/^baseURLs: expected an http\(s\) URL/);
    expect(() => resolveBaseURLs({ env: { OPENAI_BASE_URL: 'nope' } })).toThrow(
      /^OPENAI_BASE_URL: not a URL/,
    );
    expect(() => resolveBaseURLs({ env: {} }, 'http://host/v1?api-key=***')).toThrow(
      /^baseURLs: the run keeps its endpoint without credentials/,
    );
  });

  it('connect a resumed run to its stored model', async () => {
    const connect = endpointConnector({ env: { OPENAI_BASE_URL: simulator.url } });
    const { model, baseURL } = await connect({ provider: 'openai', modelId: 'treesynth-sim' });
    expect(model.modelId).toBe('treesynth-sim');
    expect(baseURL).toBe(simulator.url);
    expect(RunStore.exists(join(work, 'nothing'))).toBe(false);
  });
});
