import { describe, expect, it } from 'vitest';
import type { ScoreContext } from './benchmark.js';
import { loadBenchmarkSet } from './benchmark-sets.js';
import { MATH_SHOTS, mathBenchmark } from './math.js';
import { extractBoxedAnswer } from './math-answer/extract-answer.js';

/** MATH needs no sandbox; a score() that touched it would fail loudly. */
const context = {
  get sandbox(): never {
    throw new Error('math must not use the sandbox');
  },
} as ScoreContext;

describe('mathBenchmark on MATH-500', () => {
  // A consistency check of extraction and equivalence on the released solutions, not evidence of
  // accuracy on model outputs (the gold `answer` is the solution's own boxed text in most rows).
  it('scores every released solution against its own answer (500/500)', async () => {
    const problems = await mathBenchmark.problems();
    const rows = await loadBenchmarkSet('math500-test');
    expect(problems).toHaveLength(500);
    let correct = 0;
    const misses: string[] = [];
    for (const [index, problem] of problems.entries()) {
      const score = await mathBenchmark.score(problem, rows[index]?.solution ?? '', context);
      if (score.verdicts.accuracy) correct++;
      else misses.push(`${problem.id}: ${score.extracted} vs ${problem.answer}`);
    }
    console.log(`math-500 gold: ${correct}/500`);
    expect(misses).toEqual([]);
    expect(correct).toBe(500);
  });

  it('scores solutions against the next row’s answer near zero (shifted control)', async () => {
    const problems = await mathBenchmark.problems();
    const rows = await loadBenchmarkSet('math500-test');
    let correct = 0;
    for (const [index, problem] of problems.entries()) {
      const next = rows[(index + 1) % rows.length];
      const score = await mathBenchmark.score(problem, next?.solution ?? '', context);
      if (score.verdicts.accuracy) correct++;
    }
    console.log(`math-500 shifted control: ${correct}/500`);
    expect(correct / problems.length).toBeLessThan(0.03);
  });

  it('ids problems by unique_id and scores an unboxed output by its stated answer', async () => {
    const problems = await mathBenchmark.problems();
    const problem = problems[0];
    if (problem === undefined) throw new Error('no problem');
    expect(problem.id).toBe('test/precalculus/807.json');
    const good = await mathBenchmark.score(problem, 'The final answer is $(3, \\pi/2)$.', context);
    expect(good).toEqual({ extracted: '(3, \\pi/2)', verdicts: { accuracy: true } });
    const wrong = await mathBenchmark.score(problem, 'So we get $\\boxed{(3, \\pi)}$.', context);
    expect(wrong.verdicts.accuracy).toBe(false);
    const none = await mathBenchmark.score(problem, 'I do not know.', context);
    expect(none).toEqual({ extracted: null, verdicts: { accuracy: false } });
  });
});

describe('mathBenchmark prompts', () => {
  it('asks chat models for a boxed answer, zero-shot by default', async () => {
    const [problem] = await mathBenchmark.problems();
    if (problem === undefined) throw new Error('no problem');
    expect(mathBenchmark.defaultShots).toEqual({ chat: 0, completion: 4 });
    const prompt = mathBenchmark.prompt(problem, { mode: 'chat', shots: 0 });
    if (prompt.mode !== 'chat') throw new Error('expected a chat prompt');
    expect(prompt.messages).toHaveLength(1);
    expect(prompt.messages[0]?.content).toContain('\\boxed{}');
    expect(prompt.messages[0]?.content).toContain(problem.problem);
  });

  it('builds a 4-shot Problem/Solution completion prompt from the project’s own examples', async () => {
    const [problem] = await mathBenchmark.problems();
    if (problem === undefined) throw new Error('no problem');
    const prompt = mathBenchmark.prompt(problem, { mode: 'completion', shots: 4 });
    if (prompt.mode !== 'completion') throw new Error('expected a completion prompt');
    expect(prompt.prompt.match(/^Problem:\n/gm)).toHaveLength(5);
    expect(prompt.prompt.endsWith(`Problem:\n${problem.problem}\n\nSolution:`)).toBe(true);
    expect(prompt.stop).toContain('\n\nProblem:');
    expect(() => mathBenchmark.prompt(problem, { mode: 'completion', shots: 5 })).toThrow(/^shots: /);
  });

  it('shots are not MATH-500 problems and each one boxes its answer', async () => {
    const rows = await loadBenchmarkSet('math500-test');
    const problems = new Set(rows.map((row) => row.problem.replace(/\s+/g, ' ')));
    expect(MATH_SHOTS).toHaveLength(4);
    for (const shot of MATH_SHOTS) {
      expect(problems.has(shot.problem.replace(/\s+/g, ' '))).toBe(false);
      expect(extractBoxedAnswer(shot.solution)).not.toBeNull();
    }
  });
});
