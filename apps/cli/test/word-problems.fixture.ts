import { createRandom } from '@treesynth/core/internal';

const NAMES = [
  'Ava',
  'Ben',
  'Chloe',
  'Diego',
  'Emma',
  'Farah',
  'Gus',
  'Hana',
  'Ivan',
  'Jade',
  'Kofi',
  'Lena',
];
const ITEMS = ['apples', 'stickers', 'marbles', 'pencils', 'cookies', 'stamps', 'books', 'shells'];
const PLACES = ['the market', 'school', 'the fair', 'a bakery', 'the library', 'the park'];

/**
 * Grade-school word problems in the shape of GSM8K rows (`question`, and `answer` ending in
 * `#### <number>`), generated from templates and a seed: tests need realistic rows but must not
 * depend on data files outside the repository.
 */
export function wordProblemRows(count: number, seed = 0): { question: string; answer: string }[] {
  const random = createRandom(`word-problems:${seed}`);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const number = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const rows: { question: string; answer: string }[] = [];
  for (let index = 0; index < count; index++) {
    const name = pick(NAMES);
    const item = pick(ITEMS);
    const a = number(3, 60);
    const b = number(2, 12);
    const c = number(1, 9);
    switch (index % 5) {
      case 0:
        rows.push({
          question: `${name} has ${a} ${item}. A friend gives ${name} ${b} more at ${pick(PLACES)}. How many ${item} does ${name} have now?`,
          answer: `${a} + ${b} = ${a + b}\n#### ${a + b}`,
        });
        break;
      case 1:
        rows.push({
          question: `${name} buys ${b} bags of ${item} with ${c} in each bag. How many ${item} did ${name} buy?`,
          answer: `${b} * ${c} = ${b * c}\n#### ${b * c}`,
        });
        break;
      case 2:
        rows.push({
          question: `${name} had ${a + b} ${item} and gave ${b} of them away at ${pick(PLACES)}. How many are left?`,
          answer: `${a + b} - ${b} = ${a}\n#### ${a}`,
        });
        break;
      case 3:
        rows.push({
          question: `${name} shares ${b * c} ${item} equally among ${b} friends. How many ${item} does each friend get?`,
          answer: `${b * c} / ${b} = ${c}\n#### ${c}`,
        });
        break;
      default:
        rows.push({
          question: `A ticket to ${pick(PLACES)} costs $${c}. ${name} buys ${b} tickets and pays with a $${b * c + a} bill. How much change does ${name} get?`,
          answer: `${b * c + a} - ${b} * ${c} = ${a}\n#### ${a}`,
        });
    }
  }
  return rows;
}

/** The rows as JSONL lines. */
export function wordProblemLines(count: number, seed = 0): string[] {
  return wordProblemRows(count, seed).map((row) => JSON.stringify(row));
}
