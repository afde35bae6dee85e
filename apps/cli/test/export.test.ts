import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeHub, startFakeHub } from '@treesynth/curate/test';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, ROOT, readSamples, runCli } from './cli-harness.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-export-cli-'));
const run = join(work, 'run');
const bare = join(work, 'bare');
const TOKEN = 'hf_cliTOKENabcdefghijklmnop0123';
let simulator: Awaited<ReturnType<typeof startSimulator>>;
let hub: FakeHub;
let answered = 0;

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Every file of an export folder, by name. */
function folderBytes(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

beforeAll(async () => {
  simulator = await startSimulator({ seed: 4 });
  hub = await startFakeHub({ token: TOKEN });
  const made = await runCli([
    'run',
    '--task',
    'gsm8k',
    '--model',
    'sim',
    '--base-url',
    simulator.url,
    '--depth',
    '1',
    '--max-samples',
    '60',
    '--seed',
    '5',
    '--quiet',
    '--out',
    run,
  ]);
  expect(made.code, made.stderr).toBe(0);
  cpSync(run, bare, { recursive: true });
  // Curation does not exist yet: the fixture plays it, answering every row but two (a dedup step).
  const samples = readSamples(run);
  expect(samples.length).toBeGreaterThanOrEqual(50);
  const curated = samples
    .slice(2)
    .map((row, index) => ({ ...row, answer: `Add them up.\n#### ${index + 3}` }));
  answered = curated.length;
  writeFileSync(join(run, 'curated.jsonl'), curated.map((row) => JSON.stringify(row)).join('\n'));
  writeFileSync(
    join(run, 'curation.json'),
    JSON.stringify({
      schemaVersion: 1,
      steps: [
        { step: 'answer', rowsIn: samples.length, rowsOut: samples.length },
        { step: 'dedup', rowsIn: samples.length, rowsOut: answered, removed: { 'exact duplicate': 2 } },
      ],
    }),
  );
});

afterAll(async () => {
  await simulator?.close();
  await hub?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('treesynth export', () => {
  it('has help with an example, and says which format it wants', async () => {
    const help = await runCli(['export', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: treesynth export/);
    expect(help.stdout).toMatch(/Examples:\n {2}treesynth export /);
    expectOneLineError(
      await runCli(['export', run]),
      /^treesynth: --format: which format\? one of openai, messages/,
    );
  });

  it('exports a simulated run’s curated rows with a card that tells how they were made, the same bytes twice', async () => {
    const args = ['export', run, '--format', 'openai', '--split', 'train=0.9,validation=0.1', '--seed', '2'];
    const first = await runCli([...args, '--out', join(work, 'a'), '--json']);
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.source).toEqual({ kind: 'run', file: join(run, 'curated.jsonl') });
    expect(result.simulated).toBe(true);
    expect(
      result.splits.map((split: { rows: number }) => split.rows).reduce((a: number, b: number) => a + b),
    ).toBe(answered);
    const train = lines(join(work, 'a', 'train.jsonl'));
    expect(train[0]).toMatchObject({ messages: [{ role: 'user' }, { role: 'assistant' }] });
    expect(lines(join(work, 'a', 'train.provenance.jsonl'))[0]).toMatchObject({
      leaf_id: expect.any(String),
      call: { model: 'sim' },
    });
    const card = readFileSync(join(work, 'a', 'README.md'), 'utf8');
    expect(card).toContain('- Generator model: sim (openai-compatible), a SIMULATED LLM');
    expect(card).toMatch(/- Tree: depth limit 1 \(reached 1\), 10 pivots per node/);
    expect(card).toContain(`- dedup: ${answered + 2} rows in, ${answered} out (exact duplicate: 2)`);
    expect(card).toContain(
      `treesynth export ${run} --format openai --split train=0.9,validation=0.1 --seed 2\n`,
    );
    const second = await runCli([...args, '--out', join(work, 'b')]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`exported ${answered} rows as openai (SIMULATED LLM rows`);
    const [a, b] = [folderBytes(join(work, 'a')), folderBytes(join(work, 'b'))];
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
  });

  it('refuses a run whose rows have no answers, naming the row and the field, and skips them only when told', async () => {
    const refused = await runCli(['export', bare, '--format', 'alpaca', '--out', join(work, 'bare-out')]);
    expectOneLineError(
      refused,
      /samples\.jsonl:\d+: row n[0-9a-f]+\.\d+\.\d+ has no "answer" \(its response\)/,
    );
    expect(existsSync(join(work, 'bare-out'))).toBe(false);
    const none = await runCli(['export', bare, '--format', 'alpaca', '--allow-unanswered']);
    expectOneLineError(none, /no rows to export: all \d+ lack "answer"/);
    const foreign = await runCli(['export', run, '--format', 'openai', '--out', bare]);
    expectOneLineError(foreign, /^treesynth: --out: .* is not empty \(.*\) and holds no export/);
  });

  it('writes parquet and pushes it with the card to a loopback hub, the token in no file and no output', async () => {
    const out = join(work, 'pushed');
    const env = { HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url };
    const pushed = await runCli(
      ['export', run, '--format', 'parquet', '--out', out, '--push-to-hub', 'me/sim-gsm8k'],
      env,
    );
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain(`pushed to ${hub.url}/datasets/me/sim-gsm8k (created, private)`);
    const files = hub.repos.get('me/sim-gsm8k')!;
    expect([...files.keys()].sort()).toEqual([
      'README.md',
      'dataset_info.json',
      'train.parquet',
      'train.provenance.jsonl',
    ]);
    const parquet = readFileSync(join(out, 'train.parquet'));
    expect(parquet.subarray(0, 4).toString()).toBe('PAR1');
    expect(files.get('train.parquet')!.equals(parquet)).toBe(true);
    expect(files.get('README.md')!.toString()).toContain(`num_examples: ${answered}`);
    for (const name of readdirSync(out))
      expect(readFileSync(join(out, name)).includes(TOKEN), name).toBe(false);
    expect(pushed.stdout + pushed.stderr).not.toContain(TOKEN);
    const wrong = 'hf_wrongWRONGwrongWRONG77';
    const refused = await runCli(
      ['export', run, '--format', 'parquet', '--out', out, '--push-to-hub', 'me/x'],
      {
        HF_TOKEN: wrong,
        HF_ENDPOINT: hub.url,
      },
    );
    expectOneLineError(refused, /me\/x: Invalid credentials/, 1);
    expect(refused.stdout + refused.stderr).not.toContain(wrong);
    const missing = await runCli(['export', run, '--format', 'parquet', '--push-to-hub', 'me/x'], {
      HF_TOKEN: '',
    });
    expectOneLineError(
      missing,
      /^treesynth: HF_TOKEN: is not set; pushing to the hub needs a Hugging Face token$/,
    );
  });

  it('runs the worked example of docs/export.md and prints what the page shows', async () => {
    const doc = readFileSync(join(ROOT, 'docs/export.md'), 'utf8');
    const example = doc.slice(doc.indexOf('## Worked example'));
    const [, command, shown] = /```sh\n\.\/treesynth (.*)\n```\n\n```\n([\s\S]*?)```/.exec(example)!;
    const out = join(work, 'docs-example');
    // The page's arguments, split as the shell would (one double-quoted argument in it), --out moved here.
    const args = [...command!.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
    args[args.indexOf('--out') + 1] = out;
    const result = await runCli(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(shown!.replace('runs/gsm8k-sharegpt', out));
    const first = readFileSync(join(out, 'train.jsonl'), 'utf8').split('\n')[0]!;
    expect(doc).toContain(first.slice(0, 110));
  });
});
