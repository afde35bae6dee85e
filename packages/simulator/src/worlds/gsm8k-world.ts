import { createRandom, pick } from '@treesynth/core/internal';
import { drawInteger, type LatentWorld, type SampleDraft } from '../latent-world.js';
import { objectNames, personNames } from './large-values.js';

const NUMBER_RANGES: Record<string, [number, number]> = {
  'single-digit': [2, 9],
  'two-digit': [10, 99],
  'three-digit': [100, 999],
  'four-digit': [1000, 9999],
};

const SETTINGS: Record<string, string> = {
  farm: 'On a farm',
  bakery: 'At a bakery',
  school: 'At school',
  'grocery store': 'At the grocery store',
  'birthday party': 'At a birthday party',
  'sports team': 'With the sports team',
  'road trip': 'On a road trip',
  garden: 'In the garden',
};

const QUANTITIES: Record<string, { amount: (count: number) => string; unit: string }> = {
  money: { amount: (count) => `$${count}`, unit: 'dollars' },
  time: { amount: (count) => `${count} minutes`, unit: 'minutes' },
  length: { amount: (count) => `${count} meters of ribbon`, unit: 'meters' },
  weight: { amount: (count) => `${count} kilograms of flour`, unit: 'kilograms' },
  items: { amount: (count) => `${count} items`, unit: 'items' },
};

const OPERATIONS: Record<string, (count: number) => string> = {
  addition: (count) => `then gets ${count} more`,
  subtraction: (count) => `then gives ${count} away`,
  multiplication: (count) => `then ends up with ${count} times as much`,
  division: (count) => `then shares it equally among ${count} friends`,
  fractions: (count) => `then uses 1/${count} of it`,
  percentages: (count) => `then spends ${count}% of it`,
};

const QUESTIONS: Record<string, (unit: string) => string> = {
  'total amount': (unit) => `How many ${unit} are there in total?`,
  'amount left': (unit) => `How many ${unit} are left?`,
  cost: () => 'How much does it all cost, in dollars?',
  'time needed': () => 'How many minutes does it take altogether?',
  'difference between two amounts': (unit) => `How many more ${unit} are there at the end than at the start?`,
  'amount per person': (unit) => `How many ${unit} does each person get?`,
};

const EXTRAS: Record<string, (draft: SampleDraft) => string> = {
  'no extra facts': () => '',
  'one irrelevant number': (draft) =>
    ` A friend who comes along is ${drawInteger(draft.random, 6, 14)} years old.`,
  'an irrelevant sentence': () => ' The weather that day is pleasant.',
};

/** Grade-school word problems (GSM8K). */
export function gsm8kWorld(seed: number): LatentWorld {
  const random = createRandom(`gsm8k:${seed}`);
  return {
    label: 'gsm8k',
    dimensions: [
      { name: 'setting', values: Object.keys(SETTINGS), large: false },
      { name: 'main operation', values: Object.keys(OPERATIONS), large: false },
      { name: 'number size', values: Object.keys(NUMBER_RANGES), large: false },
      {
        name: 'number of steps',
        values: ['two steps', 'three steps', 'four steps', 'five or six steps', 'seven or eight steps'],
        large: false,
      },
      { name: 'question type', values: Object.keys(QUESTIONS), large: false },
      { name: 'quantity kind', values: Object.keys(QUANTITIES), large: false },
      { name: 'extra information', values: Object.keys(EXTRAS), large: false },
      { name: 'main character', values: personNames(random), large: true },
      { name: 'item', values: objectNames(random), large: true },
    ],
    write: (draft) => ({ question: describe(draft) }),
    describe,
  };
}

function describe(draft: SampleDraft): string {
  const { random } = draft;
  const [min, max] = NUMBER_RANGES[draft.get('number size') ?? ''] ?? [2, 99];
  const quantity = QUANTITIES[draft.get('quantity kind') ?? ''] ?? QUANTITIES.items!;
  const operation = OPERATIONS[draft.get('main operation') ?? ''] ?? OPERATIONS.addition!;
  const question = QUESTIONS[draft.get('question type') ?? ''] ?? QUESTIONS['total amount']!;
  const extra = EXTRAS[draft.get('extra information') ?? '']?.(draft) ?? '';
  const character = draft.get('main character') ?? pick(['Sam', 'Ana', 'Leo'], random);
  const item = draft.get('item') ?? 'box';
  const setting = draft.get('setting');
  const place = SETTINGS[setting ?? ''] ?? `At the ${setting ?? 'market'}`;
  const start = drawInteger(random, min, max);
  const change = drawInteger(random, 2, Math.max(2, Math.min(max, 12)));
  return (
    `${place}, ${character} has ${quantity.amount(start)} for a ${item} project and ${operation(change)}.` +
    `${extra} ${question(quantity.unit)}`
  );
}
