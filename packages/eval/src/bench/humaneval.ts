import { ConfigError } from '@treesynth/core';
import { scoreProgram } from '../sandbox/score-program.js';
import type {
  BenchmarkDefinition,
  BenchProblem,
  BenchPrompt,
  ProblemScore,
  ScoreContext,
} from './benchmark.js';
import { loadBenchmarkSet } from './benchmark-sets.js';
import { HUMANEVAL_STOP_SEQUENCES, humanEvalSolution } from './code-completion.js';

export interface HumanEvalProblem extends BenchProblem {
  /** `HumanEval/<n>`. */
  readonly id: string;
  /** Imports, the signature and the docstring: what the model completes. */
  readonly prompt: string;
  readonly entryPoint: string;
  /** Defines `check(candidate)`. */
  readonly test: string;
  /** The reference body, used by the gold-solution tests. */
  readonly canonicalSolution: string;
}

/** The complete program for a solution: the solution, the tests, and the call of `check`. */
export function humanEvalProgram(problem: HumanEvalProblem, solution: string): string {
  return `${solution}\n${problem.test}\ncheck(${problem.entryPoint})\n`;
}

function chatPrompt(problem: HumanEvalProblem): BenchPrompt {
  const content = [
    'Complete the following Python function. Keep its name and signature, and reply with the whole',
    'function (and any imports it needs) in a single ```python code block.',
    '',
    '```python',
    problem.prompt.trimEnd(),
    '```',
  ].join('\n');
  return { mode: 'chat', messages: [{ role: 'user', content }] };
}

/**
 * HumanEval (164 hand-written Python functions, Chen et al. 2021). Zero-shot in both modes: the
 * completion prompt is the problem's prompt itself, cut at the stop sequences; the chat prompt
 * asks for the whole function in a fence. `pass@1` is one sample's verdict; the runner estimates
 * pass@k over several samples with `passAtK`.
 */
export const humanEvalBenchmark: BenchmarkDefinition<HumanEvalProblem> = {
  name: 'humaneval',
  metrics: ['pass@1'],
  defaultShots: { chat: 0, completion: 0 },

  async problems(options) {
    if (options?.sanitized) {
      throw new ConfigError({ path: 'sanitized', message: 'applies to mbpp only, not humaneval' });
    }
    const rows = await loadBenchmarkSet('humaneval');
    return rows.map((row) => ({
      id: row.task_id,
      prompt: row.prompt,
      entryPoint: row.entry_point,
      test: row.test,
      canonicalSolution: row.canonical_solution,
    }));
  },

  prompt(problem, { mode, shots }) {
    if (shots > 0) {
      throw new ConfigError({ path: 'shots', message: `humaneval is zero-shot, got ${shots}` });
    }
    if (mode === 'chat') return chatPrompt(problem);
    return { mode: 'completion', prompt: problem.prompt, stop: HUMANEVAL_STOP_SEQUENCES };
  },

  async score(problem, output, context: ScoreContext): Promise<ProblemScore> {
    const solution = humanEvalSolution(problem.prompt, problem.entryPoint, output);
    return scoreProgram(solution, humanEvalProgram(problem, solution), context);
  },
};
