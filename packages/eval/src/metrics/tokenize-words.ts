const TOKEN = /\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{N}]/gu;

/**
 * The tokenizer of the text metrics (distinct-n, self-BLEU, near-duplicates): Unicode NFKC, lower
 * case, then three kinds of token:
 * - a word: a run of letters (with combining marks), internal apostrophes kept ("don't", "o’neil");
 * - a number: a run of digits with internal `.` or `,` separators ("3.5", "1,200");
 * - any other non-space character on its own ("$", "?", "%").
 * Whitespace only separates. Deterministic and dependency-free, so scores compare across runs.
 */
export function tokenizeWords(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
}
