import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPersonaFile } from './persona-file.js';

const dir = mkdtempSync(join(tmpdir(), 'treesynth-personas-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readPersonaFile (Persona Hub JSONL)', () => {
  it('reads the persona field of each line, skipping blank lines and other fields', () => {
    const path = file(
      'ok.jsonl',
      '{"persona": "A nurse on night shifts", "id": 1}\n\n{"persona": "A  chess\\ncoach"}\n',
    );
    expect(readPersonaFile(path)).toEqual(['A nurse on night shifts', 'A chess coach']);
  });

  it.each([
    ['not JSON', '{"persona": "A nurse"}\n{persona: nope}\n', /bad1\.jsonl:2: not a JSON object/],
    ['not an object', '["A nurse"]\n', /bad2\.jsonl:1: not a JSON object/],
    [
      'no persona field',
      '{"persona": "A nurse"}\n\n{"text": "x"}\n',
      /bad3\.jsonl:3: no "persona" string field/,
    ],
    ['an empty persona', '{"persona": "  "}\n', /bad4\.jsonl:1: no "persona" string field/],
  ])('a bad line (%s) is one line naming the file and line', (_, text, pattern) => {
    const index = ['not JSON', 'not an object', 'no persona field', 'an empty persona'].indexOf(_) + 1;
    const path = file(`bad${index}.jsonl`, text);
    let message = '';
    try {
      readPersonaFile(path);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(pattern);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('an empty or missing file names the file', () => {
    expect(() => readPersonaFile(file('empty.jsonl', '\n'))).toThrow(/empty\.jsonl: holds no persona/);
    expect(() => readPersonaFile(join(dir, 'missing.jsonl'))).toThrow(/missing\.jsonl: no such persona file/);
  });
});
