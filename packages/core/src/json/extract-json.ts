/**
 * Find and parse the JSON value in a model's reply. Endpoints that ignore `response_format` wrap JSON
 * in prose or Markdown fences, or add trailing commas; this accepts those and returns `undefined`
 * when no JSON value can be recovered.
 */
export function extractJson(text: string): unknown {
  const direct = tryParse(text.trim());
  if (direct.ok) return direct.value;

  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fenced?.[1]) {
    const inner = tryParse(fenced[1].trim());
    if (inner.ok) return inner.value;
  }

  // The first balanced object or array in the text.
  for (let start = 0; start < text.length; start++) {
    const char = text[start];
    if (char !== '{' && char !== '[') continue;
    const end = findBalancedEnd(text, start);
    if (end < 0) continue;
    const candidate = tryParse(text.slice(start, end + 1));
    if (candidate.ok) return candidate.value;
  }
  return undefined;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Trailing commas are the most common slip; remove them outside strings and try once more.
    const cleaned = removeTrailingCommas(text);
    if (cleaned === text) return { ok: false };
    try {
      return { ok: true, value: JSON.parse(cleaned) };
    } catch {
      return { ok: false };
    }
  }
}

function findBalancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function removeTrailingCommas(text: string): string {
  let output = '';
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (inString) {
      output += char;
      if (char === '\\') {
        output += text[index + 1] ?? '';
        index++;
      } else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    if (char === ',') {
      const rest = text.slice(index + 1).trimStart();
      if (rest.startsWith('}') || rest.startsWith(']')) continue;
    }
    output += char;
  }
  return output;
}
