import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../packages/eval/src/report/chromium.fixture.js';
import { readSamples, runCli } from './cli-harness.js';
import { wordProblemLines } from './word-problems.fixture.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-report-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const INJECTED = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const SCREENSHOT_COPY = '/tmp/treesynth-cli-report-screenshot.png';

/** Writes JSONL lines (strings are written as they are, so a test can put in broken JSON). */
function writeLines(name: string, lines: (string | Record<string, unknown>)[]): string {
  const file = join(work, name);
  writeFileSync(
    file,
    `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`,
  );
  return file;
}

interface EvalJson {
  embedder: string | null;
  datasets: {
    name: string;
    kind: string;
    samples: number;
    rows: number;
    metrics: {
      meanCosine?: number;
      vendi?: number;
      duplicates?: { exactDuplicateRate: number };
      leafCoverage?: { leaves: number; coveredLeaves: number; normalizedEntropy: number };
      distinctN?: { order: number; ratio: number }[];
    };
  }[];
  table: { columns: string[]; rows: { name: string; values: (number | null)[] }[] };
}

let run: string;
beforeAll(async () => {
  run = join(work, 'run');
  const result = await runCli(['demo', '--out', run, '--depth', '2', '--quiet']);
  expect(result.code, result.stderr).toBe(0);
}, 120_000);

