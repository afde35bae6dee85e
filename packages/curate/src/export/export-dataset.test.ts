import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { exportDataset } from './export-dataset.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Answered GSM8K-shaped rows with run-style ids and provenance. */
function answeredRows(count: number, from = 0): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => {
    const n = from + index;
    return {
      id: `leaf${n % 7}.${Math.floor(n / 7)}.0`,
      question: `Ann has ${n} apples and buys ${n + 2} more. How many apples does she have?`,
      answer: `She has ${n} + ${n + 2} = ${2 * n + 2} apples.\n#### ${2 * n + 2}`,
      leaf_id: `leaf${n % 7}`,
      path: [{ dimension: 'topic', value: `t${n % 7}` }],
      drawn: {},
      call: { index: Math.floor(n / 7), model: 'sim', simulated: true },
    };
  });
}

function writeRows(name: string, rows: readonly unknown[]): string {
  const file = join(work, name);
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
  return file;
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

// The independent readers: schemas written from the formats' public descriptions, not from the writer.
const openAiLine = z.strictObject({
  messages: z
    .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string().min(1) }))
    .min(2)
    .refine((messages) => messages.at(-1)?.role === 'assistant' && messages.at(-2)?.role === 'user'),
});
const alpacaLine = z.strictObject({
  instruction: z.string().min(1),
  input: z.string(),
  output: z.string().min(1),
});
const shareGptLine = z.object({
  conversations: z.array(z.strictObject({ from: z.enum(['system', 'human', 'gpt']), value: z.string() })),
});

