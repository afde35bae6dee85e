import { createRandom } from '@treesynth/core/internal';
import type { LatentWorld, SampleDraft } from '../latent-world.js';
import { objectNames, personNames } from './large-values.js';

const HIDDEN_FACTS: Record<string, string> = {
  'spoiled contents': 'gone bad inside',
  'a broken part': 'a cracked part underneath',
  'a swapped item': 'been swapped for an identical-looking one',
  'a hidden danger': 'a wasp nest tucked inside',
  'a changed plan': 'been reserved for someone else since this morning',
  'a fake label': 'a label that does not match what is inside',
};

const UNSEEN: Record<string, string> = {
  'sealed container': 'sealed inside its packaging',
  'out of sight': 'out of sight from where they stand',
  'happened while away': 'something that happened while they were away',
  'behind the character': 'happening behind their back',
  'disguised on purpose': 'disguised on purpose',
};

/** Theory-of-mind stories (SimpleToM). */
export function tomWorld(seed: number): LatentWorld {
  const random = createRandom(`tom:${seed}`);
  return {
    label: 'tom',
    dimensions: [
      {
        name: 'setting',
        values: [
          'kitchen',
          'office',
          'supermarket',
          'classroom',
          'park',
          'train station',
          'hospital waiting room',
          'library',
        ],
        large: false,
      },
      { name: 'hidden fact', values: Object.keys(HIDDEN_FACTS), large: false },
      { name: 'why it is unseen', values: Object.keys(UNSEEN), large: false },
      { name: 'question type', values: ['awareness', 'next action', 'judgement of behaviour'], large: false },
      {
        name: 'other character',
        values: ['stranger', 'friend', 'coworker', 'family member', 'shopkeeper'],
        large: false,
      },
      { name: 'stakes', values: ['low', 'moderate', 'high'], large: false },
      { name: 'mood', values: ['calm', 'hurried', 'excited', 'tired'], large: false },
      { name: 'main character', values: personNames(random), large: true },
      { name: 'key object', values: objectNames(random), large: true },
    ],
    write,
    describe: (draft) => write(draft).story!,
  };
}

function write(draft: SampleDraft): Record<string, string> {
  const name = draft.get('main character') ?? 'Alex';
  const object = draft.get('key object') ?? 'box';
  const hidden = HIDDEN_FACTS[draft.get('hidden fact') ?? ''] ?? 'a problem nobody mentioned';
  const unseen = UNSEEN[draft.get('why it is unseen') ?? ''] ?? 'not visible to them';
  const story =
    `${name} is in the ${draft.get('setting') ?? 'hallway'}, feeling ${draft.get('mood') ?? 'calm'}, and reaches for the ${object}. ` +
    `The ${object} has ${hidden}, which is ${unseen}. A ${draft.get('other character') ?? 'stranger'} nearby knows; the stakes are ${draft.get('stakes') ?? 'low'}.`;
  let question: string;
  let right: string;
  let wrong: string;
  switch (draft.get('question type')) {
    case 'next action':
      question = `What will ${name} most likely do next?`;
      right = `Use the ${object} as usual.`;
      wrong = `Set the ${object} aside because of what is wrong with it.`;
      break;
    case 'judgement of behaviour':
      question = `${name} uses the ${object} as usual. Is that reasonable?`;
      right = 'Reasonable: they had no way to know.';
      wrong = 'Not reasonable: they should have known.';
      break;
    default:
      question = `Is ${name} likely to be aware that the ${object} has ${hidden}?`;
      right = 'No.';
      wrong = 'Yes.';
  }
  const rightIsA = draft.random() < 0.5;
  return {
    story,
    question,
    answer_a: rightIsA ? right : wrong,
    answer_b: rightIsA ? wrong : right,
    correct: rightIsA ? 'a' : 'b',
  };
}
