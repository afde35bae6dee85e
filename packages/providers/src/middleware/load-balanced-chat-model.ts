import {
  AbortedError,
  ApiCallError,
  type ChatCallOptions,
  type ChatModel,
  type ChatResult,
  ConfigError,
} from '@treesynth/core';
import { throwIfAborted } from '@treesynth/core/internal';

export interface LoadBalancedChatModelOptions {
  /** The endpoints, e.g. one `provider.chat(id)` per vLLM server of the same model. */
  models: ChatModel[];
  /** Names of the endpoints in warnings and `endpoints()` (their base URLs). Default `endpoint 1`... */
  endpointNames?: string[];
  /** `least-busy` (default): the endpoint with the fewest calls in flight; `round-robin`: in turn. */
  strategy?: 'least-busy' | 'round-robin';
  /** Consecutive retryable failures after which an endpoint is taken out of rotation. Default 3. */
  ejectAfterFailures?: number;
  /** How long an ejected endpoint stays out before one probe call is let through. Default 10 000 ms. */
  probeAfterMs?: number;
  /**
   * Model id of the balanced model. Default: the members' shared id (a `ConfigError` when they differ).
   * Part of the response-cache key, like `provider`.
   */
  modelId?: string;
  /**
   * Provider of the balanced model. Default: the members' shared provider, else `load-balanced`, so a
   * run that grows from one endpoint to several still hits the answers it cached.
   */
  provider?: string;
}

export type EndpointState = 'healthy' | 'ejected' | 'probing';

export interface EndpointStatus {
  name: string;
  state: EndpointState;
  /** Calls in flight now. */
  inFlight: number;
  /** Calls sent to this endpoint, failed ones included. */
  calls: number;
  /** Calls it answered. */
  answered: number;
  /** Calls that failed with a retryable error (connection, timeout, 429, 5xx). */
  failures: number;
  consecutiveFailures: number;
}

/** A chat model spread over several endpoints, with the state of each. */
export interface LoadBalancedChatModel extends ChatModel {
  endpoints(): EndpointStatus[];
}

interface Endpoint {
  model: ChatModel;
  name: string;
  inFlight: number;
  calls: number;
  answered: number;
  failures: number;
  consecutiveFailures: number;
  /** Set while ejected: the time (performance.now) from which one probe may go. */
  ejectedUntil: number | undefined;
  probing: boolean;
}

/**
 * One chat model over several endpoints of the same model (e.g. four vLLM servers). Each call goes to
 * the endpoint with the fewest calls in flight (ties in turn), or in turn with `round-robin`. When an
 * endpoint fails with a retryable `ApiCallError` (connection refused or reset, timeout, 429, 5xx) the
 * call moves to another endpoint, trying each at most once; the last error is thrown when all have
 * failed. After `ejectAfterFailures` consecutive failures an endpoint is ejected for `probeAfterMs`;
 * then one probe call is let through, and its success brings the endpoint back. When every endpoint
 * is ejected, a call fails at once with a retryable error whose `retryAfterSeconds` is the time to the
 * next probe, for the retry middleware to wait. Non-retryable errors (400, 401...) and aborts are
 * thrown as they are and say nothing about the endpoint's health. Each answer carries a warning
 * naming the endpoint that answered (and those that failed before it). Wrap it in retry:
 * `wrapChatModel({ model: loadBalancedChatModel({ models }), middleware: [cache, rateLimit, retry] })`.
 */
