/**
 * Tokens in a text, or in a number of characters, guessed with no tokenizer: characters / 4, rounded
 * up. The one estimate behind rate limits, run estimates and the simulator's usage.
 */
export function estimateTokens(text: string | number): number {
  return Math.ceil((typeof text === 'string' ? text.length : text) / 4);
}
