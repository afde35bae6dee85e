import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSamples, runCli } from './cli-harness.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-cli-'));
let simulator: Awaited<ReturnType<typeof startSimulator>>;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 1 });
});
afterAll(async () => {
  await simulator?.close();
});

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

function expectOneLineError(result: { code: number | null; stderr: string }, code: number, pattern: RegExp) {
  expect(result.code).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^treesynth: /);
  expect(lines[0]).toMatch(pattern);
}

describe('treesynth demo', () => {
  it('makes at least 500 samples from a depth-3 tree, each with provenance, labelled simulated', async () => {
    const out = join(work, 'demo');
    const result = await runCli(['demo', '--out', out, '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.simulated).toBe(true);
    expect(summary.status).toBe('complete');
    expect(summary.maxDepthReached).toBe(3);
    const samples = readSamples(out);
    expect(samples.length).toBeGreaterThanOrEqual(500);
    expect(samples.length).toBe(summary.samples);
    const tree = JSON.parse(readFileSync(join(out, 'tree.json'), 'utf8'));
    const leaves = new Map<string, { steps: unknown[] }>(
      tree.nodes
        .filter((node: { status: string }) => node.status === 'leaf')
        .map((node: { id: string }) => [node.id, node]),
    );
    for (const sample of samples) {
      expect(typeof sample.question).toBe('string');
      expect(leaves.has(sample.leaf_id as string)).toBe(true);
      expect((sample.path as unknown[]).length).toBe(leaves.get(sample.leaf_id as string)!.steps.length);
      expect(sample.call).toMatchObject({ simulated: true });
    }
    const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(manifest.simulated).toBe(true);
    const paidBefore = JSON.parse(readFileSync(join(out, 'usage.json'), 'utf8')).total.calls;
    expect(paidBefore).toBeGreaterThan(0);
    // Then curated (dedup, decontaminate, answer, verify) and exported in openai format.
    expect(summary.curation.steps.map((step: { step: string }) => step.step)).toEqual([
      'dedup',
      'decontaminate',
      'answer',
      'verify',
    ]);
    const curated = readFileSync(join(out, 'curated.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(curated.length).toBe(summary.curation.steps.at(-1).rowsOut);
    expect(curated.length).toBeGreaterThan(0);
    expect(curated.length).toBeLessThan(samples.length);
    expect(summary.export.out).toBe(join(out, 'export-openai'));
    const exported = readFileSync(join(out, 'export-openai', 'train.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(exported.length).toBe(curated.length);
    for (const line of exported) {
      const { messages } = JSON.parse(line) as { messages: { role: string; content: string }[] };
      expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(messages[1]!.content).toMatch(/#### -?\d+$/);
    }
    // Human output says it is simulated, and where the export is.
    const again = await runCli(['demo', '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/SIMULATED/);
    // The run's usage counts every call it paid for: a second demo adds none.
    expect(again.stdout).toMatch(/calls: \d+ paid/);
    expect(JSON.parse(readFileSync(join(out, 'usage.json'), 'utf8')).total.calls).toBe(paidBefore);
    expect(again.stdout).toContain(
      `export (openai): ${join(out, 'export-openai')} (train ${curated.length} rows)`,
    );
    for (const step of ['dedup', 'decontaminate', 'answer', 'verify'])
      expect(again.stdout).toMatch(new RegExp(`\\n  ${step} +\\d+ → \\d+.*, 0 calls paid`));
  }, 120_000);
});

describe('bad input: one clear line, non-zero exit, nothing left behind', () => {
  it('unknown task', async () => {
    const out = join(work, 'unknown-task');
    const result = await runCli([
      'run',
      '--task',
      'nope',
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--out',
      out,
    ]);
    expectOneLineError(result, 2, /--task: unknown task "nope"/);
    expect(existsSync(out)).toBe(false);
  });

  it('malformed task file: names the file and the field', async () => {
    const file = join(work, 'bad-task.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 'x', description: 'y', fields: [{ name: 'Bad Name', description: 'z' }] }),
    );
    const out = join(work, 'bad-task-run');
    const result = await runCli([
      'run',
      '--task',
      file,
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--out',
      out,
    ]);
    expectOneLineError(result, 2, /bad-task\.json: fields\[0\]\.name/);
    expect(existsSync(out)).toBe(false);

    writeFileSync(file, '{"name": "x",');
    const notJson = await runCli([
      'run',
      '--task',
      file,
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--out',
      out,
    ]);
    expectOneLineError(notJson, 2, /bad-task\.json: not valid JSON/);
  });

  it('missing key for a remote endpoint', async () => {
    const out = join(work, 'no-key');
    const result = await runCli([
      'run',
      '--task',
      'gsm8k',
      '--model',
      'gpt-4o-mini',
      '--base-url',
      'https://api.example.com/v1',
      '--out',
      out,
    ]);
    expectOneLineError(result, 2, /OPENAI_API_KEY/);
    expect(existsSync(out)).toBe(false);
  });

  it('unreachable endpoint', async () => {
    const out = join(work, 'unreachable');
    const result = await runCli([
      'run',
      '--task',
      'gsm8k',
      '--model',
      'm',
      '--base-url',
      'http://127.0.0.1:9/v1',
      '--out',
      out,
    ]);
    expectOneLineError(result, 1, /cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
    expect(existsSync(out)).toBe(false);
  });

  it('unknown option and bad number name the flag', async () => {
    expectOneLineError(await runCli(['run', '--task', 'gsm8k', '--depht', '2']), 2, /--depht/);
    expectOneLineError(
      await runCli(['run', '--task', 'gsm8k', '--model', 'm', '--depth', 'two']),
      2,
      /--depth: expected a whole number/,
    );
  });

  it('an existing run is never overwritten or forked; resume refuses a changed config', async () => {
    const out = join(work, 'existing');
    const base = [
      'run',
      '--task',
      'gsm8k',
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--depth',
      '1',
      '--quiet',
      '--out',
      out,
    ];
    expect((await runCli(base)).code).toBe(0);
    const before = readFileSync(join(out, 'samples.jsonl'), 'utf8');
    expectOneLineError(await runCli(base), 2, /holds a run already; pass --resume/);
    expectOneLineError(
      await runCli([...base, '--resume', '--depth', '2']),
      2,
      /tree\.depth was 1 in this run and is 2 now/,
    );
    expect(readFileSync(join(out, 'samples.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(work).filter((name) => name.startsWith('existing'))).toEqual(['existing']);
  }, 60_000);
});

describe('treesynth tree, then run --resume', () => {
  it('builds the tree only, reports the cost, and a resume with a budget finishes it', async () => {
    const out = join(work, 'tree-first');
    const tree = await runCli([
      'tree',
      '--task',
      'math',
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--depth',
      '2',
      '--quiet',
      '--json',
      '--out',
      out,
    ]);
    expect(tree.code, tree.stderr).toBe(0);
    const summary = JSON.parse(tree.stdout);
    expect(summary.status).toBe('tree-built');
    expect(summary.estimate.leafCalls).toBeGreaterThan(7);
    expect(readSamples(out)).toHaveLength(0);
    const run = await runCli([
      'run',
      '--resume',
      '--out',
      out,
      '--max-samples',
      '50',
      '--quiet',
      '--json',
      '--base-url',
      simulator.url,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(readSamples(out)).toHaveLength(50);
    expect(JSON.parse(run.stdout).budget.message).toMatch(/spreads 50 evenly/);
    // MATH's first level is fixed to the seven subjects.
    const nodes = JSON.parse(readFileSync(join(out, 'tree.json'), 'utf8')).nodes;
    expect(nodes.find((node: { id: string }) => node.id === 'root').split.values).toHaveLength(7);
  }, 60_000);
});

describe('replaceable stages from the config file', () => {
  it('runs a user leaf stage module, fingerprints it, and names a broken one', async () => {
    const folder = join(work, 'custom-stage');
    mkdirSync(folder, { recursive: true });
    const module = join(folder, 'template-leaf.mjs');
    writeFileSync(
      module,
      `export default {
  id: 'template-leaf',
  async run(input) {
    const where = input.path.map((step) => step.value).join(' / ');
    return { samples: Array.from({ length: input.count }, (_, index) => ({ question: 'template ' + index + ' in ' + where })) };
  },
};
`,
    );
    const config = join(folder, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        tree: { depth: 1 },
        synthesis: { samplesPerCall: 3 },
        stages: { leaf: './template-leaf.mjs' },
      }),
    );
    const out = join(folder, 'run');
    const before = simulator.stats().byStage.leaf;
    const result = await runCli([
      'run',
      '--task',
      'gsm8k',
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--config',
      config,
      '--quiet',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(simulator.stats().byStage.leaf).toBe(before);
    const samples = readSamples(out);
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) expect(sample.question).toMatch(/^template \d in /);

    writeFileSync(module, readFileSync(module, 'utf8').replace("'template '", "'changed '"));
    expectOneLineError(
      await runCli(['run', '--resume', '--out', out, '--base-url', simulator.url]),
      2,
      /stages\.leaf was/,
    );

    writeFileSync(join(folder, 'broken.mjs'), 'export const notAStage = 1;\n');
    writeFileSync(config, JSON.stringify({ stages: { criterion: './broken.mjs' } }));
    const broken = await runCli([
      'run',
      '--task',
      'gsm8k',
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--config',
      config,
      '--out',
      join(folder, 'broken-run'),
    ]);
    expectOneLineError(broken, 2, /stages\.criterion: .*broken\.mjs must export/);
    expect(existsSync(join(folder, 'broken-run'))).toBe(false);
  }, 60_000);
});

describe('endpoints, limits and prices', () => {
  it('spreads calls over several --base-url servers of one model and gives the single-server dataset', async () => {
    const second = await startSimulator({ seed: 1 });
    try {
      const common = ['run', '--task', 'tom', '--model', 'm', '--depth', '1', '--seed', '2', '--quiet'];
      const single = join(work, 'one-endpoint');
      expect((await runCli([...common, '--base-url', simulator.url, '--out', single])).code).toBe(0);
      const firstBefore = simulator.stats().total;
      const balanced = join(work, 'two-endpoints');
      const result = await runCli([
        ...common,
        '--base-url',
        simulator.url,
        '--base-url',
        second.url,
        '--concurrency',
        '8',
        '--out',
        balanced,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(simulator.stats().total - firstBefore).toBeGreaterThan(0);
      expect(second.stats().total).toBeGreaterThan(0);
      // Lines are in completion order; the dataset is the same set of samples.
      const byId = (dir: string) => readSamples(dir).sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(balanced)).toEqual(byId(single));
    } finally {
      await second.close();
    }
  }, 60_000);

  it('prices usage from a price file, writes it to usage.json, and reports the prompt prefix share', async () => {
    const prices = join(work, 'prices.json');
    writeFileSync(prices, JSON.stringify({ m: { prompt: 1, cachedPrompt: 0.5, completion: 2 } }));
    const out = join(work, 'priced');
    const result = await runCli([
      'run',
      '--task',
      'gsm8k',
      '--model',
      'm',
      '--base-url',
      simulator.url,
      '--depth',
      '1',
      '--prices',
      prices,
      '--rpm',
      '6000',
      '--tpm',
      '10000000',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /cost if a real model had answered \(simulated: nothing was paid\): \$\d+\.\d{4} \(.*leaf \$/,
    );
    expect(result.stdout).toMatch(/prompt prefix shared with the previous call of the stage: .*leaf \d+%/);
    const usage = JSON.parse(readFileSync(join(out, 'usage.json'), 'utf8'));
    const expected =
      (usage.total.promptTokens - usage.total.cachedPromptTokens) * 1e-6 +
      usage.total.cachedPromptTokens * 0.5e-6 +
      usage.total.completionTokens * 2e-6;
    expect(usage.cost.total).toBeCloseTo(expected, 9);
    expect(usage.prefixShare.leaf).toBeGreaterThan(0.5);

    writeFileSync(prices, JSON.stringify({ m: { prompt: 'cheap' } }));
    expectOneLineError(
      await runCli([
        'run',
        '--task',
        'gsm8k',
        '--model',
        'm',
        '--base-url',
        simulator.url,
        '--prices',
        prices,
        '--out',
        join(work, 'bad-prices'),
      ]),
      2,
      /prices\.json: m\.prompt/,
    );
    expectOneLineError(
      await runCli(['run', '--task', 'gsm8k', '--model', 'm', '--rpm', '0']),
      2,
      /--rpm: expected a whole number from 1 to 10000000, got "0"/,
    );
  }, 60_000);
});

describe('secrets', () => {
  it('the API key never reaches the run folder, stdout or stderr', async () => {
    const key = 'sk-test-DO-NOT-LEAK-4242';
    const out = join(work, 'secret');
    mkdirSync(work, { recursive: true });
    const result = await runCli(
      ['run', '--task', 'code', '--model', 'm', '--base-url', simulator.url, '--depth', '1', '--out', out],
      { OPENAI_API_KEY: key },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(key);
    for (const file of allFiles(out)) expect(readFileSync(file, 'utf8'), file).not.toContain(key);
  }, 60_000);
});