export function loadBalancedChatModel(options: LoadBalancedChatModelOptions): LoadBalancedChatModel {
  const { models } = options;
  if (models.length === 0) throw new ConfigError({ path: 'models', message: 'expected at least one model' });
  const names = options.endpointNames;
  if (names !== undefined && names.length !== models.length) {
    throw new ConfigError({
      path: 'endpointNames',
      message: `expected ${models.length} names (one per model), got ${names.length}`,
    });
  }
  const ejectAfterFailures = options.ejectAfterFailures ?? 3;
  const probeAfterMs = options.probeAfterMs ?? 10_000;
  if (!Number.isInteger(ejectAfterFailures) || ejectAfterFailures < 1) {
    throw new ConfigError({ path: 'ejectAfterFailures', message: 'expected an integer >= 1' });
  }
  if (!(probeAfterMs >= 0))
    throw new ConfigError({ path: 'probeAfterMs', message: 'expected a number >= 0' });
  const modelId = options.modelId ?? sharedModelId(models);
  const provider = options.provider ?? shared(models.map((model) => model.provider)) ?? 'load-balanced';
  const strategy = options.strategy ?? 'least-busy';

  const endpoints: Endpoint[] = models.map((model, index) => ({
    model,
    name: names?.[index] ?? `endpoint ${index + 1}`,
    inFlight: 0,
    calls: 0,
    answered: 0,
    failures: 0,
    consecutiveFailures: 0,
    ejectedUntil: undefined,
    probing: false,
  }));
  /** Where the next tie-break (least-busy) or turn (round-robin) starts. */
  let cursor = 0;

  const usable = (endpoint: Endpoint, now: number): boolean =>
    endpoint.ejectedUntil === undefined || (!endpoint.probing && now >= endpoint.ejectedUntil);

  const choose = (tried: ReadonlySet<Endpoint>, now: number): Endpoint | undefined => {
    let best: Endpoint | undefined;
    let bestIndex = 0;
    for (let step = 0; step < endpoints.length; step++) {
      const index = (cursor + step) % endpoints.length;
      const endpoint = endpoints[index]!;
      if (tried.has(endpoint) || !usable(endpoint, now)) continue;
      if (best === undefined || (strategy === 'least-busy' && endpoint.inFlight < best.inFlight)) {
        best = endpoint;
        bestIndex = index;
      }
      if (strategy === 'round-robin') break;
    }
    if (best) cursor = (bestIndex + 1) % endpoints.length;
    return best;
  };

  const succeeded = (endpoint: Endpoint): void => {
    endpoint.answered++;
    endpoint.consecutiveFailures = 0;
    endpoint.ejectedUntil = undefined;
  };

  /** A failed probe re-ejects at once: its failure count is still at or above the threshold. */
  const failed = (endpoint: Endpoint): void => {
    endpoint.failures++;
    endpoint.consecutiveFailures++;
    if (endpoint.consecutiveFailures >= ejectAfterFailures) {
      endpoint.ejectedUntil = performance.now() + probeAfterMs;
    }
  };

  const allEjected = (): ApiCallError => {
    const now = performance.now();
    const nextProbe = Math.min(
      ...endpoints.map((endpoint) =>
        endpoint.probing ? now + probeAfterMs : (endpoint.ejectedUntil ?? now),
      ),
    );
    const waitMs = Math.max(0, nextProbe - now);
    return new ApiCallError({
      message: `all ${endpoints.length} endpoints of ${modelId} are ejected after repeated failures; next probe in ${Math.ceil(waitMs)} ms`,
      isRetryable: true,
      retryAfterSeconds: waitMs / 1000,
    });
  };

  return {
    specificationVersion: 'v1',
    provider,
    modelId,
    endpoints: () =>
      endpoints.map((endpoint) => ({
        name: endpoint.name,
        state: endpoint.probing ? 'probing' : endpoint.ejectedUntil === undefined ? 'healthy' : 'ejected',
        inFlight: endpoint.inFlight,
        calls: endpoint.calls,
        answered: endpoint.answered,
        failures: endpoint.failures,
        consecutiveFailures: endpoint.consecutiveFailures,
      })),
    async doGenerate(callOptions: ChatCallOptions): Promise<ChatResult> {
      const tried = new Set<Endpoint>();
      const failures: string[] = [];
      let lastError: ApiCallError | undefined;
      for (;;) {
        throwIfAborted(callOptions.signal);
        const endpoint = choose(tried, performance.now());
        if (!endpoint) {
          if (lastError) throw allFailed(lastError, failures);
          throw allEjected();
        }
        tried.add(endpoint);
        const isProbe = endpoint.ejectedUntil !== undefined;
        if (isProbe) endpoint.probing = true;
        endpoint.inFlight++;
        endpoint.calls++;
        try {
          const result = await endpoint.model.doGenerate(callOptions);
          succeeded(endpoint);
          return withNote(result, endpoint.name, failures);
        } catch (error) {
          if (callOptions.signal?.aborted) throw new AbortedError(callOptions.signal.reason);
          if (!isFailover(error)) throw error;
          failed(endpoint);
          failures.push(`${endpoint.name}: ${error.message}`);
          lastError = error;
        } finally {
          endpoint.inFlight--;
          if (isProbe) endpoint.probing = false;
        }
      }
    },
  };
}

/** Errors that say the endpoint, not the request, is the problem: retryable `ApiCallError`s. */
function isFailover(error: unknown): error is ApiCallError {
  return ApiCallError.isInstance(error) && error.isRetryable;
}

function allFailed(last: ApiCallError, failures: readonly string[]): ApiCallError {
  if (failures.length <= 1) return last;
  return new ApiCallError({
    message: `every endpoint tried failed (${failures.join('; ')})`,
    statusCode: last.statusCode,
    isRetryable: last.isRetryable,
    url: last.url,
    retryAfterSeconds: last.retryAfterSeconds,
    cause: last,
  });
}

function withNote(result: ChatResult, name: string, failures: readonly string[]): ChatResult {
  const note =
    failures.length === 0
      ? `answered by ${name}`
      : `answered by ${name} after ${failures.length} failed endpoint${failures.length === 1 ? '' : 's'} (${failures.join('; ')})`;
  return { ...result, warnings: [...(result.warnings ?? []), note] };
}

function shared(values: readonly string[]): string | undefined {
  const first = values[0];
  return values.every((value) => value === first) ? first : undefined;
}

function sharedModelId(models: readonly ChatModel[]): string {
  const id = shared(models.map((model) => model.modelId));
  if (id === undefined) {
    throw new ConfigError({
      path: 'models',
      message: `the endpoints serve different model ids (${[...new Set(models.map((model) => model.modelId))].join(', ')}); give modelId to name the balanced model`,
    });
  }
  return id;
}
