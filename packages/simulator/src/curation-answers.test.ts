import { parseTask } from '@treesynth/core';
import { answerPrompt, hash32, judgePrompt } from '@treesynth/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from './start-simulator.js';

const gsm8k = parseTask({
  name: 'gsm8k',
  description: 'Grade-school math word problems in the style of GSM8K.',
  fields: [{ name: 'question', description: 'the problem' }],
});
const answerFields = [{ name: 'answer', description: 'a solution ending in #### <number>' }];

/** docs/simulator.md, "Answers and judgements": the rule, restated. */
function documented(seed: number, question: string, vote: number, accuracy: number) {
  const truth = 2 + (hash32(`${seed}|truth|${question}`) % 998);
  const right = hash32(`${seed}|answer|${question}|${vote}`) / 2 ** 32 < accuracy;
  return right ? truth : truth + 1 + (hash32(`${seed}|wrong|${question}|${vote}`) % 3);
}

describe('the simulator answers curation requests over HTTP', () => {
  let simulator: Simulator;
  const post = async (body: unknown) => {
    const response = await fetch(`${simulator.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { choices: { message: { content: string } }[] };
    return JSON.parse(json.choices[0]!.message.content) as Record<string, unknown>;
  };
  const answer = (question: string, seed: number) =>
    post({
      model: 'sim',
      seed,
      messages: answerPrompt({
        task: gsm8k,
        path: [],
        answerFields,
        instructions: 'Solve.',
        sample: { question },
      }),
      response_format: { type: 'json_schema', json_schema: { name: 'treesynth_answer', schema: {} } },
    });

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 7, answerAccuracy: 0.3 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('gives the documented value for each question and vote, right in the stated share', async () => {
    let right = 0;
    const questions = Array.from({ length: 300 }, (_, index) => `How many apples, case ${index}?`);
    for (const question of questions) {
      for (const vote of [0, 1]) {
        const reply = await answer(question, vote);
        const value = Number(/#### (\d+)$/.exec(String(reply.answer))?.[1]);
        expect(value).toBe(documented(7, question, vote, 0.3));
        if (value === documented(7, question, vote, 1)) right++;
      }
    }
    // 600 draws at 0.3: within four standard deviations (0.075).
    expect(Math.abs(right / 600 - 0.3)).toBeLessThan(0.075);
    expect(simulator.stats().byStage.answer).toBe(600);
  });

  it('judges a right answer 4-5 and a wrong one 1-3 on every criterion', async () => {
    const criteria = [
      { name: 'correctness', description: 'right' },
      { name: 'clarity', description: 'clear' },
    ];
    for (let index = 0; index < 40; index++) {
      const question = `How many pears, case ${index}?`;
      const truth = documented(7, question, 0, 1);
      for (const [value, low, high] of [
        [truth, 4, 5],
        [truth + 2, 1, 3],
      ] as const) {
        const reply = await post({
          model: 'sim',
          messages: judgePrompt({
            task: gsm8k,
            path: [],
            criteria,
            sample: { question, answer: `#### ${value}` },
          }),
          response_format: { type: 'json_schema', json_schema: { name: 'treesynth_judge', schema: {} } },
        });
        for (const score of Object.values(reply.scores as Record<string, number>)) {
          expect(score).toBeGreaterThanOrEqual(low);
          expect(score).toBeLessThanOrEqual(high);
        }
      }
    }
  });
});
