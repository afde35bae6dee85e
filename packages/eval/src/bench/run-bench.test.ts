import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatCallOptions, ChatModel } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { benchRecordSchema, benchSummarySchema } from './bench-files.js';
import type { BenchmarkDefinition } from './benchmark.js';
import { runBench } from './run-bench.js';

/** A test-only benchmark: problem `p<i>` is answered right when the model says `answer <i>`. */
const toyBenchmark: BenchmarkDefinition<{ id: string; index: number }> = {
  name: 'gsm8k',
  metrics: ['flexible', 'strict'],
  defaultShots: { chat: 0, completion: 2 },
  async problems() {
    return Array.from({ length: 10 }, (_, index) => ({ id: `p${index}`, index }));
  },
  prompt: (problem, { mode }) =>
    mode === 'chat'
      ? { mode, messages: [{ role: 'user', content: `question ${problem.index}` }] }
      : { mode, prompt: `question ${problem.index}\nanswer:`, stop: ['\n'] },
  async score(problem, output) {
    const right = output === `answer ${problem.index}`;
    return { extracted: output, verdicts: { flexible: right, strict: right && problem.index % 2 === 0 } };
  },
};

/** A chat model that answers right when (question + seed) % 3 != 0; it counts its calls. */
function toyModel(): ChatModel & { calls: ChatCallOptions[] } {
  const calls: ChatCallOptions[] = [];
  return {
    specificationVersion: 'v1',
    provider: 'toy',
    modelId: 'toy-1',
    calls,
    async doGenerate(options) {
      calls.push(options);
      const index = Number(/question (\d+)/.exec(options.messages[0]!.content)![1]);
      const right = (index + (options.seed ?? 0)) % 3 !== 0;
      return { text: `answer ${right ? index : index + 1}`, usage: { promptTokens: 1, completionTokens: 1 } };
    },
  };
}

describe('runBench', () => {
  it('scores every problem, writes the folder, and a rerun asks nothing twice', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-'));
    const model = toyModel();
    const options = { model, out, benchmarks: ['gsm8k' as const], definitions: { gsm8k: toyBenchmark } };
    const result = await runBench({ ...options, maxProblems: 6 });
    // Right unless index % 3 == 0: p1 p2 p4 p5 of p0..p5; strict also needs an even index: p2 p4.
    expect(result.summary.benchmarks.gsm8k?.scores).toEqual({
      flexible: { 'pass@1': 4 / 6 },
      strict: { 'pass@1': 2 / 6 },
    });
    expect(model.calls).toHaveLength(6);
    expect(result.summary.simulated).toBe(false);
    expect(model.calls.every((call) => call.temperature === 0 && call.seed === 0)).toBe(true);
    expect(result.table).toContain('| toy-1 | 33.3 / 66.7 | 66.7 |');
    const summary = benchSummarySchema.parse(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    expect(summary.average['pass@1']).toBeCloseTo(4 / 6);

    // A torn last line (a crash mid-write) is dropped; its problem is asked again, the rest are not.
    const file = join(out, 'gsm8k.jsonl');
    appendFileSync(file, '{"id":"p6","prompt":"que');
    const again = await runBench({ ...options, maxProblems: 8 });
    expect(model.calls.map((call) => call.messages[0]!.content).slice(6)).toEqual([
      'question 6',
      'question 7',
    ]);
    const ids = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => benchRecordSchema.parse(JSON.parse(line)).id);
    expect(ids.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    expect(again.summary.benchmarks.gsm8k?.problems).toBe(8);
  });

  it('reports pass@k with the unbiased estimator over sampled outputs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-'));
    const model = toyModel();
    const result = await runBench({
      model,
      out,
      benchmarks: ['gsm8k'],
      definitions: { gsm8k: toyBenchmark },
      maxProblems: 3,
      samples: 3,
      k: [1, 2],
    });
    // Seeds 0, 1, 2: exactly one of the three samples is wrong for every problem (c = 2 of n = 3).
    expect(result.summary.benchmarks.gsm8k?.scores.flexible).toEqual({ 'pass@1': 2 / 3, 'pass@2': 1 });
    expect(new Set(model.calls.map((call) => call.temperature))).toEqual(new Set([0.8]));
  });

  it('refuses a folder made with other settings, in one line naming the setting', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-'));
    const options = {
      out,
      benchmarks: ['gsm8k' as const],
      definitions: { gsm8k: toyBenchmark },
      maxProblems: 1,
    };
    await runBench({ ...options, model: toyModel() });
    await expect(runBench({ ...options, model: toyModel(), maxTokens: 64 })).rejects.toThrow(
      /^out: .* holds results made with maxTokens 1024 \(now 64\)/,
    );
    await expect(runBench({ ...options, model: toyModel(), k: [2] })).rejects.toThrow(/^k: pass@2 needs/);
  });
});
