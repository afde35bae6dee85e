import type { TaskDefinitionInput } from '../task-definition.js';

export const tomTask: TaskDefinitionInput = {
  name: 'tom',
  description:
    'Theory-of-mind tests in the style of SimpleToM: a short everyday story in which a character lacks a piece of information the reader has, and a question about what that character knows or will do.',
  fields: [
    {
      name: 'story',
      description:
        'two or three sentences; the key fact is stated plainly but the character cannot perceive it',
    },
    {
      name: 'question',
      description:
        'a question about the character’s awareness, next action, or the reasonableness of that action',
    },
    { name: 'answer_a', description: 'one candidate answer' },
    { name: 'answer_b', description: 'the other candidate answer' },
    { name: 'correct', description: 'which answer is right: "a" or "b"' },
  ],
  requirements: [
    'The story never says outright what the character knows or believes.',
    'Exactly one of the two answers is correct for a reader who tracks what the character can perceive.',
  ],
};
