import type { TaskDefinition } from '@treesynth/core';
import type { NamedLine } from '@treesynth/core/internal';

/** How a row's final answer is checked by verification: a number, a MATH answer, code tests, or not at all. */
export type AnswerCheck = 'gsm8k' | 'math' | 'code' | 'none';

/** What the answer step writes for a task's rows (docs/curate.md, docs/export.md's row contract). */
export interface TaskAnswer {
  fields: NamedLine[];
  instructions: string;
  check: AnswerCheck;
}

const BUILTIN: Record<string, TaskAnswer> = {
  gsm8k: {
    fields: [
      {
        name: 'answer',
        description:
          'a step-by-step solution in plain sentences whose last line is "#### <number>", the final number only (no units)',
      },
    ],
    instructions: 'Solve the math word problem of the sample step by step, as GSM8K solutions are written.',
    check: 'gsm8k',
  },
  math: {
    fields: [
      {
        name: 'solution',
        description: 'a step-by-step solution that ends with the final answer in \\boxed{...}',
      },
      { name: 'answer', description: 'the final answer alone, exactly as in the box' },
    ],
    instructions: 'Solve the competition problem of the sample, showing the reasoning in LaTeX.',
    check: 'math',
  },
  code: {
    fields: [
      { name: 'output', description: 'a complete, self-contained Python solution (code only, no prose)' },
      {
        name: 'tests',
        description: 'assert statements, one a line, that a correct solution passes and a wrong one fails',
      },
    ],
    instructions: 'Write the Python solution the instruction asks for, and tests of it.',
    check: 'code',
  },
};

const GENERIC_FIELD = {
  name: 'answer',
  description: 'the response a helpful expert would give to the sample',
};

/**
 * The answer a task's rows get. `undefined` for tom, whose rows carry their answer already (the
 * answer step copies the right candidate into `answer` without a call).
 */
export function taskAnswer(task: TaskDefinition): TaskAnswer | undefined {
  if (task.name === 'tom') return undefined;
  if (task.answer)
    return {
      fields: task.answer.fields,
      instructions: task.answer.instructions ?? 'Answer the sample as the task intends.',
      check: 'none',
    };
  return (
    BUILTIN[task.name] ?? {
      fields: [GENERIC_FIELD],
      instructions: 'Answer the sample as the task intends.',
      check: 'none',
    }
  );
}

/** A tom row's answer: the text of the candidate its `correct` field names. */
export function tomAnswer(row: Readonly<Record<string, unknown>>): string | undefined {
  const correct = typeof row.correct === 'string' ? row.correct.trim().toLowerCase() : '';
  const answer = correct === 'a' ? row.answer_a : correct === 'b' ? row.answer_b : undefined;
  return typeof answer === 'string' && answer.trim() !== '' ? answer : undefined;
}
