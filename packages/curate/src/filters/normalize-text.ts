import { tokenizeWords } from '@treesynth/eval/internal';

/** Sentence and clause punctuation: dashes, brackets, quotes, connectors and . , ; : ! ? … and the like. */
const PUNCTUATION_ONLY = /^[\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Pc}.,;:!?"'…¿¡·‧。、]+$/u;

/**
 * The words of a text as deduplication and decontamination compare them, by eval's metric tokenizer
 * (`tokenizeWords`) with punctuation dropped:
 * 1. Unicode NFKC (full-width letters and digits, ligatures and compatibility forms fold to plain ones);
 * 2. lower case (`toLowerCase`, the locale-independent mapping; no further case folding);
 * 3. tokens: words (letters with combining marks, internal apostrophes kept: "don't"), numbers (digits
 *    with internal `.` or `,`: "3.5", "1,200" stay whole) and each other non-space character alone;
 * 4. sentence punctuation dropped: dashes, brackets, quotes (Unicode Pd, Ps, Pe, Pi, Pf, Pc) and
 *    `. , ; : ! ? …`; every other character kept as a token, symbols (`$ + = < >`) and the
 *    punctuation that carries meaning in a question (`% * / # & @`), so "2 + 3" ≠ "2 = 3", "6/3" ≠ "6 3";
 * 5. whitespace only separates, so any run of spaces, tabs and newlines counts as one.
 */
export function normalizedWords(text: string): string[] {
  return tokenizeWords(text).filter((token) => !PUNCTUATION_ONLY.test(token));
}

/** The exact-duplicate key: `normalizedWords` joined by one space. */
export function normalizeText(text: string): string {
  return normalizedWords(text).join(' ');
}