describe('exportDataset', () => {
  const rows = answeredRows(40);
  const data = writeRows('answered.jsonl', rows);

  it('writes OpenAI chat lines that an independent schema accepts, one per row, with the system prompt', async () => {
    const out = join(work, 'openai');
    const result = await exportDataset({ source: data, format: 'openai', out, system: 'Answer briefly.' });
    expect(result.splits).toEqual([{ name: 'train', ratio: 1, file: 'train.jsonl', rows: 40 }]);
    const written = lines(join(out, 'train.jsonl'));
    expect(written).toHaveLength(40);
    for (const line of written) openAiLine.parse(line);
    const first = openAiLine.parse(written[0]);
    expect(first.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(first.messages[0]!.content).toBe('Answer briefly.');
    // Sample-id order, and the provenance file line for line beside it.
    const provenance = lines(join(out, 'train.provenance.jsonl'));
    const ids = provenance.map((line) => line.id as string);
    expect(ids[0]).toBe('leaf0.0.0');
    expect(ids[1]).toBe('leaf0.1.0');
    const byId = new Map(rows.map((row) => [row.id as string, row]));
    written.forEach((line, index) => {
      const source = byId.get(ids[index]!)!;
      const messages = openAiLine.parse(line).messages;
      expect(messages[1]!.content).toBe(source.question);
      expect(messages[2]!.content).toBe(source.answer);
      expect(provenance[index]).toEqual({
        id: source.id,
        leaf_id: source.leaf_id,
        path: source.path,
        drawn: {},
        call: source.call,
      });
    });
  });

  it('writes alpaca, sharegpt and messages rows with the field names datasets and LLaMA-Factory read', async () => {
    const alpaca = await exportDataset({ source: data, format: 'alpaca', out: join(work, 'alpaca') });
    for (const line of lines(join(alpaca.out, 'train.jsonl'))) alpacaLine.parse(line);
    const info = JSON.parse(readFileSync(join(alpaca.out, 'dataset_info.json'), 'utf8'));
    expect(info.answered_train).toEqual({
      file_name: 'train.jsonl',
      formatting: 'alpaca',
      columns: { prompt: 'instruction', query: 'input', response: 'output' },
    });
    const share = await exportDataset({ source: data, format: 'sharegpt', out: join(work, 'sharegpt') });
    const conversations = lines(join(share.out, 'train.jsonl')).map(
      (line) => shareGptLine.parse(line).conversations,
    );
    expect(conversations.every((turns) => turns.map((turn) => turn.from).join() === 'human,gpt')).toBe(true);
    expect(
      JSON.parse(readFileSync(join(share.out, 'dataset_info.json'), 'utf8')).answered_train,
    ).toMatchObject({
      formatting: 'sharegpt',
      columns: { messages: 'conversations' },
      tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
    });
    const messages = await exportDataset({ source: data, format: 'messages', out: join(work, 'messages') });
    const line = lines(join(messages.out, 'train.jsonl'))[0]!;
    expect(Object.keys(line)).toEqual(['id', 'messages']);
    openAiLine.parse({ messages: line.messages });
  });

  it('writes parquet that a second, independent reader (parquet-wasm, arrow-rs) reads back', async () => {
    const result = await exportDataset({ source: data, format: 'parquet', out: join(work, 'parquet') });
    const bytes = readFileSync(join(result.out, 'train.parquet'));
    const table = tableFromIPC(readParquet(new Uint8Array(bytes)).intoIPCStream());
    expect(table.schema.fields.map((field) => field.name)).toEqual(['id', 'question', 'answer']);
    const read = table.toArray().map((row) => row.toJSON());
    const provenance = lines(join(result.out, 'train.provenance.jsonl'));
    expect(read).toHaveLength(40);
    read.forEach((row, index) => {
      const source = rows.find((candidate) => candidate.id === row.id)!;
      expect(row).toEqual({ id: source.id, question: source.question, answer: source.answer });
      expect(provenance[index]!.id).toBe(row.id);
    });
  });

  it('gives the same bytes for the same input, and the same rows whatever the input line order', async () => {
    const shuffled = writeRows('shuffled.jsonl', [...rows].reverse());
    const split = 'train=0.7,validation=0.2,test=0.1';
    for (const format of ['openai', 'parquet'] as const) {
      const run = (source: string, out: string) =>
        exportDataset({ source, format, split, out: join(work, out), name: 'd' });
      const first = await run(data, `same-a-${format}`);
      const second = await run(data, `same-b-${format}`);
      const reordered = await run(shuffled, `same-c-${format}`);
      expect(first.files).toHaveLength(9);
      for (const file of first.files) {
        const bytes = readFileSync(join(first.out, file));
        expect(readFileSync(join(second.out, file)).equals(bytes), file).toBe(true);
        // The card names the source file (and export.json its path); the data is the same bytes.
        if (file !== 'README.md' && file !== 'export.json')
          expect(readFileSync(join(reordered.out, file)).equals(bytes), file).toBe(true);
      }
    }
  });

  it('holds the split shares within sampling error, and a row added later moves no existing row', async () => {
    const many = answeredRows(4000);
    const before = await exportDataset({
      source: writeRows('many.jsonl', many),
      format: 'jsonl',
      split: 'train=0.9,validation=0.1',
      seed: 3,
      out: join(work, 'many'),
    });
    // 4000 draws at p = 0.1: standard deviation sqrt(4000 * 0.1 * 0.9) = 19 rows; allow four.
    const validation = before.splits.find((split) => split.name === 'validation')!.rows;
    expect(Math.abs(validation - 400)).toBeLessThanOrEqual(76);
    expect(before.splits.reduce((sum, split) => sum + split.rows, 0)).toBe(4000);
    const splitOfIds = (out: string) =>
      new Map(
        ['train', 'validation'].flatMap((split) =>
          lines(join(out, `${split}.jsonl`)).map((row) => [row.id as string, split] as const),
        ),
      );
    const old = splitOfIds(before.out);
    const grown = [...answeredRows(300, 4000).slice(0, 150), ...many, ...answeredRows(300, 4000).slice(150)];
    const after = await exportDataset({
      source: writeRows('grown.jsonl', grown),
      format: 'jsonl',
      split: 'train=0.9,validation=0.1',
      seed: 3,
      out: join(work, 'grown'),
    });
    const now = splitOfIds(after.out);
    expect(now.size).toBe(4300);
    for (const [id, split] of old) expect(now.get(id), id).toBe(split);
    // Another seed is another split.
    const reseeded = await exportDataset({
      source: join(work, 'many.jsonl'),
      format: 'jsonl',
      split: 'train=0.9,validation=0.1',
      seed: 4,
      out: join(work, 'reseeded'),
    });
    const moved = [...splitOfIds(reseeded.out)].filter(([id, split]) => old.get(id) !== split).length;
    expect(moved).toBeGreaterThan(100);
  });

  it('reads balance-style rows: ids from provenance or content, Alpaca-style prompt fields, empty splits', async () => {
    const balanced = writeRows('balanced.jsonl', [
      {
        instruction: 'Reverse a list.',
        input: '[1, 2]',
        output: 'xs[::-1]',
        treesynth: { origin: 'original', line: 1 },
      },
      {
        instruction: 'Reverse a list.',
        input: '[1, 2]',
        output: 'xs[::-1]',
        treesynth: { origin: 'original', line: 2 },
      },
      {
        instruction: 'Add two numbers.',
        input: '',
        output: 'a + b',
        treesynth: { origin: 'synthesized', id: 'n1.0.0' },
      },
    ]);
    const alpaca = await exportDataset({
      source: balanced,
      format: 'alpaca',
      out: join(work, 'balanced-alpaca'),
    });
    expect(alpaca.promptFields).toEqual(['instruction', 'input']);
    expect(alpaca.responseField).toBe('output');
    const ids = lines(join(alpaca.out, 'train.provenance.jsonl')).map((line) => line.id as string);
    // Two exact copies (provenance aside) share a content hash, told apart by ~2; the synthesized row keeps its id.
    expect(ids).toHaveLength(3);
    expect(ids).toContain('n1.0.0');
    const hashed = ids.filter((id) => id !== 'n1.0.0').sort();
    expect(hashed[0]).toMatch(/^h[0-9a-f]{16}$/);
    expect(hashed[1]).toBe(`${hashed[0]}~2`);
    expect(lines(join(alpaca.out, 'train.jsonl'))).toContainEqual({
      instruction: 'Reverse a list.',
      input: '[1, 2]',
      output: 'xs[::-1]',
    });
    const chat = await exportDataset({
      source: balanced,
      format: 'openai',
      out: join(work, 'balanced-openai'),
    });
    const users = lines(join(chat.out, 'train.jsonl')).map(
      (line) => openAiLine.parse(line).messages[0]!.content,
    );
    expect(users).toContain('Reverse a list.\n\n[1, 2]');
    expect(users).toContain('Add two numbers.');
    // Three rows over ten splits leave most splits empty: those are not written, nor named in the card.
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`s${index}`, 0.1]));
    const parquet = await exportDataset({
      source: balanced,
      format: 'parquet',
      split: many,
      out: join(work, 'balanced-parquet'),
    });
    expect(parquet.emptySplits.length).toBeGreaterThanOrEqual(7);
    expect(parquet.splits.length + parquet.emptySplits.length).toBe(10);
    const frontMatter = readFileSync(join(parquet.out, 'README.md'), 'utf8').split('\n---\n')[0]!;
    expect(frontMatter).toContain(`split: "${parquet.splits[0]!.name}"`);
    for (const split of parquet.emptySplits) {
      expect(existsSync(join(parquet.out, `${split}.parquet`))).toBe(false);
      expect(frontMatter).not.toContain(`"${split}"`);
    }
    for (const split of parquet.splits) {
      const table = tableFromIPC(
        readParquet(new Uint8Array(readFileSync(join(parquet.out, split.file)))).intoIPCStream(),
      );
      expect(table.numRows).toBe(split.rows);
      expect(table.schema.fields.map((field) => field.name)).toEqual([
        'id',
        'instruction',
        'input',
        'output',
      ]);
    }
  });

  it('refuses a row without its response, naming the row and the field, unless told to skip it', async () => {
    const missing = writeRows('missing.jsonl', [
      ...rows.slice(0, 5),
      { id: 'leaf9.0.0', question: 'No answer yet?' },
    ]);
    await expect(
      exportDataset({ source: missing, format: 'openai', out: join(work, 'missing') }),
    ).rejects.toThrow(`${missing}:6: row leaf9.0.0 has no "answer" (its response)`);
    expect(readdirSync(work)).not.toContain('missing');
    const skipped = await exportDataset({
      source: missing,
      format: 'openai',
      out: join(work, 'skipped'),
      allowUnanswered: true,
    });
    expect(skipped.unanswered).toBe(1);
    expect(skipped.splits[0]!.rows).toBe(5);
    expect(readFileSync(join(skipped.out, 'README.md'), 'utf8')).toContain(
      'Left out at export: 1 rows without a "answer" field.',
    );
  });

  it('writes a card whose YAML front matter a YAML parser reads as the hub expects', async () => {
    const result = await exportDataset({
      source: data,
      format: 'jsonl',
      split: { train: 0.75, test: 0.25 },
      out: join(work, 'card'),
      license: 'cc-by-4.0',
      language: 'de',
      command: 'treesynth export answered.jsonl --format jsonl',
    });
    const card = readFileSync(join(result.out, 'README.md'), 'utf8');
    const [, yaml, prose] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(card)!;
    const meta = parseYaml(yaml!);
    const counts = Object.fromEntries(result.splits.map((split) => [split.name, split.rows]));
    expect(counts.train! + counts.test!).toBe(40);
    expect(meta).toMatchObject({
      license: 'cc-by-4.0',
      language: ['de'],
      size_categories: ['n<1K'],
      task_categories: ['text-generation'],
      configs: [
        {
          config_name: 'default',
          data_files: [
            { split: 'train', path: 'train.jsonl' },
            { split: 'test', path: 'test.jsonl' },
          ],
        },
      ],
      dataset_info: {
        splits: [
          { name: 'train', num_examples: counts.train },
          { name: 'test', num_examples: counts.test },
        ],
      },
    });
    expect(prose).toContain('treesynth export answered.jsonl --format jsonl');
    expect(prose).toContain("Models in the rows' provenance: sim (simulated): 40 rows");
    expect(prose).toContain('None recorded');
  });

  it('replaces its own earlier export of the same source, and refuses any other non-empty folder', async () => {
    const out = join(work, 'again');
    await exportDataset({ source: data, format: 'openai', out });
    const second = await exportDataset({ source: data, format: 'alpaca', out });
    expect(readdirSync(out).sort()).toEqual([...second.files].sort());
    alpacaLine.parse(lines(join(out, 'train.jsonl'))[0]);
    const other = writeRows('other.jsonl', rows.slice(0, 3));
    await expect(exportDataset({ source: other, format: 'openai', out })).rejects.toThrow(
      `out: ${out} holds an export of another source`,
    );
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(exportDataset({ source: data, format: 'openai', out: foreign })).rejects.toThrow(
      `out: ${foreign} is not empty (notes.txt) and holds no export`,
    );
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    // Nothing of ours is left beside the folders.
    expect(readdirSync(work).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('names the option that is wrong', async () => {
    await expect(exportDataset({ source: data, format: 'csv' as 'openai' })).rejects.toThrow(
      /^format: expected one of openai/,
    );
    await expect(exportDataset({ source: data } as Parameters<typeof exportDataset>[0])).rejects.toThrow(
      /^format: which format\? one of openai, /,
    );
    await expect(
      exportDataset({ source: data, format: 'openai', split: 'train=0.9,test=0.2' }),
    ).rejects.toThrow('split: the shares add up to 1.1, not 1');
    await expect(
      exportDataset({ source: data, format: 'openai', responseField: 'solution' }),
    ).rejects.toThrow(/row leaf0\.0\.0 has no "solution"/);
    const torn = join(work, 'torn.jsonl');
    writeFileSync(torn, `${JSON.stringify(rows[0])}\n{"id": "leaf1.0.0", "quest`);
    await expect(exportDataset({ source: torn, format: 'openai', out: join(work, 'torn') })).rejects.toThrow(
      `${torn}: 1 bad row left out (line 2: not valid JSON); export drops no row silently, so nothing was written`,
    );
    expect(existsSync(join(work, 'torn'))).toBe(false);
    await expect(
      exportDataset({ source: data, format: 'openai', pushToHub: 'me/data', env: {} }),
    ).rejects.toThrow(/^HF_TOKEN: is not set; pushing to the hub needs a Hugging Face token/);
  });
});
