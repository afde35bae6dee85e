import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDatasetFile } from './read-dataset-file.js';
import { readRunFolder } from './read-run-folder.js';
import { describeProblems } from './text-rows.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-dataset-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

describe('readDatasetFile', () => {
  it('reads JSONL rows with their line numbers and lists the bad ones', async () => {
    const file = write(
      'rows.jsonl',
      [
        '{"question": "one", "answer": 1}',
        '',
        '{"question": "broken',
        '"a string"',
        '{"question": "   "}',
        '{"prompt": "no question"}',
        '{"question": "two"}',
      ].join('\r\n'),
    );
    const data = await readDatasetFile(file);
    expect(data.field).toBe('question');
    expect(data.rows).toEqual([
      { line: 1, record: { question: 'one', answer: 1 }, text: 'one' },
      { line: 7, record: { question: 'two' }, text: 'two' },
    ]);
    expect(data.problems).toEqual([
      { line: 3, reason: 'not valid JSON' },
      { line: 4, reason: 'not a JSON object' },
      { line: 5, reason: '"question" is not a non-empty string' },
      { line: 6, reason: 'no "question" field' },
    ]);
    expect(describeProblems(file, data.problems, 2)).toBe(
      `${file}: 4 bad rows left out (line 3: not valid JSON; line 4: not a JSON object; and 2 more)`,
    );
  });

  it('reads a .json array, guessing the text field from the first object', async () => {
    const file = write('rows.json', JSON.stringify([{ id: 1, instruction: 'a' }, 5, { instruction: 'b' }]));
    const data = await readDatasetFile(file);
    expect(data.field).toBe('instruction');
    expect(data.rows.map((row) => [row.line, row.text])).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    expect(data.problems).toEqual([{ line: 2, reason: 'not a JSON object' }]);
    await expect(readDatasetFile(file, 'id')).rejects.toMatchObject({
      name: 'ConfigError',
      message: `${file}:1: no usable rows; 3 bad, the first: "id" is not a non-empty string`,
    });
  });

  it('refuses what is not a dataset file, naming the file or the field option', async () => {
    await expect(readDatasetFile(write('body.jsonl', '{"body": "x", "n": 2}\n'))).rejects.toMatchObject({
      name: 'ConfigError',
      path: 'field',
      message: expect.stringContaining('string fields in its first row: body)'),
    });
    await expect(readDatasetFile(join(work, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: no such file$/);
    await expect(readDatasetFile(work)).rejects.toThrow('is a folder; expected a dataset file');
    await expect(readDatasetFile(write('object.json', '{}'))).rejects.toThrow(
      'a .json dataset must be an array of objects',
    );
    await expect(readDatasetFile(write('empty.jsonl', '\n\n'))).rejects.toMatchObject({
      name: 'ConfigError',
      message: `${join(work, 'empty.jsonl')}: the file has no rows`,
    });
    // No object to guess the field from: the rows are what is wrong, not the field.
    await expect(readDatasetFile(write('strings.jsonl', '"a"\n[1]\n'))).rejects.toMatchObject({
      name: 'ConfigError',
      message: `${join(work, 'strings.jsonl')}:1: no usable rows; 2 bad, the first: not a JSON object`,
    });
  });
});

describe('readRunFolder', () => {
  it('refuses a folder that is not a run, naming the file', async () => {
    const plain = join(work, 'plain');
    mkdirSync(plain);
    await expect(readRunFolder(plain)).rejects.toMatchObject({
      name: 'ConfigError',
      message: `${plain}: is a folder without run.json; expected a TreeSynth run folder or a JSONL/JSON file`,
    });
    const noTask = join(work, 'no-task');
    mkdirSync(noTask);
    writeFileSync(join(noTask, 'run.json'), '{"status": "complete"}');
    await expect(readRunFolder(noTask)).rejects.toMatchObject({
      name: 'ConfigError',
      message: `${join(noTask, 'run.json')}: has no task; not the run.json of a TreeSynth run`,
    });
    const badTree = join(work, 'bad-tree');
    mkdirSync(badTree);
    writeFileSync(
      join(badTree, 'run.json'),
      JSON.stringify({
        task: { name: 'word-problems', description: 'd', fields: [{ name: 'question', description: 'q' }] },
      }),
    );
    writeFileSync(join(badTree, 'tree.json'), JSON.stringify({ schemaVersion: 99, nodes: [] }));
    // The one checked tree.json reader (readTreeFile) refuses it, naming the file.
    await expect(readRunFolder(badTree)).rejects.toMatchObject({
      name: 'RunStoreError',
      message: `${join(badTree, 'tree.json')}: tree.json format 99 is not supported (expected 1); this version of treesynth cannot read it`,
    });
  });
});
