import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellCommandLine, shellQuote } from './shell-command-line.js';

describe('shellCommandLine', () => {
  it('leaves out the omitted options with their values, in both spellings, and the switches', () => {
    const words = [
      'treesynth',
      'export',
      'runs/x',
      '--out',
      'a',
      '--format=openai',
      '--hub-url=h',
      '--json',
      '--seed',
      '3',
    ];
    expect(shellCommandLine(words, { options: ['--out', '--hub-url'], switches: ['--json'] })).toBe(
      'treesynth export runs/x --format=openai --seed 3',
    );
    expect(shellCommandLine(words)).toBe(
      'treesynth export runs/x --out a --format=openai --hub-url=h --json --seed 3',
    );
  });

  it('quotes what the shell would split or expand, so the shell gives back the same words', () => {
    const words = ['say', 'Solve step by step.', "it's", '$HOME', 'a*b', '', 'plain-word_1.5,x=y'];
    const line = shellCommandLine(words);
    expect(line).toBe(`say 'Solve step by step.' 'it'\\''s' '$HOME' 'a*b' '' plain-word_1.5,x=y`);
    const echoed = execFileSync('sh', ['-c', `printf '%s\\n' ${line.slice('say '.length)}`], {
      encoding: 'utf8',
    });
    expect(echoed.split('\n').slice(0, -1)).toEqual(words.slice(1));
    expect(shellQuote('ok')).toBe('ok');
  });
});
