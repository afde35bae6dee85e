const SECRET_KEYS = /^(api[-_]?key|authorization|password|secret|token|access[-_]?token|x-api-key|bearer)$/i;

/** A deep copy with the values of secret-looking keys replaced, for anything written to disk or logs. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = SECRET_KEYS.test(key) && item !== undefined ? '[redacted]' : redactSecrets(item);
  }
  return copy as T;
}

/** Remove every occurrence of the given secrets from a text (error messages, logs). */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}
