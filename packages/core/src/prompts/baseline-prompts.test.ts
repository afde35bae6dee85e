import { describe, expect, it } from 'vitest';
import { PromptFormatError } from '../errors/prompt-format-error.js';
import { loadTask } from '../tasks/load-task.js';
import {
  BASELINE_SCHEMA_NAMES,
  evolvePrompt,
  personaPrompt,
  readBaselineRequest,
} from './baseline-prompts.js';
import { schemaHint } from './prompt-format.js';

const task = loadTask('gsm8k');

describe('baseline requests read back', () => {
  it('an evolution step: operation and the parent instruction, even one with heading-like lines', () => {
    const instruction = 'Ana has 3 apples.\n# Not a heading\nHow many are left?';
    const messages = evolvePrompt({ task, operation: 'reasoning', instruction });
    expect(readBaselineRequest(messages, BASELINE_SCHEMA_NAMES.evolve)).toEqual({
      kind: 'evolve',
      task: task.description,
      fields: ['question'],
      operation: 'reasoning',
      instruction,
    });
  });

  it('a text-to-persona request, with a schema hint appended', () => {
    const messages = personaPrompt({ task, text: 'The bakery sold 40 loaves.', count: 4 });
    const last = messages[1]!;
    const hinted = [
      messages[0]!,
      { ...last, content: `${last.content}\n\n${schemaHint('treesynth_persona', {})}` },
    ];
    expect(readBaselineRequest(hinted, BASELINE_SCHEMA_NAMES.persona)).toMatchObject({
      kind: 'persona',
      count: 4,
      text: 'The bakery sold 40 loaves.',
    });
  });

  it('another schema is no baseline request; a broken one names its section', () => {
    expect(
      readBaselineRequest(personaPrompt({ task, text: 'x', count: 1 }), 'treesynth_leaf'),
    ).toBeUndefined();
    const broken = evolvePrompt({ task, operation: 'deepen', instruction: 'x' }).map((m) => ({
      ...m,
      content: m.content.replace('# Instruction', '# Other'),
    }));
    expect(() => readBaselineRequest(broken, BASELINE_SCHEMA_NAMES.evolve)).toThrow(PromptFormatError);
  });
});
