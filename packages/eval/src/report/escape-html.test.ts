import { describe, expect, it } from 'vitest';
import { HOSTILE } from './_test-fixture.js';
import { escapeHtml, serializeJsonForHtml } from './escape-html.js';

describe('escapeHtml', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('leaves no tag, attribute quote or entity start in any hostile string', () => {
    for (const text of Object.values(HOSTILE)) {
      const escaped = escapeHtml(text);
      expect(escaped).not.toMatch(/[<>"']/);
      expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
    }
  });
});

describe('serializeJsonForHtml', () => {
  const value = {
    hostile: HOSTILE,
    list: [...Object.values(HOSTILE), 'plain', '', '😀 \ud83d lone surrogate'],
    numbers: [0, -1.5, 1e-7, null],
    nested: { '</script>': ['<!--', '-->', '\u2028\u2029'] },
  };

  it('round-trips through JSON.parse unchanged', () => {
    expect(JSON.parse(serializeJsonForHtml(value))).toEqual(value);
  });

  it('writes no <, >, &, U+2028 or U+2029, so nothing can close or comment out the block', () => {
    const json = serializeJsonForHtml(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json.toLowerCase()).not.toContain('</script');
    expect(json).toContain('\\u003c/script\\u003e');
    expect(json).toContain('\\u2028');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => serializeJsonForHtml(undefined)).toThrow(TypeError);
  });
});
