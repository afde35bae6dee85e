import { createRandom } from '@treesynth/core/internal';
import { drawInteger, type LatentWorld, type SampleDraft } from '../latent-world.js';
import { functionNames } from './large-values.js';

const TASK_KINDS: Record<string, (name: string) => string> = {
  'implement a function': (name) => `Write a Python function \`${name}\``,
  'fix a bug': (name) => `Find and fix the bug in the Python function \`${name}\``,
  'explain code': (name) => `Explain step by step what the Python function \`${name}\` does`,
  'refactor code': (name) => `Refactor the Python function \`${name}\` for readability`,
  'write unit tests': (name) => `Write pytest unit tests for the Python function \`${name}\``,
  'translate pseudocode': (name) => `Turn the pseudocode for \`${name}\` into Python`,
};

const OUTPUTS: Record<string, string> = {
  'returns a value': 'returns the result',
  'prints the result': 'prints the result',
  'modifies the argument in place': 'modifies its argument in place',
  'raises on bad input': 'raises ValueError on bad input',
};

/** Python instructions (Code Alpaca). */
export function codeWorld(seed: number): LatentWorld {
  const random = createRandom(`code:${seed}`);
  return {
    label: 'code',
    dimensions: [
      { name: 'task kind', values: Object.keys(TASK_KINDS), large: false },
      {
        name: 'data structure',
        values: ['list', 'dictionary', 'string', 'set', 'tuple', 'binary tree', 'graph', 'matrix'],
        large: false,
      },
      {
        name: 'domain',
        values: [
          'text processing',
          'finance',
          'games',
          'geometry',
          'file formats',
          'dates and times',
          'statistics',
        ],
        large: false,
      },
      { name: 'difficulty', values: ['beginner', 'intermediate', 'advanced'], large: false },
      {
        name: 'input kind',
        values: ['no input', 'code snippet', 'sample data', 'error message'],
        large: false,
      },
      {
        name: 'python feature',
        values: ['loops', 'recursion', 'comprehensions', 'classes', 'generators', 'decorators', 'exceptions'],
        large: false,
      },
      { name: 'output behaviour', values: Object.keys(OUTPUTS), large: false },
      { name: 'function name', values: functionNames(random), large: true },
    ],
    write: (draft) => ({ instruction: describe(draft), input: writeInput(draft) }),
    describe,
  };
}

function functionName(draft: SampleDraft): string {
  return (draft.get('function name') ?? 'solve').replace(/\s+/g, '_');
}

function describe(draft: SampleDraft): string {
  const name = functionName(draft);
  const request =
    TASK_KINDS[draft.get('task kind') ?? '']?.(name) ?? `Work with the Python function \`${name}\``;
  const output = OUTPUTS[draft.get('output behaviour') ?? ''] ?? 'returns the result';
  return (
    `${request}, which takes a ${draft.get('data structure') ?? 'list'} from ${draft.get('domain') ?? 'everyday'} data, ` +
    `uses ${draft.get('python feature') ?? 'loops'} and ${output}; written for ${draft.get('difficulty') ?? 'beginner'} programmers.`
  );
}

function writeInput(draft: SampleDraft): string {
  const name = functionName(draft);
  switch (draft.get('input kind')) {
    case 'no input':
      return '';
    case 'code snippet':
      return `def ${name}(items):\n    total = 0\n    for item in items:\n        total += item\n    return total / ${drawInteger(draft.random, 2, 9)}`;
    case 'error message':
      return `Traceback (most recent call last):\n  File "main.py", line ${drawInteger(draft.random, 3, 80)}, in ${name}\nKeyError: 'simulated'`;
    default: {
      const values = Array.from({ length: 5 }, () => drawInteger(draft.random, 0, 99));
      return `[${values.join(', ')}]`;
    }
  }
}
