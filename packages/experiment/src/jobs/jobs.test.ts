import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { balanceOnEndpoint } from './balance-on-endpoint.js';
import { compareFiles, reportFiles } from './compare-files.js';
import { formatRunAndCurate, runAndCurateJson } from './format-run.js';
import { runDemo } from './run-demo.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-jobs-'));

describe('runDemo', () => {
  it('runs, curates and exports a simulated gsm8k run; a second call resumes it with no call paid', async () => {
    const out = join(work, 'demo');
    const result = await runDemo({ out, seed: 3, depth: 1, latencyMs: 0 });
    expect(result.summary.status).toBe('complete');
    expect(result.summary.simulated).toBe(true);
    expect(result.curation?.summary.steps.map((step) => step.step)).toEqual([
      'dedup',
      'decontaminate',
      'answer',
      'verify',
    ]);
    expect(existsSync(join(out, 'export-openai', 'train.jsonl'))).toBe(true);
    // The first sample by id is a line of samples.jsonl.
    expect(readFileSync(join(out, 'samples.jsonl'), 'utf8').split('\n')).toContain(result.firstSample);
    const text = formatRunAndCurate(result, { resumeWith: 'again' });
    expect(text).toMatch(/^run complete \(SIMULATED LLM/);
    expect(text).toContain('  first sample: {"id":');
    const json = runAndCurateJson(result);
    expect(json).toMatchObject({ dir: out, status: 'complete' });
    expect(json).not.toHaveProperty('firstSample');

    const again = await runDemo({ out, seed: 3, depth: 1, latencyMs: 0 });
    // usage.json counts every call the folder has paid for: the resume added none.
    expect(again.summary.usage.total.calls).toBe(result.summary.usage.total.calls);
    expect(again.firstSample).toBe(result.firstSample);
  }, 120_000);

  it('refuses a bad option by name before starting anything', async () => {
    const error = await runDemo({ out: join(work, 'bad'), latencyMs: -1 }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).path).toBe('latencyMs');
    expect(existsSync(join(work, 'bad'))).toBe(false);
  });
});

describe('balanceOnEndpoint', () => {
  it('balances on the built-in simulator when no model is given, answering the synthesized rows', async () => {
    const data = join(work, 'questions.jsonl');
    const rows = Array.from({ length: 12 }, (_, n) => ({
      question: `Ana buys ${n + 2} pens at $3 each. Total?`,
    }));
    writeFileSync(data, rows.map((row) => JSON.stringify(row)).join('\n'));
    const out = join(work, 'balanced');
    const result = await balanceOnEndpoint({
      data,
      field: 'question',
      task: 'gsm8k',
      depth: 1,
      out,
      curation: { answer: {} },
    });
    expect(result.simulated).toBe(true);
    expect(result.totals.synthesized).toBeGreaterThan(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const synthesized = readFileSync(join(out, 'balanced.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((row) => (row.treesynth as { origin?: string } | undefined)?.origin === 'synthesized');
    expect(synthesized.length).toBe(result.totals.synthesized);
    // --answer: every synthesized row carries its answer.
    for (const row of synthesized) expect(typeof row.answer).toBe('string');
  }, 120_000);
});

describe('compareFiles and reportFiles', () => {
  const varied = join(work, 'varied.jsonl');
  const same = join(work, 'same.jsonl');
  const lines = (texts: string[]) => texts.map((question) => JSON.stringify({ question })).join('\n');
  writeFileSync(
    varied,
    lines(['How far does a train go in 3 hours?', 'What is 15% of 80?', 'Name a prime above 90.']),
  );
  writeFileSync(same, lines(['What is 2 + 2?', 'What is 2 + 2?', 'What is 2 + 2?']));

  it('compares files named by path with the embedder of a spec, or with none', async () => {
    const comparison = await compareFiles({ sources: [`varied=${varied}`, same], embedder: 'hashing' });
    expect(comparison.embedder).toMatch(/hashing/);
    expect(comparison.datasets.map((dataset) => dataset.name)).toEqual(['varied', 'same']);
    const textOnly = await compareFiles({ sources: [varied], embedder: 'none' });
    expect(textOnly.embedder).toBeNull();
  });

  it('writes the report where asked, and refuses a cache folder that is a file by its option', async () => {
    const out = join(work, 'page.html');
    const report = await reportFiles({ sources: [varied, same], title: 'two sets', out, maxPoints: 6 });
    expect(report.file).toBe(out);
    expect(report.datasets).toHaveLength(2);
    expect(readFileSync(out, 'utf8')).toContain('two sets');
    const error = await compareFiles({ sources: [varied], cacheDir: varied }).catch(
      (caught: unknown) => caught,
    );
    expect(ConfigError.isInstance(error) && error.path).toBe('cacheDir');
  });
});
