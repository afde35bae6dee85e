import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonl } from '@treesynth/core/internal';
import { type BenchRecord, benchRecordSchema, runBench } from '@treesynth/eval';
import { createCompletionModelStack, createModelStack } from '@treesynth/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from './start-simulator.js';

const SEED = 3;
const ACCURACY = 0.6;
const PROBLEMS = Number(process.env.BENCH_SIM_PROBLEMS ?? 8);
const BENCHMARKS = ['gsm8k', 'math', 'humaneval', 'mbpp'] as const;

/** The styles of docs/simulator.md, in draw order: how many, and which carry `#### n` (GSM8K strict). */
const STYLE_COUNTS = {
  chat: { gsm8k: 4, math: 3, humaneval: 2, mbpp: 2 },
  completion: { gsm8k: 2, math: 1, humaneval: 1, mbpp: 1 },
} as const;

/** docs/simulator.md's rule, recomputed here: is sample `sample` of `id` right, and in which style. */
function expectedDraw(id: string, sample: number) {
  const hex = createHash('sha256').update(`treesynth-simulator-bench:${SEED}:${id}:${sample}`).digest('hex');
  return {
    correct: Number.parseInt(hex.slice(0, 8), 16) / 2 ** 32 < ACCURACY,
    style: Number.parseInt(hex.slice(8, 16), 16),
  };
}

async function records(dir: string, benchmark: string): Promise<BenchRecord[]> {
  const rows: BenchRecord[] = [];
  for await (const row of readJsonl(join(dir, `${benchmark}.jsonl`), benchRecordSchema)) rows.push(row);
  return rows;
}

describe('runBench against the simulator over HTTP', () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: SEED, benchAccuracy: ACCURACY });
  });
  afterAll(() => simulator?.close());

  it.each(['chat', 'completion'] as const)(
    'scores exactly the verdicts the documented rule gives (%s)',
    async (mode) => {
      const out = mkdtempSync(join(tmpdir(), `bench-sim-${mode}-`));
      const stack = { modelId: 'sim', baseURLs: [simulator.url], cacheDir: join(out, 'cache') };
      const model =
        mode === 'chat'
          ? { model: await createModelStack(stack) }
          : { completionModel: await createCompletionModelStack(stack) };
      const result = await runBench({ ...model, mode, out, maxProblems: PROBLEMS, concurrency: 8 });
      expect(result.failed, result.firstError).toBe(0);
      expect(result.summary.simulated).toBe(true);
      for (const benchmark of BENCHMARKS) {
        const figures = result.summary.benchmarks[benchmark]!;
        expect(figures.problems).toBe(PROBLEMS);
        const rows = await records(out, benchmark);
        const expected: Record<string, number> = {};
        for (const row of rows) {
          const draw = expectedDraw(row.id, 0);
          const verdicts =
            benchmark === 'gsm8k'
              ? {
                  flexible: draw.correct,
                  strict: draw.correct && draw.style % STYLE_COUNTS[mode].gsm8k === 0,
                }
              : { [figures.metrics[0]!]: draw.correct };
          expect(row.verdicts[0], `${benchmark} ${row.id}: ${row.outputs[0]}`).toEqual(verdicts);
          for (const [metric, verdict] of Object.entries(verdicts))
            expected[metric] = (expected[metric] ?? 0) + (verdict ? 1 / PROBLEMS : 0);
        }
        for (const [metric, score] of Object.entries(expected))
          expect(figures.scores[metric]?.['pass@1'], `${benchmark} ${metric}`).toBeCloseTo(score, 12);
      }
    },
    60_000,
  );

  it('draws every sample on its own and reports pass@k over them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-sim-samples-'));
    const model = await createModelStack({ modelId: 'sim', baseURLs: [simulator.url] });
    const result = await runBench({
      model,
      out,
      benchmarks: ['gsm8k'],
      maxProblems: 6,
      samples: 4,
      k: [1, 4],
    });
    const rows = await records(out, 'gsm8k');
    let pass1 = 0;
    let pass4 = 0;
    for (const row of rows) {
      const right = [0, 1, 2, 3].filter((sample) => expectedDraw(row.id, sample).correct).length;
      expect(row.verdicts.filter((verdict) => verdict.flexible).length, row.id).toBe(right);
      pass1 += right / 4 / rows.length;
      pass4 += (right > 0 ? 1 : 0) / rows.length;
    }
    expect(result.summary.benchmarks.gsm8k?.scores.flexible?.['pass@1']).toBeCloseTo(pass1, 12);
    expect(result.summary.benchmarks.gsm8k?.scores.flexible?.['pass@4']).toBeCloseTo(pass4, 12);
  });

  it('serves /v1/completions: stop sequences cut answers, other prompts get a plain reply, bad bodies a 400', async () => {
    const post = async (body: unknown) => {
      const response = await fetch(`${simulator.url}/completions`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as { choices?: { text: string }[] } };
    };
    const { loadBenchmarkSet } = await import('@treesynth/eval');
    const [question] = await loadBenchmarkSet('gsm8k-test');
    const prompt = `Question: ${question!.question}\nAnswer:`;
    const whole = (await post({ model: 'm', prompt })).json.choices![0]!.text;
    expect(whole).toContain('\n\nQuestion:'); // a base model goes on with the next block...
    const cut = (await post({ model: 'm', prompt, stop: ['\n\nQuestion:'] })).json.choices![0]!.text;
    expect(cut).toBe(whole.slice(0, whole.indexOf('\n\nQuestion:'))); // ...which the stop cuts
    const before = simulator.stats();
    const plain = await post({ model: 'm', prompt: 'Once upon a time' });
    expect(plain.json.choices![0]!.text).toMatch(/simulated/);
    expect((await post({ model: 'm' })).status).toBe(400);
    const after = simulator.stats();
    expect(after.byStage.other - before.byStage.other).toBe(1);
    expect(after.invalid - before.invalid).toBe(1);
  });
});
