import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { type Simulator, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchOnEndpoint } from './bench-on-endpoint.js';

describe('benchOnEndpoint against the simulator', () => {
  const work = mkdtempSync(join(tmpdir(), 'bench-on-endpoint-'));
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 1 });
  });
  afterAll(() => simulator?.close());
  const env = {};

  it('benches a chat model through the response cache in <out>/cache: a rerun asks nothing', async () => {
    const out = join(work, 'chat');
    const lines: string[] = [];
    const logger = { info: (line: string) => lines.push(line), warn() {}, debug() {} };
    const options = {
      modelId: 'sim',
      baseURLs: [simulator.url],
      env,
      benchmarks: ['gsm8k' as const, 'math' as const],
      maxProblems: 5,
      samples: 2,
      k: [1, 2],
      out,
      logger,
      progressEveryMs: 60_000,
    };
    const first = await benchOnEndpoint(options);
    expect(first.failed).toBe(0);
    expect(first.calls).toBe(2 * 5 * 2);
    expect(first.summary.benchmarks.gsm8k).toBeDefined();
    expect(readdirSync(join(out, 'cache')).length).toBeGreaterThan(0);
    // With a minute between lines, each benchmark tells its first and its last.
    expect(lines.filter((line) => / gsm8k \d+\/5/.test(line))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/ math 5\/5 /);
    const manifest = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
    expect(manifest.baseURL).toBe(simulator.url);
    const before = simulator.stats().total;
    const again = await benchOnEndpoint({ ...options, logger: undefined });
    expect(again.table).toBe(first.table);
    expect(simulator.stats().total).toBe(before);
  });

  it('asks a base model at /v1/completions in completion mode, with no cache when asked', async () => {
    const out = join(work, 'completion');
    const result = await benchOnEndpoint({
      modelId: 'sim',
      baseURLs: [simulator.url],
      env,
      mode: 'completion',
      benchmarks: ['gsm8k'],
      maxProblems: 3,
      cache: false,
      out,
    });
    expect(result.failed).toBe(0);
    expect(result.summary.mode).toBe('completion');
    expect(existsSync(join(out, 'cache'))).toBe(false);
  });

  it('refuses bad options by name before the endpoint is asked or the folder made', async () => {
    const before = simulator.stats().total;
    const base = { modelId: 'sim', baseURLs: [simulator.url], env, out: join(work, 'refused') };
    const refusal = (options: Parameters<typeof benchOnEndpoint>[0]) =>
      benchOnEndpoint(options).then(
        () => 'resolved',
        (error: unknown) => (ConfigError.isInstance(error) ? error.message : error),
      );
    expect(await refusal({ ...base, modelId: undefined as unknown as string })).toMatch(
      /^modelId: which model/,
    );
    expect(await refusal({ ...base, out: undefined as unknown as string })).toMatch(
      /^out: where do the results go/,
    );
    expect(await refusal({ ...base, benchmarks: ['gsm9k' as 'gsm8k'] })).toMatch(
      /^benchmarks: "gsm9k" is not a benchmark/,
    );
    expect(await refusal({ ...base, k: [3] })).toMatch(/^k: pass@3 needs at least 3 samples/);
    expect(await refusal({ ...base, baseURLs: ['not a url'] })).toMatch(/^baseURLs: /);
    expect(await refusal({ ...base, baseURLs: undefined, env: { OPENAI_BASE_URL: 'nope' } })).toMatch(
      /^OPENAI_BASE_URL: /,
    );
    expect(await refusal({ ...base, samples: 0, optionName: (option) => `--${option}` })).toMatch(
      /^--samples: /,
    );
    expect(simulator.stats().total).toBe(before);
    expect(existsSync(base.out)).toBe(false);
  });
});
