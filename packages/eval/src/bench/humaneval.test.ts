import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPythonSandbox, type PythonSandbox } from '../sandbox/python-sandbox.js';
import { type HumanEvalProblem, humanEvalBenchmark, humanEvalProgram } from './humaneval.js';

describe('humanEval', () => {
  let sandbox: PythonSandbox;
  let problems: readonly HumanEvalProblem[];

  beforeAll(async () => {
    sandbox = createPythonSandbox();
    problems = await humanEvalBenchmark.problems();
  });
  afterAll(() => sandbox?.close());

  it('loads the 164 problems with their task ids', () => {
    expect(problems).toHaveLength(164);
    expect(problems[0]?.id).toBe('HumanEval/0');
    expect(problems[163]?.id).toBe('HumanEval/163');
    expect(humanEvalBenchmark.metrics).toEqual(['pass@1']);
  });

  it('refuses the sanitized option, which only MBPP has', async () => {
    await expect(humanEvalBenchmark.problems({ sanitized: true })).rejects.toThrow(/^sanitized: /);
  });

  it('builds prompt + solution + test + check(entry_point)', () => {
    const problem = problems[0] as HumanEvalProblem;
    const program = humanEvalProgram(problem, `${problem.prompt}    return True\n`);
    expect(program.startsWith(problem.prompt)).toBe(true);
    expect(program).toContain(problem.test);
    expect(program.trimEnd().endsWith('check(has_close_elements)')).toBe(true);
  });

  it('asks completion models with the raw prompt and stop sequences, chat models for a fenced function', () => {
    const problem = problems[0] as HumanEvalProblem;
    const completion = humanEvalBenchmark.prompt(problem, { mode: 'completion', shots: 0 });
    expect(completion).toEqual({
      mode: 'completion',
      prompt: problem.prompt,
      stop: ['\nclass', '\ndef', '\n#', '\nif __name__', '\nprint('],
    });
    const chat = humanEvalBenchmark.prompt(problem, { mode: 'chat', shots: 0 });
    expect(chat.mode).toBe('chat');
    const content = chat.mode === 'chat' ? (chat.messages[0]?.content ?? '') : '';
    expect(content).toContain('```python');
    expect(content).toContain(problem.prompt.trimEnd());
    expect(() => humanEvalBenchmark.prompt(problem, { mode: 'chat', shots: 2 })).toThrow(/^shots: /);
  });

  it('passes all 164 canonical solutions and almost none shifted by one problem', {
    timeout: 180_000,
  }, async () => {
    const gold = await Promise.all(
      problems.map((problem) => humanEvalBenchmark.score(problem, problem.canonicalSolution, { sandbox })),
    );
    const failedGold = problems.filter((_, index) => !gold[index]?.verdicts['pass@1']).map((p) => p.id);
    expect(failedGold).toEqual([]);
    expect(gold[0]?.execution?.status).toBe('ok');

    const shifted = await Promise.all(
      problems.map((problem, index) => {
        const next = problems[(index + 1) % problems.length] as HumanEvalProblem;
        return humanEvalBenchmark.score(problem, next.canonicalSolution, { sandbox });
      }),
    );
    const shiftedPasses = shifted.filter((score) => score.verdicts['pass@1']).length;
    console.log(`humaneval: gold ${164 - failedGold.length}/164, shifted controls ${shiftedPasses}/164`);
    expect(shiftedPasses / problems.length).toBeLessThan(0.05);
  });
});
