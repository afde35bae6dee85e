/** Lower-case word tokens (letters, digits, apostrophes): what the hashing and GloVe-SIF embedders embed. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}
