import type { TaskDefinitionInput } from '../task-definition.js';

export const gsm8kTask: TaskDefinitionInput = {
  name: 'gsm8k',
  description:
    'Grade-school math word problems that take two to eight steps of basic arithmetic to solve, in the style of GSM8K.',
  fields: [{ name: 'question', description: 'the word problem, ending with the question to answer' }],
  requirements: [
    'The problem is self-contained: every number needed to answer is stated in it.',
    'The answer is a single number that the stated facts determine exactly.',
    'Use everyday situations and plain language a grade-school student understands.',
    'Do not include the answer or a worked solution.',
  ],
};
