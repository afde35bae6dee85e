import type { ChatMessage } from '@treesynth/core';
import { ConfigError } from '@treesynth/core';
import { scoreProgram } from '../sandbox/score-program.js';
import type { BenchmarkDefinition, BenchProblem, BenchPrompt, ProblemScore } from './benchmark.js';
import { loadBenchmarkSet } from './benchmark-sets.js';
import { MBPP_BEGIN_MARKER, MBPP_END_MARKER, mbppSolution } from './code-completion.js';

export interface MbppProblem extends BenchProblem {
  /** `mbpp/<task_id>`. */
  readonly id: string;
  readonly taskId: number;
  /** The task in words. */
  readonly text: string;
  /** The `assert` lines. */
  readonly tests: readonly string[];
  /** Run between the solution and the asserts: `test_setup_code`, or the sanitized set's imports. */
  readonly setupCode: string;
  /** The reference solution, used by the gold-solution tests. */
  readonly referenceCode: string;
  /** The few-shot examples (tasks 2–4 of the prompt split), shared by every problem. */
  readonly examples: readonly MbppExample[];
}

export interface MbppExample {
  readonly text: string;
  readonly tests: readonly string[];
  readonly referenceCode: string;
}

/** The standard test split: tasks 11–510. Tasks 2–4 are the few-shot examples (1–10 are the prompt split). */
export const MBPP_TEST_RANGE = { first: 11, last: 510 } as const;
const SHOT_TASK_IDS = [2, 3, 4] as const;
const MAX_SHOTS = SHOT_TASK_IDS.length;

/**
 * The complete program: solution, setup, asserts. The setup comes after the solution because the
 * setup of task 367 (and 927) builds `Node` objects of a class the solution defines.
 */
export function mbppProgram(problem: MbppProblem, solution: string): string {
  return [solution, problem.setupCode, ...problem.tests, ''].join('\n');
}

async function loadExamples(): Promise<MbppExample[]> {
  const rows = await loadBenchmarkSet('mbpp');
  return SHOT_TASK_IDS.map((taskId) => {
    const row = rows.find((candidate) => candidate.task_id === taskId);
    if (row === undefined) throw new Error(`mbpp.jsonl: few-shot task ${taskId} is missing`);
    return { text: row.text, tests: row.test_list, referenceCode: row.code.replaceAll('\r\n', '\n') };
  });
}

function taskText(problem: MbppExample): string {
  return `Task: ${problem.text}\nThe function must pass these tests:\n${problem.tests.join('\n')}`;
}

function checkShots(shots: number): void {
  if (!Number.isInteger(shots) || shots < 0 || shots > MAX_SHOTS) {
    throw new ConfigError({ path: 'shots', message: `mbpp takes 0 to ${MAX_SHOTS} shots, got ${shots}` });
  }
}

function completionPrompt(problem: MbppProblem, shots: number): BenchPrompt {
  const block = (example: MbppExample, code: string) => `${taskText(example)}\n${MBPP_BEGIN_MARKER}\n${code}`;
  const examples = problem.examples
    .slice(0, shots)
    .map((example) => `${block(example, example.referenceCode)}\n${MBPP_END_MARKER}\n\n`);
  return {
    mode: 'completion',
    prompt: `You are a skilled Python programmer. Solve each task with one Python function.\n\n${examples.join('')}${block(problem, '')}`,
    stop: [MBPP_END_MARKER],
  };
}

function chatQuestion(problem: MbppExample): string {
  return `${taskText(problem)}\n\nReply with the Python function (and any imports it needs) in a single \`\`\`python code block.`;
}

function chatPrompt(problem: MbppProblem, shots: number): BenchPrompt {
  const messages: ChatMessage[] = [];
  for (const example of problem.examples.slice(0, shots)) {
    messages.push({ role: 'user', content: chatQuestion(example) });
    messages.push({ role: 'assistant', content: `\`\`\`python\n${example.referenceCode}\n\`\`\`` });
  }
  messages.push({ role: 'user', content: chatQuestion(problem) });
  return { mode: 'chat', messages };
}

/**
 * MBPP (Austin et al., 2021): the 500-task test split, or with `sanitized` the hand-verified subset
 * of it (257 tasks) with its own wording and `test_imports`. Completion models get the usual 3-shot
 * prompt (tasks 2–4, each solution between `[BEGIN]` and `[DONE]`); chat models a request for the
 * function in a fence, with the tests shown. `pass@1` is one sample's verdict.
 */
export const mbppBenchmark: BenchmarkDefinition<MbppProblem> = {
  name: 'mbpp',
  metrics: ['pass@1'],
  defaultShots: { chat: 0, completion: 3 },

  async problems(options) {
    const examples = await loadExamples();
    const toProblem = (
      taskId: number,
      text: string,
      code: string,
      tests: readonly string[],
      setup: string,
    ) => ({
      id: `mbpp/${taskId}`,
      taskId,
      text,
      tests,
      setupCode: setup.replaceAll('\r\n', '\n'),
      referenceCode: code,
      examples,
    });
    const inTestSplit = (taskId: number) => taskId >= MBPP_TEST_RANGE.first && taskId <= MBPP_TEST_RANGE.last;
    if (options?.sanitized) {
      const rows = await loadBenchmarkSet('mbpp-sanitized');
      return rows
        .filter((row) => inTestSplit(row.task_id))
        .map((row) =>
          toProblem(row.task_id, row.prompt, row.code, row.test_list, row.test_imports.join('\n')),
        );
    }
    const rows = await loadBenchmarkSet('mbpp');
    return rows
      .filter((row) => inTestSplit(row.task_id))
      .map((row) => toProblem(row.task_id, row.text, row.code, row.test_list, row.test_setup_code));
  },

  prompt(problem, { mode, shots }) {
    checkShots(shots);
    return mode === 'chat' ? chatPrompt(problem, shots) : completionPrompt(problem, shots);
  },

  async score(problem, output, context): Promise<ProblemScore> {
    const solution = mbppSolution(output);
    return scoreProgram(solution, mbppProgram(problem, solution), context);
  },
};
