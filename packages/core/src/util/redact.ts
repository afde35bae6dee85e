const SECRET_KEYS = /^(api[-_]?key|authorization|password|secret|token|access[-_]?token|x-api-key|bearer)$/i;
/** Query parameters that carry credentials (`api-key`, `key`, `token`, `access_token`, `subscription-key`, `sig`...). */
const SECRET_PARAMETER = /key|token|secret|passw|auth|sig|credential|session/i;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i;

/** Whether a query parameter's name says it carries a credential. */
export function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETER.test(name);
}

/**
 * A URL safe to show or store: credentials in it (`user:password@`) become `***@`, and the values of
 * key-like query parameters `***` (`?api-key=***`). Everything else is kept as written.
 */
export function redactUrl(url: string): string {
  const withoutUser = url.replace(USERINFO, '$1***@');
  const queryAt = withoutUser.indexOf('?');
  if (queryAt < 0) return withoutUser;
  const hashAt = withoutUser.indexOf('#', queryAt);
  const end = hashAt < 0 ? withoutUser.length : hashAt;
  const query = withoutUser
    .slice(queryAt + 1, end)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      const name = equals < 0 ? part : part.slice(0, equals);
      return equals >= 0 && isSecretParameter(safeDecode(name)) ? `${name}=***` : part;
    })
    .join('&');
  return `${withoutUser.slice(0, queryAt + 1)}${query}${withoutUser.slice(end)}`;
}

/** Every URL in a text redacted (see `redactUrl`): for error messages and logs. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A deep copy for anything written to disk or logs: the values of secret-looking keys replaced, and
 * credentials in any URL inside a string redacted.
 */
export function redactSecrets<T>(value: T): T {
  if (typeof value === 'string') return redactUrlsInText(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = SECRET_KEYS.test(key) && item !== undefined ? '[redacted]' : redactSecrets(item);
  }
  return copy as T;
}

/** Remove every occurrence of the given secrets, and credentials in URLs, from a text (error messages, logs). */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = redactUrlsInText(text);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}
