import OpenAI from 'openai';

export interface OpenAIClientSettings {
  apiKey?: string;
  baseURL?: string;
  headers?: Record<string, string>;
  /** Query parameters sent with every request. */
  query?: Record<string, string>;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * An openai SDK client for one endpoint, configured only by what is passed: the SDK's own retries
 * are off (our retry middleware owns them) and the settings it would otherwise read from the
 * environment (admin key, organization, project, webhook secret) are cleared.
 */
export function createOpenAIClient(settings: OpenAIClientSettings): OpenAI {
  return new OpenAI({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    defaultHeaders: settings.headers,
    ...(settings.query && Object.keys(settings.query).length > 0 ? { defaultQuery: settings.query } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}
