import type { TaskDefinitionInput } from '../task-definition.js';

/** The seven subjects of the MATH benchmark (Hendrycks et al.); they fix the first level of the tree. */
export const MATH_SUBJECTS = [
  'Algebra',
  'Counting & Probability',
  'Geometry',
  'Intermediate Algebra',
  'Number Theory',
  'Prealgebra',
  'Precalculus',
] as const;

export const mathTask: TaskDefinitionInput = {
  name: 'math',
  description:
    'Competition mathematics problems of high-school olympiad and contest difficulty, in the style of the MATH benchmark.',
  fields: [
    { name: 'problem', description: 'the problem statement; write mathematics in LaTeX between $ signs' },
  ],
  requirements: [
    'The problem has one final answer that can be checked exactly (a number, expression, interval or set).',
    'State every condition needed; avoid ambiguity.',
    'Do not include the answer or a solution.',
  ],
  fixedLevels: [{ dimension: 'subject', values: [...MATH_SUBJECTS] }],
};
