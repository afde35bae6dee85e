import {
  BASELINE_SCHEMA_NAMES,
  type ChatMessage,
  evolvePrompt,
  loadTask,
  personaPrompt,
} from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { answerChatRequest } from './answer-request.js';
import { DEGENERATE_EVOLUTION_RATE } from './baseline-answers.js';

const task = loadTask('gsm8k');

function ask(name: string, messages: ChatMessage[], seed: number) {
  const reply = answerChatRequest({
    model: 'm',
    seed,
    messages,
    response_format: { type: 'json_schema', json_schema: { name, schema: {} } },
  });
  if (reply.status !== 200) throw new Error('refused');
  return { stage: reply.stage, content: JSON.parse(reply.completion.choices[0]!.message.content) };
}

describe('the simulator answers the baselines', () => {
  it('an in-depth evolution step extends the parent; the answer is the same for the same request', () => {
    const parent = 'Ana has 3 apples and eats one. How many are left?';
    const answers = Array.from({ length: 200 }, (_, seed) =>
      ask(
        BASELINE_SCHEMA_NAMES.evolve,
        evolvePrompt({ task, operation: 'constraints', instruction: parent }),
        seed,
      ),
    );
    expect(answers.every((answer) => answer.stage === 'evolve')).toBe(true);
    const grown = answers.filter((answer) => (answer.content.instruction as string).startsWith(`${parent} `));
    // Only the fixed share of degenerate answers (refusal, copied scaffolding, unchanged) does not extend it.
    expect(grown.length).toBeGreaterThan(200 * (1 - DEGENERATE_EVOLUTION_RATE * 2));
    expect(grown.length).toBeLessThan(200);
    const again = ask(
      BASELINE_SCHEMA_NAMES.evolve,
      evolvePrompt({ task, operation: 'constraints', instruction: parent }),
      7,
    );
    expect(again).toEqual(answers[7]);
  });

  it('text-to-persona names as many personas as asked', () => {
    const { stage, content } = ask(
      BASELINE_SCHEMA_NAMES.persona,
      personaPrompt({ task, text: 'The bakery sold 40 loaves on Monday.', count: 6 }),
      1,
    );
    expect(stage).toBe('persona');
    expect(content.personas).toHaveLength(6);
    expect(content.personas[0]).toMatch(/The bakery sold 40 loaves/);
  });
});
