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
import { join, resolve } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, collect, ROOT, readSamples, runCli, spawnCli } from './cli-harness.js';

/**
 * Bad input through the real CLI: one line on stderr naming the flag, field or file, exit 2, no
 * stack trace, and nothing written or changed on disk. Every row fails before any model call, so no
 * endpoint is needed (the base URL points at a closed port: a row that got that far would fail with
 * "cannot reach", exit 1).
 */

const work = mkdtempSync(join(tmpdir(), 'treesynth-bad-input-'));
const CLOSED = 'http://127.0.0.1:9/v1';

const at = (name: string) => join(work, name);
const json = (name: string, value: unknown) => writeFileSync(at(name), JSON.stringify(value));

// Inputs, written once before the table runs.
const text = (name: string, content: string) => writeFileSync(at(name), content);
json('null.json', null);
json('array.json', []);
json('number.json', 5);
json('string.json', 'tree');
json('tree-number.json', { tree: 5 });
json('depth-text.json', { tree: { depth: 'x' } });
json('unknown-key.json', { tree: { depth: 1 }, bogus: 1 });
const task = { description: 'd', fields: [{ name: 'question', description: 'q' }] };
json('escape-task.json', { name: '../../escape', ...task });
json('slash-task.json', { name: 'a/b c', ...task });
text('a-file', 'a user file\n');
mkdirSync(at('data'));
text('data/rows.jsonl', '{"question":"one"}\n{"question":"two"}\n{"question":"three"}\n');
mkdirSync(at('no-task-run'));
json('no-task-run/run.json', { status: 'complete' });
mkdirSync(at('broken-run'));
text('broken-run/run.json', '{"status": ');
mkdirSync(at('a-folder'));

const rows = at('data/rows.jsonl');

/** What a path holds: absent, a file's bytes, or a folder's files and their bytes. */
function snapshot(path: string): string {
  if (!existsSync(path)) return 'absent';
  if (!statSync(path).isDirectory()) return readFileSync(path, 'utf8');
  return readdirSync(path)
    .sort()
    .map((name) => `${name}:${snapshot(join(path, name))}`)
    .join('\n');
}

function run(...args: string[]): string[] {
  return ['run', '--task', 'gsm8k', '--model', 'm', '--base-url', CLOSED, '--quiet', ...args];
}

interface Case {
  name: string;
  args: string[];
  /** The one stderr line, after `treesynth: `. */
  error: RegExp;
  /** The path that must be absent or unchanged afterwards. */
  watch: string;
}

