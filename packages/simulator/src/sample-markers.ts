import { normalizeName } from '@treesynth/core/internal';

/**
 * Every simulated sample carries its attributes in its main text, as a marker block followed by the
 * sample's tag: `... (setting: farm; operation: division) #3fa9c2d1`. The criterion stage reads the
 * blocks back to classify pivots. Parentheses and semicolons inside a name or value would break the
 * block, so they are replaced by spaces when written.
 */
const MARKER_BLOCK = /\(([^()]*)\) (#[0-9a-f]{8})\b/;

function clean(text: string): string {
  return text.replace(/[();]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The marker block and tag for a sample's attributes, in the given order. */
export function formatMarkers(attributes: ReadonlyMap<string, string>, tag: string): string {
  const items = [...attributes].map(([dimension, value]) => `${clean(dimension)}: ${clean(value)}`);
  return `(${items.join('; ')}) ${tag}`;
}

/** The attributes of the first marker block found in a text, keyed by normalised dimension name. */
export function parseMarkers(text: string): Map<string, string> | undefined {
  const match = MARKER_BLOCK.exec(text);
  if (!match) return undefined;
  const attributes = new Map<string, string>();
  for (const item of match[1]!.split('; ')) {
    const colon = item.indexOf(': ');
    if (colon <= 0) continue;
    attributes.set(normalizeName(item.slice(0, colon)), item.slice(colon + 2).trim());
  }
  return attributes;
}

/** A sample's tag: `#` and eight hex digits drawn from the reply's random source. */
export function drawTag(random: () => number): string {
  return `#${Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0')}`;
}
