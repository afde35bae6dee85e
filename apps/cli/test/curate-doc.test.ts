import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, startSimCli } from './cli-harness.js';

/** docs/curate.md's worked example, run as written against `treesynth sim` with its defaults. */
describe('docs/curate.md worked example', () => {
  it('prints the documented curation and removes the documented first row', async () => {
    const doc = readFileSync(join(ROOT, 'docs/curate.md'), 'utf8');
    const example = doc.slice(doc.indexOf('## Worked example'));
    const commands = [
      ...(/```bash\n([\s\S]*?)```/.exec(example)?.[1] ?? '').matchAll(/^treesynth (.*)$/gm),
    ].map((match) => match[1]!);
    const expected = /```text\n([\s\S]*?)```/.exec(example)?.[1];
    const firstRemoved = /```json\n(\{"id".*\})\n```/.exec(example)?.[1];
    expect(commands).toHaveLength(2);
    expect(expected).toBeDefined();
    expect(firstRemoved).toBeDefined();
    const out = join(mkdtempSync(join(tmpdir(), 'treesynth-curate-doc-')), 'gsm8k-curated');
    const { url, stop } = await startSimCli();
    try {
      const outputs: string[] = [];
      for (const command of commands) {
        const args = command
          .split(/\s+/)
          .map((arg) =>
            arg === 'http://127.0.0.1:8787/v1' ? url : arg === 'runs/gsm8k-curated' ? out : arg,
          );
        const result = await runCli(args);
        expect(result.code, result.stderr).toBe(0);
        outputs.push(result.stdout);
      }
      const seconds = (text: string) =>
        text.replace(/, [\d.]+s$/gm, ', Ns').replaceAll(out, 'runs/gsm8k-curated');
      expect(seconds(outputs[1]!)).toBe(seconds(expected!));
      expect(readFileSync(join(out, 'removed.jsonl'), 'utf8').split('\n')[0]).toBe(firstRemoved);
      // "The same command again prints 0 calls paid for every step."
      const again = await runCli(
        commands[1]!.split(/\s+/).map((arg) => (arg === 'runs/gsm8k-curated' ? out : arg)),
      );
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.match(/ 0 calls paid/g)).toHaveLength(3);
    } finally {
      stop();
    }
  }, 180_000);
});