const CASES: Case[] = [
  // Config files: the whole file is checked against the schema, with the field path.
  ...(
    [
      ['null', 'null.json', /null\.json: .*expected object, received null/],
      ['an array', 'array.json', /array\.json: .*expected object, received array/],
      ['a number', 'number.json', /number\.json: .*expected object, received number/],
      ['a string', 'string.json', /string\.json: .*expected object, received string/],
      ['{"tree": 5}', 'tree-number.json', /tree-number\.json: tree: .*expected object/],
      ['{"tree": {"depth": "x"}}', 'depth-text.json', /depth-text\.json: tree\.depth: .*expected number/],
      ['an unknown key', 'unknown-key.json', /unknown-key\.json: Unrecognized key: "bogus"/],
    ] as const
  ).map(([what, file, error]) => ({
    name: `config file that is ${what}`,
    args: run('--config', at(file), '--out', at(`config-${file}`)),
    error,
    watch: at(`config-${file}`),
  })),
  // Numbers: bounds from the settings' schemas, the flag named.
  ...(
    [
      [
        '--timeout-ms',
        '3000000000',
        /--timeout-ms: expected a whole number from 1 to 86400000, got "3000000000"/,
      ],
      ['--max-attempts', '1e9', /--max-attempts: expected a whole number from 1 to 100, got "1e9"/],
      ['--concurrency', '1000000000', /--concurrency: expected a whole number from 1 to 4096/],
      ['--depth', '1000', /--depth: expected a whole number from 0 to 10, got "1000"/],
      ['--depth', '-1', /--depth: expected a whole number from 0 to 10, got "-1"/],
      ['--pivots', '1000000', /--pivots: expected a whole number from 2 to 100/],
      ['--samples-per-call', '0', /--samples-per-call: expected a whole number from 1 to 100, got "0"/],
      ['--rpm', '99999999999', /--rpm: expected a whole number from 1 to 10000000/],
      ['--rpm', 'abc', /--rpm: expected a whole number .*got "abc"/],
      ['--tpm', '1', /--tpm: expected a whole number from 1000 to 10000000000, got "1"/],
      ['--seed', '4294967296', /--seed: expected a whole number from 0 to 4294967295/],
      ['--max-samples', '1000000000', /--max-samples: expected a whole number from 1 to 100000000/],
      ['--max-samples', '2.5', /--max-samples: expected a whole number .*got "2\.5"/],
    ] as const
  ).map(([flag, value, error]) => ({
    name: `${flag} ${value}`,
    args: run(`${flag}=${value}`, '--out', at(`number${flag}${value}`)),
    error,
    watch: at(`number${flag}${value}`),
  })),
  // Tasks.
  {
    name: 'a task file named ../../escape',
    args: ['run', '--task', at('escape-task.json'), '--model', 'm', '--base-url', CLOSED, '--quiet'],
    error: /escape-task\.json: name: use up to 64 letters, digits/,
    watch: resolve(ROOT, 'runs/../../escape-seed0'),
  },
  {
    name: 'a task name with a path separator and a space',
    args: ['run', '--task', at('slash-task.json'), '--model', 'm', '--base-url', CLOSED, '--quiet'],
    error: /slash-task\.json: name: /,
    watch: resolve(ROOT, 'runs/a'),
  },
  {
    name: 'a blank --description',
    args: [
      ...['run', '--task', 'generic', '--description', '   ', '--model', 'm', '--base-url', CLOSED],
      ...['--out', at('blank')],
    ],
    error: /--description: is blank/,
    watch: at('blank'),
  },
  {
    name: '--description with a built-in task',
    args: run('--description', 'billing emails', '--out', at('described')),
    error: /--description: only --task generic takes --description; "gsm8k" has its own/,
    watch: at('described'),
  },
  {
    name: '--requirement with a built-in task',
    args: run('--requirement', 'short', '--out', at('required')),
    error: /--requirement: only --task generic takes --requirement/,
    watch: at('required'),
  },
  // Output paths: one shared check, before any work.
  {
    name: 'run --out that is a file',
    args: run('--out', at('a-file')),
    error: /--out: .*a-file is a file; expected a folder/,
    watch: at('a-file'),
  },
  {
    name: 'run --out under a file',
    args: run('--out', at('a-file/run')),
    error: /--out: .*a-file is a file, so .* cannot be created under it/,
    watch: at('a-file'),
  },
  { name: 'run --out ""', args: run('--out='), error: /--out: is empty/, watch: work },
  {
    name: 'run --out under /proc',
    args: run('--out', '/proc/treesynth-bad-input'),
    error: /--out: cannot write in \/proc \(/,
    watch: '/proc/treesynth-bad-input',
  },
  {
    name: 'report --out under /proc',
    args: ['report', rows, '--out', '/proc/treesynth-bad-input/report.html', '--quiet'],
    error: /--out: cannot write in \/proc \(/,
    watch: '/proc/treesynth-bad-input',
  },
  {
    name: 'report --out that is a folder',
    args: ['report', rows, '--out', at('a-folder'), '--quiet'],
    error: /--out: .*a-folder is a folder; expected a file name/,
    watch: at('a-folder'),
  },
  {
    name: 'balance --out under /proc',
    args: ['balance', '--data', rows, '--field', 'question', '--task', 'gsm8k', '--out', '/proc/tsbi', '-q'],
    error: /--out: cannot write in \/proc \(/,
    watch: '/proc/tsbi',
  },
  {
    name: 'balance --out that is a file',
    args: ['balance', '--data', rows, '--field', 'question', '--task', 'gsm8k', '--out', at('a-file'), '-q'],
    error: /--out: .*a-file is a file; expected a folder/,
    watch: at('a-file'),
  },
  {
    name: 'eval --cache-dir under /proc',
    args: ['eval', 'diversity', rows, '--cache-dir', '/proc/treesynth-bad-input', '--quiet'],
    error: /--cache-dir: cannot write in \/proc \(/,
    watch: '/proc/treesynth-bad-input',
  },
  {
    name: 'report --cache-dir that is a file',
    args: ['report', rows, '--cache-dir', at('a-file'), '--out', at('cache-report.html'), '--quiet'],
    error: /--cache-dir: .*a-file is a file; expected a folder/,
    watch: at('cache-report.html'),
  },
  // Embedders and data files.
  {
    name: 'eval --embedder hashing with a huge dimension',
    args: ['eval', 'diversity', rows, '--embedder', 'hashing:1000000000', '--quiet'],
    error: /--embedder: hashing dimensions must be a whole number from 8 to 65536, got "1000000000"/,
    watch: at('data'),
  },
  {
    name: 'eval --embedder hashing:abc',
    args: ['eval', 'diversity', rows, '--embedder', 'hashing:abc', '--quiet'],
    error: /--embedder: hashing dimensions .*got "abc"/,
    watch: at('data'),
  },
  {
    name: 'eval --embedder glove-sif:x',
    args: ['eval', 'diversity', rows, '--embedder', 'glove-sif:x', '--quiet'],
    error: /--embedder: glove-sif takes no ":" argument/,
    watch: at('data'),
  },
  {
    name: 'eval of a run folder whose run.json has no task',
    args: ['eval', 'diversity', at('no-task-run'), '--quiet'],
    error: /no-task-run\/run\.json: has no task/,
    watch: at('no-task-run'),
  },
  {
    name: 'eval of a run folder whose run.json is not JSON',
    args: ['eval', 'diversity', at('broken-run'), '--quiet'],
    error: /broken-run\/run\.json: not valid JSON/,
    watch: at('broken-run'),
  },
  {
    name: 'eval of a folder that is not a run',
    args: ['eval', 'diversity', at('data'), '--quiet'],
    error: /data: is a folder without run\.json; expected a TreeSynth run folder or a JSONL\/JSON file/,
    watch: at('data'),
  },
  {
    name: 'balance --data that is a folder',
    args: ['balance', '--data', at('data'), '--field', 'question', '--task', 'gsm8k', '--out', at('b'), '-q'],
    error: /data: is a folder; expected a dataset file/,
    watch: at('b'),
  },
];

function expectOneLineError(result: CliResult, pattern: RegExp) {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^treesynth: /);
  expect(lines[0]!.slice('treesynth: '.length)).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.code, result.stderr).toBe(2);
}

describe('bad input: one line naming what was wrong, exit 2, nothing written', () => {
  it.concurrent.each(CASES)('$name', async ({ args, error, watch }) => {
    const before = snapshot(watch);
    const result = await runCli(args);
    expectOneLineError(result, error);
    expect(snapshot(watch)).toBe(before);
  });
});

describe('rate limits that cannot be met are refused or shown', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 1 });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('--tpm below one request: refused at the first request, naming --tpm, no sample made', async () => {
    const out = at('tpm-run');
    const result = await runCli([
      ...['run', '--task', 'gsm8k', '--model', 'sim', '--base-url', simulator.url],
      ...['--depth', '1', '--tpm', '1500', '--quiet', '--out', out],
    ]);
    expectOneLineError(
      result,
      /^--tpm: a request of about \d+ tokens \(prompt plus expected answer\) cannot fit in 1500 tokens per minute/,
    );
    expect(readSamples(out)).toEqual([]);
  });

  it('a long wait for --rpm is said on stderr while the run waits (--rpm 1)', async () => {
    const child = spawnCli([
      ...['run', '--task', 'gsm8k', '--model', 'sim', '--base-url', simulator.url],
      ...['--depth', '1', '--rpm', '1', '--out', at('rpm-run')],
    ]);
    const said = new Promise<string>((resolvePromise) => {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const line = stderr.split('\n').find((entry) => /waiting \d+ s for the --rpm limit/.test(entry));
        if (line) resolvePromise(line);
      });
    });
    const ended = collect(child);
    const line = await said;
    child.kill('SIGKILL');
    await ended;
    // The first request goes at once; the second waits for the next of 1 per minute (less the first's time).
    expect(line).toMatch(/^waiting \d+ s for the --rpm limit$/);
    expect(Number(line.split(' ')[1])).toBeGreaterThan(5);
  }, 60_000);
});
