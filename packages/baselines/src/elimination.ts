import { wordTokens } from '@treesynth/core/internal';

/** Why an evolved instruction is dropped (Evol-Instruct's elimination step; docs/baselines.md). */
export type EliminationReason = 'no-gain' | 'copied-prompt' | 'too-short' | 'refusal';

/**
 * Words of the evolution prompt's own scaffolding (its section headings and wording), and the
 * scaffolding words evolution prompts in general use: an answer holding one copied the prompt.
 */
export const SCAFFOLDING_PHRASES = [
  '#rewritten prompt#',
  '#given prompt#',
  'rewritten prompt',
  'given prompt',
  'rewritten instruction',
  'evolved instruction',
  '# instruction',
  '# evolution',
  '# request',
  '# task',
  'the evolution says',
] as const;

const STOP_WORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with about from into over under as is are was were be been ' +
    'being do does did have has had it its this that these those there here what which who whom whose when where why how ' +
    'i you he she we they me him her us them my your his our their not no so too very can could will would should may might ' +
    'must shall just than also all any each both few more most other some such only own same s t don'
  ).split(' '),
);

/** Words that carry content: word tokens that are not stop words. */
export function contentWords(text: string): string[] {
  return wordTokens(text).filter((word) => !STOP_WORDS.has(word));
}

/** A refusal: "sorry" in a short answer (under 80 words, as the method has it). */
const REFUSAL_WORDS = 80;
/** Fewer content words than this is too short to be an instruction. */
const MIN_CONTENT_WORDS = 3;

/**
 * The elimination rules of Evol-Instruct, applied to an evolved instruction and its parent. The
 * method asks an LLM whether the evolution brought any information gain; here a cheap rule stands in:
 * an evolution that adds no content word its parent lacked (the same text, a reordering, a cut) has
 * none. The others are the method's own: the answer copies the prompt's scaffolding, is too short or
 * only punctuation and stop words, or is a short answer that says "sorry" (a refusal).
 */
export function eliminationReason(parent: string, evolved: string): EliminationReason | undefined {
  const text = evolved.trim();
  const lower = text.toLowerCase();
  if (/\bsorry\b/.test(lower) && wordTokens(text).length < REFUSAL_WORDS) return 'refusal';
  if (SCAFFOLDING_PHRASES.some((phrase) => lower.includes(phrase))) return 'copied-prompt';
  const words = contentWords(text);
  if (words.length < MIN_CONTENT_WORDS) return 'too-short';
  const before = new Set(contentWords(parent));
  if (words.every((word) => before.has(word))) return 'no-gain';
  return undefined;
}
