import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, ROOT, readSamples, spawnCli } from './cli-harness.js';

/** The worked example of docs/baselines.md, command by command, against a simulator. */
const doc = readFileSync(join(ROOT, 'docs/baselines.md'), 'utf8');
const block = /<!-- worked-example:[^\n]*-->\n```sh\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
const commands = block
  .split('\n')
  .filter((line) => line.startsWith('treesynth '))
  .map((line) => line.split(/\s+/).slice(1));

describe('docs/baselines.md worked example', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  // The commands run from the repository root (packages/eval/data holds the GSM8K files they name); their
  // run folders go to a temporary folder instead of runs/.
  const work = mkdtempSync(join(tmpdir(), 'treesynth-baselines-doc-'));
  const as = (arg: string) =>
    arg === 'http://127.0.0.1:8787/v1' ? simulator.url : arg.startsWith('runs/') ? join(work, arg) : arg;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 1 });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('has the three runs and the comparison', () => {
    expect(commands.map((args) => args[0])).toEqual(['run', 'run', 'run', 'eval']);
  });

  it('runs every command as written, the simulator in place of the endpoint', async () => {
    for (const args of commands) {
      const result = await collect(spawnCli(args.map(as)));
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
      if (args[0] === 'eval') {
        for (const name of ['gsm8k-temperature', 'gsm8k-evol', 'gsm8k-persona'])
          expect(result.stdout).toContain(name);
        expect(result.stdout).toMatch(/simulated LLM output/);
      }
    }
    for (const method of ['temperature', 'evol', 'persona']) {
      const rows = readSamples(join(work, 'runs', `gsm8k-${method}`));
      expect(rows.length).toBeGreaterThan(180);
      expect(rows.length).toBeLessThanOrEqual(200);
      expect(rows.every((row) => (row.method as { name: string }).name === method)).toBe(true);
    }
  }, 180_000);
});
