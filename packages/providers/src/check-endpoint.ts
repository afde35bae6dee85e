import { AbortedError, ApiCallError, scrubSecrets } from '@treesynth/core';

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
  const url = `${options.baseURL.replace(/\/+$/, '')}/models`;
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
    const cause = error as { cause?: { code?: string }; name?: string };
    const reason = timeout.aborted
      ? `no answer in ${(options.timeoutMs ?? 10_000) / 1000} s`
      : (cause.cause?.code ?? cause.name ?? 'network error');
    throw new ApiCallError({
      message: scrubSecrets(`cannot reach ${options.baseURL} (${reason})`, [options.apiKey]),
      isRetryable: true,
      url: options.baseURL,
    });
  }
  await response.body?.cancel().catch(() => {});
  if (response.status === 401 || response.status === 403) {
    throw new ApiCallError({
      message: `${options.baseURL} rejected the API key (HTTP ${response.status}); check OPENAI_API_KEY`,
      statusCode: response.status,
      isRetryable: false,
      url: options.baseURL,
    });
  }
}
