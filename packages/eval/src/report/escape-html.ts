const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

const JSON_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&`, U+2028 and U+2029 are written as
 * `\u` escapes, so no sample can close the element (`</script>`) or open a comment (`<!--`), and
 * `JSON.parse(element.textContent)` gives the value back unchanged. Those characters only ever occur
 * inside JSON strings, where the escapes mean the same thing.
 */
export function serializeJsonForHtml(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('serializeJsonForHtml: value is not representable as JSON');
  return json.replace(/[<>&\u2028\u2029]/g, (character) => JSON_ESCAPES[character] ?? character);
}
