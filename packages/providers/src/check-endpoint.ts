import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AbortedError, ApiCallError } from '@treesynth/core';
import { redactUrl, scrubSecrets } from '@treesynth/core/internal';
import { endpointUrl, parseBaseUrl } from './openai/base-url.js';

/**
 * The HTTP status of a GET, its body discarded. Through node:http(s) rather than fetch: a resume with
 * nothing left to do makes no other request, and fetch's first use loads undici (about 0.1 s).
 * A redirect is an answer too: the endpoint is reachable.
 */
function statusOf(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const request = send(url, { method: 'GET', headers, signal }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

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
}): Promise<void> {
  const url = endpointUrl(parseBaseUrl(options.baseURL, 'baseURL'), '/models');
  const shown = redactUrl(options.baseURL);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let status: number;
  try {
    status = await statusOf(url, options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}, signal);
  } catch (error) {
    if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
    const failure = error as { code?: string; message?: string; name?: string };
    const reason = timeout.aborted
      ? `no answer in ${(options.timeoutMs ?? 10_000) / 1000} s`
      : (failure.code ?? failure.message ?? failure.name ?? 'network error');
    throw new ApiCallError({
      message: scrubSecrets(`cannot reach ${shown} (${reason})`, [options.apiKey]),
      isRetryable: true,
      url: shown,
    });
  }
  if (status === 401 || status === 403) {
    throw new ApiCallError({
      message: `${shown} rejected the API key (HTTP ${status}); check OPENAI_API_KEY`,
      statusCode: status,
      isRetryable: false,
      url: shown,
    });
  }
}
