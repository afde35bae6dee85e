import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPythonSandbox, type PythonSandbox } from '../sandbox/python-sandbox.js';
import { type MbppProblem, mbppBenchmark, mbppProgram } from './mbpp.js';

describe('mbpp', () => {
  let sandbox: PythonSandbox;
  let problems: readonly MbppProblem[];

  beforeAll(async () => {
    sandbox = createPythonSandbox();
    problems = await mbppBenchmark.problems();
  });
  afterAll(() => sandbox?.close());

  it('loads the test split, tasks 11 to 510, as mbpp/<task_id>', () => {
    expect(problems).toHaveLength(500);
    expect(problems[0]?.id).toBe('mbpp/11');
    expect(problems.at(-1)?.id).toBe('mbpp/510');
    expect(mbppBenchmark.metrics).toEqual(['pass@1']);
  });

  it('puts the setup code between the solution and the asserts', () => {
    const problem = problems.find((candidate) => candidate.taskId === 367) as MbppProblem;
    expect(problem.setupCode).toContain('root = Node(1)');
    const program = mbppProgram(problem, 'SOLUTION');
    expect(program.indexOf('SOLUTION')).toBeLessThan(program.indexOf('root = Node(1)'));
    expect(program.indexOf('root = Node(1)')).toBeLessThan(program.indexOf(problem.tests[0] as string));
  });

  it('builds the 3-shot completion prompt from tasks 2-4, and a chat prompt that shows the tests', () => {
    const problem = problems[0] as MbppProblem;
    const completion = mbppBenchmark.prompt(problem, { mode: 'completion', shots: 3 });
    if (completion.mode !== 'completion') throw new Error('expected a completion prompt');
    expect(completion.stop).toEqual(['[DONE]']);
    expect(completion.prompt.match(/\[BEGIN\]/g)).toHaveLength(4);
    expect(completion.prompt.match(/\[DONE\]/g)).toHaveLength(3);
    expect(completion.prompt).toContain('similar_elements'); // task 2's function
    expect(completion.prompt).toContain('is_not_prime'); // task 3's
    expect(completion.prompt).toContain('heap_queue_largest'); // task 4's
    expect(completion.prompt.endsWith(`${problem.tests.at(-1)}\n[BEGIN]\n`)).toBe(true);
    expect(mbppBenchmark.defaultShots.completion).toBe(3);

    const chat = mbppBenchmark.prompt(problem, { mode: 'chat', shots: 0 });
    if (chat.mode !== 'chat') throw new Error('expected a chat prompt');
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]?.content).toContain(problem.tests[0]);
    expect(chat.messages[0]?.content).toContain('```python');
    const chatWithShots = mbppBenchmark.prompt(problem, { mode: 'chat', shots: 2 });
    expect(chatWithShots.mode === 'chat' && chatWithShots.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(() => mbppBenchmark.prompt(problem, { mode: 'completion', shots: 4 })).toThrow(/^shots: /);
  });

  it('loads the sanitized set restricted to the test split, with its imports as setup', async () => {
    const sanitized = await mbppBenchmark.problems({ sanitized: true });
    expect(sanitized.length).toBe(257);
    expect(sanitized.every((problem) => problem.taskId >= 11 && problem.taskId <= 510)).toBe(true);
    expect(sanitized.some((problem) => problem.setupCode.includes('import math'))).toBe(true);
    const scores = await Promise.all(
      sanitized.map((problem) => mbppBenchmark.score(problem, problem.referenceCode, { sandbox })),
    );
    const failed = sanitized.filter((_, index) => !scores[index]?.verdicts['pass@1']).map((p) => p.id);
    console.log(`mbpp sanitized: gold ${sanitized.length - failed.length}/${sanitized.length}`);
    expect(failed).toEqual([]);
  }, 120_000);

  it('passes all 500 reference solutions and almost none shifted by one problem', async () => {
    const gold = await Promise.all(
      problems.map((problem) => mbppBenchmark.score(problem, problem.referenceCode, { sandbox })),
    );
    const failedGold = problems.filter((_, index) => !gold[index]?.verdicts['pass@1']).map((p) => p.id);
    expect(failedGold).toEqual([]);

    const shifted = await Promise.all(
      problems.map((problem, index) => {
        const next = problems[(index + 1) % problems.length] as MbppProblem;
        return mbppBenchmark.score(problem, next.referenceCode, { sandbox });
      }),
    );
    const shiftedPasses = shifted.filter((score) => score.verdicts['pass@1']).length;
    console.log(`mbpp: gold ${500 - failedGold.length}/500, shifted controls ${shiftedPasses}/500`);
    expect(shiftedPasses / problems.length).toBeLessThan(0.05);
  }, 300_000);
});
