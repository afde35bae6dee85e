import { ConfigError } from '@treesynth/core';
import { isSecretParameter, redactUrl } from '@treesynth/core/internal';

/** An endpoint's base URL taken apart: where requests go, and the query every request carries. */
export interface BaseUrl {
  /** Origin and path, no query, no trailing slash. */
  url: string;
  /** Query parameters sent with every request (Azure's `api-version`, a gateway's `api-key`). */
  query: Record<string, string>;
  /** Whether the query carries a credential (then no API key header is needed). */
  queryHasKey: boolean;
}

/**
 * Check and split a base URL. `source` names where it came from (`--base-url`, `OPENAI_BASE_URL`) in
 * the one-line error. A URL with credentials (`user:key@host`) is refused: fetch cannot send it.
 */
export function parseBaseUrl(text: string, source: string): BaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    throw new ConfigError({ path: source, message: `not a URL: ${JSON.stringify(redactUrl(text))}` });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError({ path: source, message: `expected an http(s) URL, got ${parsed.protocol}` });
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError({
      path: source,
      message: `${redactUrl(text.trim())} has credentials in it (user:key@), which fetch refuses to send ("Request cannot be constructed from a URL that includes credentials"); put the key in OPENAI_API_KEY instead`,
    });
  }
  const query = Object.fromEntries(parsed.searchParams);
  parsed.search = '';
  parsed.hash = '';
  return {
    url: parsed.toString().replace(/\/+$/, ''),
    query,
    queryHasKey: Object.keys(query).some(isSecretParameter),
  };
}

/** The URL of a path under a base URL, with the base URL's query. */
export function endpointUrl(base: BaseUrl, path: string): string {
  const url = new URL(`${base.url}${path}`);
  for (const [name, value] of Object.entries(base.query)) url.searchParams.set(name, value);
  return url.toString();
}

/** The values of a query's key-like parameters: texts no error message may contain. */
export function querySecrets(query: Record<string, string> | undefined): string[] {
  return Object.entries(query ?? {})
    .filter(([name]) => isSecretParameter(name))
    .map(([, value]) => value);
}
