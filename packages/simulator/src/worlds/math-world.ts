import { createRandom, MATH_SUBJECTS } from '@treesynth/core/internal';
import { drawInteger, type LatentWorld, type SampleDraft } from '../latent-world.js';
import { featuredNumbers } from './large-values.js';

const QUESTION_FORMS: Record<string, string> = {
  'find a value': 'Find the value of $x$.',
  'count the possibilities': 'How many ordered pairs $(a, b)$ are possible?',
  'find a maximum or minimum': 'Find the largest possible value of $a + b$.',
  'find a sum': 'Find the sum of all such values of $x$.',
  'compute a probability': 'What is the probability that $x$ is even?',
};

const ANSWER_FORMS: Record<string, string> = {
  integer: 'an integer',
  'common fraction': 'a common fraction',
  'simplified radical': 'a simplified radical',
  interval: 'an interval',
  polynomial: 'a polynomial in $x$',
  'set of values': 'a set of values',
};

/** Competition problems (MATH); `subject` holds exactly MATH's seven subjects. */
export function mathWorld(seed: number): LatentWorld {
  const random = createRandom(`math:${seed}`);
  return {
    label: 'math',
    dimensions: [
      { name: 'subject', values: [...MATH_SUBJECTS], large: false },
      {
        name: 'difficulty level',
        values: ['Level 1', 'Level 2', 'Level 3', 'Level 4', 'Level 5'],
        large: false,
      },
      { name: 'answer form', values: Object.keys(ANSWER_FORMS), large: false },
      {
        name: 'technique',
        values: [
          'casework',
          'substitution',
          'symmetry',
          'complementary counting',
          'telescoping sums',
          'coordinates',
          'modular arithmetic',
        ],
        large: false,
      },
      { name: 'question form', values: Object.keys(QUESTION_FORMS), large: false },
      {
        name: 'presentation',
        values: ['abstract statement', 'word problem', 'described figure', 'recursive definition'],
        large: false,
      },
      {
        name: 'number of conditions',
        values: ['one condition', 'two conditions', 'three or more conditions'],
        large: false,
      },
      { name: 'featured number', values: featuredNumbers(random), large: true },
    ],
    write: (draft) => ({ problem: describe(draft) }),
    describe,
  };
}

function describe(draft: SampleDraft): string {
  const number = draft.get('featured number') ?? String(drawInteger(draft.random, 2, 99));
  const coefficient = drawInteger(draft.random, 2, 9);
  const question = QUESTION_FORMS[draft.get('question form') ?? ''] ?? 'Find the value of $x$.';
  const answer = ANSWER_FORMS[draft.get('answer form') ?? ''] ?? 'an integer';
  return (
    `In this ${draft.get('subject') ?? 'mathematics'} ${draft.get('presentation') ?? 'problem'}, let $N = ${number}$ ` +
    `and suppose $${coefficient}x + a \\equiv b \\pmod{N}$ with ${draft.get('number of conditions') ?? 'one condition'} on $a$ and $b$. ` +
    `${question} Express your answer as ${answer}.`
  );
}
