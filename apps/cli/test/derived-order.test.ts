import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-order-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `eval diversity --json` of a run, without what legitimately differs (its path, the timings). */
async function diversity(run: string): Promise<unknown> {
  const result = await runCli(['eval', 'diversity', `run=${run}`, '--json', '--quiet', '--limit', '60']);
  expect(result.code, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as { datasets: Record<string, unknown>[] };
  for (const dataset of parsed.datasets) {
    delete dataset.source;
    delete dataset.timingsMs;
  }
  return parsed;
}

/** The JSON data block of `report`, which the page draws from. */
async function reportData(run: string): Promise<string> {
  const out = join(work, `${run.replaceAll('/', '_')}.html`);
  const result = await runCli(['report', `run=${run}`, '--out', out, '--max-points', '0', '--quiet']);
  expect(result.code, result.stderr).toBe(0);
  const html = readFileSync(out, 'utf8');
  const block = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(block).not.toBeNull();
  return block![1]!;
}

describe('derived outputs do not depend on the order samples were written in', () => {
  it('gives identical eval and report inputs for identical runs, whatever their line order', async () => {
    const runs = [join(work, 'a'), join(work, 'b')];
    const demo = (run: string) =>
      runCli(['demo', '--out', run, '--depth', '2', '--concurrency', '16', '--quiet']);
    const preview = (stdout: string) => /^ {2}first sample: .*$/m.exec(stdout)?.[0];
    const previews: (string | undefined)[] = [];
    for (const run of runs) {
      const result = await demo(run);
      expect(result.code, result.stderr).toBe(0);
      previews.push(preview(result.stdout));
    }
    // A third copy whose samples.jsonl holds the same lines in reverse: a different order for certain.
    const reversed = join(work, 'reversed');
    cpSync(runs[0]!, reversed, { recursive: true });
    const lines = readFileSync(join(reversed, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(60);
    writeFileSync(join(reversed, 'samples.jsonl'), `${lines.reverse().join('\n')}\n`);
    runs.push(reversed);
    // The demo's preview of its first sample, printed again by a resume of the finished copy.
    const resumed = await demo(reversed);
    expect(resumed.code, resumed.stderr).toBe(0);
    previews.push(preview(resumed.stdout));
    expect(previews[0]).toMatch(/"id":/);
    expect(previews).toEqual([previews[0], previews[0], previews[0]]);

    const [first, ...others] = await Promise.all(runs.map(diversity));
    for (const other of others) expect(other).toEqual(first);
    // tree.json is written in depth-first order, so identical runs give identical files.
    expect(readFileSync(join(runs[1]!, 'tree.json'), 'utf8')).toBe(
      readFileSync(join(runs[0]!, 'tree.json'), 'utf8'),
    );
    const [firstReport, ...otherReports] = await Promise.all(runs.map(reportData));
    for (const other of otherReports) expect(other).toBe(firstReport);
  }, 240_000);
});
