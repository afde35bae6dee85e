import { createRandom } from '@treesynth/core/internal';
import type { LatentWorld, SampleDraft, WorldDimension } from '../latent-world.js';
import { objectNames, personNames, placeNames, shuffled } from './large-values.js';

/** Generic attributes any text task may vary on; a generic world takes a seeded choice of them. */
const VOCABULARY: readonly { name: string; values: readonly string[]; phrase: (value: string) => string }[] =
  [
    {
      name: 'tone',
      values: ['formal', 'casual', 'humorous', 'urgent', 'neutral', 'enthusiastic', 'sceptical', 'warm'],
      phrase: (value) => `in a ${value} tone`,
    },
    {
      name: 'audience',
      values: [
        'children',
        'teenagers',
        'students',
        'experts',
        'beginners',
        'retirees',
        'managers',
        'tourists',
      ],
      phrase: (value) => `for ${value}`,
    },
    {
      name: 'length',
      values: ['one sentence', 'two sentences', 'a short paragraph', 'two paragraphs', 'a bullet list'],
      phrase: (value) => `as ${value}`,
    },
    {
      name: 'format',
      values: ['question', 'instruction', 'story', 'dialogue', 'email', 'review', 'news item', 'recipe'],
      phrase: (value) => `shaped as a ${value}`,
    },
    {
      name: 'subject area',
      values: ['science', 'history', 'sport', 'cooking', 'travel', 'music', 'health', 'technology'],
      phrase: (value) => `about ${value}`,
    },
    {
      name: 'difficulty',
      values: ['easy', 'moderate', 'hard', 'very hard'],
      phrase: (value) => `at ${value} difficulty`,
    },
    {
      name: 'perspective',
      values: ['first person', 'second person', 'third person'],
      phrase: (value) => `told in the ${value}`,
    },
    {
      name: 'time period',
      values: [
        'ancient times',
        'the Middle Ages',
        'the 1800s',
        'the 1960s',
        'the present day',
        'the near future',
      ],
      phrase: (value) => `set in ${value}`,
    },
    {
      name: 'region',
      values: ['East Asia', 'South America', 'West Africa', 'Northern Europe', 'the Middle East', 'Oceania'],
      phrase: (value) => `with a setting in ${value}`,
    },
    {
      name: 'purpose',
      values: ['to inform', 'to persuade', 'to entertain', 'to instruct', 'to test understanding'],
      phrase: (value) => `written ${value}`,
    },
    {
      name: 'sentiment',
      values: ['positive', 'negative', 'balanced', 'ambivalent'],
      phrase: (value) => `with a ${value} sentiment`,
    },
    {
      name: 'vocabulary level',
      values: ['plain words', 'everyday words', 'technical terms', 'literary language'],
      phrase: (value) => `using ${value}`,
    },
  ];

const LARGE: readonly {
  name: string;
  values: (random: () => number) => string[];
  phrase: (value: string) => string;
}[] = [
  { name: 'named person', values: personNames, phrase: (value) => `featuring ${value}` },
  { name: 'featured object', values: objectNames, phrase: (value) => `mentioning a ${value}` },
  { name: 'named place', values: placeNames, phrase: (value) => `near the ${value}` },
];

/** A world for any task description: 6-8 generic dimensions and 1-2 large ones, chosen by a seeded draw. */
export function genericWorld(description: string, seed: number): LatentWorld {
  const random = createRandom(`generic:${seed}:${description}`);
  const phrases = new Map<string, (value: string) => string>();
  const dimensions: WorldDimension[] = [];
  const normalCount = 6 + Math.floor(random() * 3);
  for (const entry of shuffled(VOCABULARY, random).slice(0, normalCount)) {
    const valueCount = 3 + Math.floor(random() * Math.min(6, entry.values.length - 2));
    dimensions.push({
      name: entry.name,
      values: shuffled(entry.values, random).slice(0, valueCount),
      large: false,
    });
    phrases.set(entry.name, entry.phrase);
  }
  const largeCount = 1 + Math.floor(random() * 2);
  for (const entry of shuffled(LARGE, random).slice(0, largeCount)) {
    dimensions.push({ name: entry.name, values: entry.values(random), large: true });
    phrases.set(entry.name, entry.phrase);
  }
  const summary = description.length > 60 ? `${description.slice(0, 57)}...` : description;
  const describe = (draft: SampleDraft): string => {
    const parts = dimensions.map((dimension) => {
      const value = draft.get(dimension.name);
      return value === undefined ? '' : phrases.get(dimension.name)!(value);
    });
    return `A sample for "${summary}", ${parts.filter(Boolean).join(', ')}.`;
  };
  return { label: 'generic', dimensions, write: () => ({}), describe };
}
