/** Lower case, NFKC, quotes and brackets and a final full stop removed, whitespace collapsed. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'`“”‘’«»[(]+|["'`“”‘’«»\])]+$/g, '')
    .replace(/\.$/, '')
    .trim();
}

/**
 * The option an LLM answer names, by index, or -1. An answer matches when it equals an option after
 * `normalizeAnswer`, also when written as "dimension: value". Nothing fuzzier: a near miss is an
 * unmatched answer, retried and recorded, never guessed.
 */
export function matchOption(answer: string, options: readonly string[], dimension: string): number {
  const normalized = normalizeAnswer(answer);
  const prefix = `${normalizeAnswer(dimension)}:`;
  const candidates = [normalized];
  if (normalized.startsWith(prefix)) candidates.push(normalized.slice(prefix.length).trim());
  const keys = options.map(normalizeAnswer);
  for (const candidate of candidates) {
    const index = keys.indexOf(candidate);
    if (index >= 0) return index;
  }
  return -1;
}
