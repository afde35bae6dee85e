import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface InlineScript {
  /** The text to put between `<script>` and `</script>`, already safe there. */
  text: string;
  /** `'sha256-…'`, for the page's Content-Security-Policy. */
  hash: string;
}

export interface PlotlyBundle extends InlineScript {
  version: string;
}

/** Make script text safe to inline: nothing in it may end the element early. */
export function inlineScript(source: string): InlineScript {
  // `</script` can only occur inside a string, regex, template or comment, where `<\/` means `</`.
  const text = source.replace(/<\/(script)/gi, '<\\/$1');
  // After `<!--`, an opening `<script` would make the parser skip our closing tag.
  const comment = text.indexOf('<!--');
  if (comment !== -1 && /<script/i.test(text.slice(comment))) {
    throw new Error('inlineScript: script text holds `<!--` followed by `<script`; it cannot be inlined');
  }
  return { text, hash: `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'` };
}

let cached: PlotlyBundle | undefined;

/** The minified plotly.js bundle from `plotly.js-dist-min`, read once per process. */
export function plotlyBundle(): PlotlyBundle {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const main = require.resolve('plotly.js-dist-min');
  const manifest = JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  cached = {
    ...inlineScript(readFileSync(main, 'utf8')),
    version: typeof manifest.version === 'string' ? manifest.version : 'unknown',
  };
  return cached;
}
