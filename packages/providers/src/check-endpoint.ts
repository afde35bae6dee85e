import { AbortedError, ApiCallError } from '@treesynth/core';
import { redactUrl, scrubSecrets } from '@treesynth/core/internal';
import { endpointUrl, parseBaseUrl } from './openai/base-url.js';

/**
 * Ask an OpenAI-compatible endpoint for its model list before a run starts, so an unreachable
 * endpoint or a rejected key is one clear line before any run folder exists. Endpoints without
 * `/models` (any answer other than 401/403) pass: they are reachable.
 */
export async function checkEndpoint(options: {
  baseURL: string;
  apiKey?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}): Promise<void> {
  const url = endpointUrl(parseBaseUrl(options.baseURL, 'baseURL'), '/models');
  const shown = redactUrl(options.baseURL);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
    const cause = error as { cause?: { code?: string; message?: string }; name?: string };
    const reason = timeout.aborted
      ? `no answer in ${(options.timeoutMs ?? 10_000) / 1000} s`
      : (cause.cause?.code ?? cause.cause?.message ?? cause.name ?? 'network error');
    throw new ApiCallError({
      message: scrubSecrets(`cannot reach ${shown} (${reason})`, [options.apiKey]),
      isRetryable: true,
      url: shown,
    });
  }
  await response.body?.cancel().catch(() => {});
  if (response.status === 401 || response.status === 403) {
    throw new ApiCallError({
      message: `${shown} rejected the API key (HTTP ${response.status}); check OPENAI_API_KEY`,
      statusCode: response.status,
      isRetryable: false,
      url: shown,
    });
  }
}
