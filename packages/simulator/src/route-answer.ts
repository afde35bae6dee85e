import { hash32 } from '@treesynth/core/internal';

/**
 * Markers a test puts in a sample's text to make the simulated router answer with a value that is
 * none of the options: on every attempt, or only on the first (so a retry succeeds).
 */
export const ROUTE_INVALID_MARKER = '[simulate:route-invalid]';
export const ROUTE_INVALID_ONCE_MARKER = '[simulate:route-invalid-once]';

/** The answer given for an invalid-route marker: plausible for a confused model, and no option. */
export const INVALID_ROUTE_ANSWER = 'none of the listed options (simulated invalid answer)';

const CHARACTER_GRAM = 4;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function characterGrams(tokens: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const token of tokens) {
    const marked = `<${token}>`;
    if (marked.length <= CHARACTER_GRAM) grams.add(marked);
    for (let start = 0; start + CHARACTER_GRAM <= marked.length; start++)
      grams.add(marked.slice(start, start + CHARACTER_GRAM));
  }
  return grams;
}

/**
 * The simulated answer to a route request, without any ground truth: the option whose words best
 * overlap the sample's text. For option o with words W(o) and character 4-grams G(o), against the
 * sample's words W(s) and 4-grams G(s),
 *
 *   score(o) = |W(o) ∩ W(s)| / |W(o)| + ½ · |G(o) ∩ G(s)| / |G(o)|
 *
 * (whole words count most; 4-grams give partial credit to inflections, "geometric" for "Geometry").
 * Ties, including the all-zero case, go to the largest hash32(sample, option): deterministic, and
 * spread over the options rather than always the first. Simulated samples carry their attributes in
 * a marker block ("subject: Geometry"), so they are routed to the value they were written under.
 *
 * `attempt` is the number of earlier answers in the conversation (assistant turns), for the
 * invalid-once marker.
 */
export function chooseRouteOption(sample: string, options: readonly string[], attempt: number): string {
  if (sample.includes(ROUTE_INVALID_MARKER)) return INVALID_ROUTE_ANSWER;
  if (sample.includes(ROUTE_INVALID_ONCE_MARKER) && attempt === 0) return INVALID_ROUTE_ANSWER;
  if (options.length === 0) return INVALID_ROUTE_ANSWER;
  const sampleWords = words(sample);
  const wordSet = new Set(sampleWords);
  const gramSet = characterGrams(sampleWords);
  let best = options[0]!;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestTie = -1;
  for (const option of options) {
    const optionWords = words(option);
    const optionGrams = characterGrams(optionWords);
    const wordShare =
      optionWords.length === 0
        ? 0
        : optionWords.filter((word) => wordSet.has(word)).length / optionWords.length;
    let gramHits = 0;
    for (const gram of optionGrams) if (gramSet.has(gram)) gramHits++;
    const score = wordShare + (optionGrams.size === 0 ? 0 : (0.5 * gramHits) / optionGrams.size);
    const tie = hash32(`${sample}\n${option}`);
    if (score > bestScore + 1e-12 || (Math.abs(score - bestScore) <= 1e-12 && tie > bestTie)) {
      best = option;
      bestScore = score;
      bestTie = tie;
    }
  }
  return best;
}
