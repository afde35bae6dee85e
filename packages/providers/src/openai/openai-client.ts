import type OpenAI from 'openai';

type OpenAISdk = typeof import('openai');

let loading: Promise<OpenAISdk> | undefined;
let loaded: OpenAISdk | undefined;

/**
 * The openai SDK, imported on the first call through it: it is some 150 modules, which a command that
 * makes no call (a resume of a finished run) should not pay to load.
 */
export function loadOpenAI(): Promise<OpenAISdk> {
  loading ??= import('openai').then((sdk) => {
    loaded = sdk;
    return sdk;
  });
  return loading;
}

/** The SDK once `loadOpenAI` has loaded it; before, nothing can have thrown one of its errors. */
export function loadedOpenAI(): OpenAISdk | undefined {
  return loaded;
}

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
export async function createOpenAIClient(settings: OpenAIClientSettings): Promise<OpenAI> {
  const { OpenAI } = await loadOpenAI();
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

/** `createOpenAIClient` on the first call of the function it returns; the same client after. */
export function lazyOpenAIClient(settings: OpenAIClientSettings): () => Promise<OpenAI> {
  let client: Promise<OpenAI> | undefined;
  return () => {
    client ??= createOpenAIClient(settings);
    return client;
  };
}
