import type { TaskDefinitionInput } from '../task-definition.js';

export const codeTask: TaskDefinitionInput = {
  name: 'code',
  description:
    'Python programming instructions for an assistant, in the style of Code Alpaca: a task to implement, explain, fix or transform code, with an optional input.',
  fields: [
    { name: 'instruction', description: 'what the assistant is asked to do, as one clear request' },
    {
      name: 'input',
      description: 'the code, data or text the instruction works on; an empty string when none is needed',
    },
  ],
  requirements: [
    'The instruction is answerable with Python code or a short explanation of Python code.',
    'When the instruction refers to an input, the input field contains it in full.',
    'Do not include the solution.',
  ],
};