describe('treesynth eval diversity', () => {
  it('scores known cases exactly and reports bad rows by line', async () => {
    const same = writeLines('same.jsonl', [
      { question: 'How many apples are left?' },
      { question: 'How many apples are left?' },
      '{"question": "broken',
      { question: 'How many apples are left?' },
      { prompt: 'no question field here' },
      { question: 'How many apples are left?' },
    ]);
    const varied = writeLines('varied.jsonl', [
      { question: 'A train leaves at noon travelling 60 miles per hour.' },
      { question: 'Sara buys three notebooks for two dollars each.' },
      { question: 'The garden is nine metres long and four wide.' },
      { question: 'Tom reads twelve pages every evening for a week.' },
    ]);
    const result = await runCli(['eval', 'diversity', `same=${same}`, varied, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      '2 bad rows left out (line 3: not valid JSON; line 5: no "question" field)',
    );
    const output = JSON.parse(result.stdout) as EvalJson;
    expect(output.embedder).toMatch(/^hashing/);
    const [first, second] = output.datasets;
    expect(first!.name).toBe('same');
    expect(second!.name).toBe('varied');
    expect(first!.samples).toBe(4);
    // Four identical texts: every pair has cosine 1, one effective sample, 3 of 4 are duplicates.
    expect(first!.metrics.meanCosine).toBeCloseTo(1, 6);
    expect(first!.metrics.vendi).toBeCloseTo(1, 6);
    expect(first!.metrics.duplicates!.exactDuplicateRate).toBeCloseTo(0.75, 12);
    expect(second!.metrics.duplicates!.exactDuplicateRate).toBe(0);
    expect(second!.metrics.meanCosine!).toBeLessThan(0.5);
    expect(second!.metrics.vendi!).toBeGreaterThan(2);
    // distinct-1 of the identical texts: 5 distinct words over 4 × 5 tokens.
    expect(first!.metrics.distinctN!.find((entry) => entry.order === 1)!.ratio).toBeCloseTo(5 / 20, 12);
    expect(output.table.columns).toEqual(['same', 'varied']);
  });

  it('adds the leaf metrics for a run and prints a table', async () => {
    const result = await runCli(['eval', 'diversity', run, '--embedder', 'none']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('text metrics only');
    expect(result.stdout).toMatch(/leaf entropy ↑\s+0\.\d{4}/);
    const count = readSamples(run).length;
    expect(count).toBeGreaterThan(100);
    expect(result.stdout).toMatch(new RegExp(`samples\\s+${count.toLocaleString('en-US')}\\n`));
    expect(result.stdout).toContain('simulated LLM output');
    expect(result.stdout).not.toContain('mean pairwise cosine');

    const json = JSON.parse(
      (await runCli(['eval', 'diversity', run, '--json', '--quiet'])).stdout,
    ) as EvalJson;
    const samples = readSamples(run);
    const leaves = new Set(samples.map((sample) => sample.leaf_id));
    const coverage = json.datasets[0]!.metrics.leafCoverage!;
    expect(coverage.coveredLeaves).toBe(leaves.size);
    expect(coverage.normalizedEntropy).toBeGreaterThan(0);
    expect(coverage.normalizedEntropy).toBeLessThanOrEqual(1);
  });

  it('rejects bad input with one line and exit code 2', async () => {
    const missing = await runCli(['eval', 'diversity', join(work, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.jsonl');

    const noSubcommand = await runCli(['eval', 'entropy', run]);
    expect(noSubcommand.code).toBe(2);
    expect(noSubcommand.stderr).toContain('expected "diversity"');

    const allBad = writeLines('all-bad.jsonl', ['not json', { other: 'x' }]);
    const bad = await runCli(['eval', 'diversity', allBad, '--field', 'question']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('all-bad.jsonl:1');

    const embedder = await runCli(['eval', 'diversity', run, '--embedder', 'nonsense']);
    expect(embedder.code).toBe(2);
    expect(embedder.stderr).toContain('unknown embedder');
  });
});

describe('treesynth report', () => {
  it('writes a self-contained page that draws every figure in Chromium and runs no injected text', {
    timeout: 240_000,
  }, async () => {
    const human = wordProblemLines(400);
    human.push(JSON.stringify({ question: INJECTED, answer: '#### 0' }));
    const file = writeLines('human.jsonl', human);
    const out = join(work, 'compare.html');
    const result = await runCli([
      'report',
      `human=${file}`,
      `treesynth=${run}`,
      '--out',
      out,
      '--max-points',
      '500',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { report: string; points: number; kl: number };
    expect(summary.report).toBe(out);
    expect(summary.points).toBe(500);
    expect(summary.kl).toBeGreaterThan(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain(INJECTED);
    expect(html).not.toMatch(/<script[^>]+src=/);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(out).href);
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
          ).document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4,
        undefined,
        { timeout: 60_000 },
      );
      const drawn = await page.evaluate(() => {
        type Node = { textContent: string | null };
        const doc = (
          globalThis as unknown as {
            document: {
              querySelectorAll(selector: string): { length: number };
              querySelector(selector: string): Node | null;
            };
          }
        ).document;
        return {
          points: doc.querySelectorAll('.scatterlayer .point').length,
          glCanvases: doc.querySelectorAll('.gl-canvas').length,
          sunburst: doc.querySelectorAll('.sunburstlayer path').length,
          bars: doc.querySelectorAll('.barlayer path').length,
          pwned: (globalThis as unknown as { __pwned?: unknown }).__pwned ?? null,
          text: `${doc.querySelector('ul.summary')?.textContent} ${doc.querySelector('table')?.textContent}`,
        };
      });
      expect(errors).toEqual([]);
      expect(requests.every((url) => url.startsWith('file:') || url.startsWith('data:'))).toBe(true);
      expect(drawn.pwned).toBeNull();
      expect(drawn.points + drawn.glCanvases).toBeGreaterThan(0);
      expect(drawn.sunburst).toBeGreaterThan(10);
      expect(drawn.bars).toBeGreaterThan(0);
      expect(drawn.text).toContain('mean pairwise cosine');
      expect(drawn.text).toContain(`human: 401 samples`);
      expect(drawn.text).toContain(`treesynth: ${readSamples(run).length} samples`);
      const shot = join(work, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      copyFileSync(shot, SCREENSHOT_COPY);
    } finally {
      await browser.close();
    }
  });

  it('defaults to report.html inside a single run folder', async () => {
    const result = await runCli(['report', run, '--max-points', '300', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`report written to ${join(run, 'report.html')}`);
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain('Partition tree');
  });
});
