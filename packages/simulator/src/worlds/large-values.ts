/**
 * Long value lists made programmatically, for the "large" dimensions of a world: the ones with more
 * values than one coverage answer holds, which the engine turns into open-ended (infinite) nodes.
 */

/** Between 60 and 120 values: enough to pass the engine's default coverage cap of 50. */
export function largeCount(random: () => number): number {
  return 60 + Math.floor(random() * 61);
}

/** A seeded Fisher-Yates shuffle of a copy of the list. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** `count` distinct pairings of a left and a right word, in seeded order. */
export function combinations(
  left: readonly string[],
  right: readonly string[],
  join: (left: string, right: string) => string,
  count: number,
  random: () => number,
): string[] {
  const all = left.flatMap((first) => right.map((second) => join(first, second)));
  if (all.length < count) throw new Error(`only ${all.length} combinations, ${count} wanted`);
  return shuffled(all, random).slice(0, count);
}

const FIRST_NAMES = [
  'Maya',
  'Omar',
  'Lena',
  'Tariq',
  'Sofia',
  'Kenji',
  'Amara',
  'Diego',
  'Priya',
  'Lucas',
  'Hana',
  'Femi',
  'Ingrid',
  'Mateo',
  'Zoe',
  'Ravi',
];
const SURNAMES = [
  'Ortiz',
  'Nakamura',
  'Okafor',
  'Lindqvist',
  'Haddad',
  'Kowalski',
  'Mensah',
  'Rossi',
  'Chen',
  'Dubois',
  'Patel',
  'Moreau',
];

/** Full names of people, e.g. "Maya Okafor". */
export function personNames(random: () => number): string[] {
  return combinations(FIRST_NAMES, SURNAMES, (first, last) => `${first} ${last}`, largeCount(random), random);
}

const ADJECTIVES = [
  'red',
  'wooden',
  'glass',
  'striped',
  'tiny',
  'heavy',
  'folding',
  'antique',
  'plastic',
  'woollen',
  'metal',
  'blue',
  'folded',
];
const THINGS = [
  'box',
  'umbrella',
  'lamp',
  'kettle',
  'backpack',
  'jar',
  'bicycle',
  'notebook',
  'vase',
  'scarf',
  'basket',
];

/** Everyday objects, e.g. "striped umbrella". */
export function objectNames(random: () => number): string[] {
  return combinations(
    ADJECTIVES,
    THINGS,
    (adjective, thing) => `${adjective} ${thing}`,
    largeCount(random),
    random,
  );
}

const VERBS = [
  'parse',
  'count',
  'merge',
  'validate',
  'format',
  'rank',
  'group',
  'filter',
  'encode',
  'split',
  'summarize',
  'sort',
];
const NOUNS = [
  'invoice',
  'vowels',
  'intervals',
  'emails',
  'dates',
  'scores',
  'records',
  'tokens',
  'paths',
  'orders',
  'matrices',
];

/** Python function names, e.g. "merge_intervals". */
export function functionNames(random: () => number): string[] {
  return combinations(VERBS, NOUNS, (verb, noun) => `${verb}_${noun}`, largeCount(random), random);
}

/** Distinct whole numbers between 2 and 2025, as text, e.g. "1024". */
export function featuredNumbers(random: () => number): string[] {
  const numbers = Array.from({ length: 2024 }, (_, index) => String(index + 2));
  return shuffled(numbers, random).slice(0, largeCount(random));
}

const PLACES = [
  'harbour',
  'valley',
  'market',
  'museum',
  'island',
  'station',
  'orchard',
  'workshop',
  'library',
  'bridge',
  'canyon',
];
const PLACE_ADJECTIVES = [
  'northern',
  'quiet',
  'old',
  'busy',
  'flooded',
  'hidden',
  'sunny',
  'frozen',
  'crowded',
  'ruined',
  'floating',
  'windy',
];

/** Named places, e.g. "quiet harbour". */
export function placeNames(random: () => number): string[] {
  return combinations(
    PLACE_ADJECTIVES,
    PLACES,
    (adjective, place) => `${adjective} ${place}`,
    largeCount(random),
    random,
  );
}
