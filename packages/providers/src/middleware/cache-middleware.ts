import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AbortedError,
  type ChatCallOptions,
  type ChatModel,
  type ChatModelMiddleware,
  type ChatResult,
  TreeSynthError,
} from '@treesynth/core';
import { sha256, stableStringify, writeFileAtomic } from '@treesynth/core/internal';

export interface CacheMiddlewareOptions {
  /** Folder of the cache; entries are `dir/ab/<sha256>.json`. Created on first write. */
  dir: string;
  /** Told on every hit (a cached or shared answer) and miss, with the entry's key. */
  onLookup?: (event: { key: string; hit: boolean }) => void;
}

/** Version of the entry format on disk; entries of another version are misses. */
const ENTRY_VERSION = 1;

interface CacheEntry {
  version: number;
  key: string;
  provider: string;
  modelId: string;
  result: ChatResult;
}

/**
 * The cache key of a call: sha256 of everything that changes the answer (provider, model, messages,
 * sampling parameters, schema, seed, call key). The signal and the stage do not.
 */
export function responseCacheKey(
  model: Pick<ChatModel, 'provider' | 'modelId'>,
  options: ChatCallOptions,
): string {
  return sha256(
    stableStringify({
      provider: model.provider,
      modelId: model.modelId,
      messages: options.messages.map((message) => ({ role: message.role, content: message.content })),
      temperature: options.temperature,
      topP: options.topP,
      maxTokens: options.maxTokens,
      seed: options.seed,
      stop: options.stop,
      responseFormat: options.responseFormat,
      callKey: options.callKey,
    }),
  );
}

/** Where the entry of a key lives. */
export function responseCachePath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`);
}

/**
 * A content-addressed response cache on disk. A hit returns the stored result with `cached: true` and
 * makes no inner call; only successful results are stored, each written atomically (temp file + rename),
 * so concurrent writers and crashes never leave a partial entry; unreadable entries are misses.
 * Identical calls in flight at once share one inner call. Place it outside retry:
 * `wrapChatModel({ model, middleware: [cacheMiddleware({ dir }), retryMiddleware()] })`.
 */
export function cacheMiddleware(options: CacheMiddlewareOptions): ChatModelMiddleware {
  const inFlight = new Map<string, Promise<ChatResult>>();

  return {
    async wrapGenerate({ doGenerate, options: callOptions, model }) {
      const key = responseCacheKey(model, callOptions);
      const file = responseCachePath(options.dir, key);

      // A refresh skips the stored answer and replaces it.
      const stored = callOptions.refresh ? undefined : await readEntry(file, key);
      if (stored) {
        options.onLookup?.({ key, hit: true });
        return { ...stored, cached: true };
      }

      const shared = callOptions.refresh ? undefined : inFlight.get(key);
      if (shared) {
        try {
          const result = await shared;
          options.onLookup?.({ key, hit: true });
          return { ...result, cached: true };
        } catch (error) {
          // The first caller gave up; this one, still wanted, makes the call itself.
          if (!(isAborted(error) && !callOptions.signal?.aborted)) throw error;
        }
      }

      options.onLookup?.({ key, hit: false });
      const call = (async () => {
        const result = await doGenerate(callOptions);
        const warning = await writeEntry(file, {
          version: ENTRY_VERSION,
          key,
          provider: model.provider,
          modelId: model.modelId,
          result: storable(result),
        });
        return warning ? { ...result, warnings: [...(result.warnings ?? []), warning] } : result;
      })();
      inFlight.set(key, call);
      try {
        return await call;
      } finally {
        if (inFlight.get(key) === call) inFlight.delete(key);
      }
    },
  };
}

/**
 * Put an answer obtained elsewhere (a batch job's results) into the cache under its key, so the next
 * run of the same call is served from it.
 */
export async function storeCachedResponse(options: {
  dir: string;
  key: string;
  model: Pick<ChatModel, 'provider' | 'modelId'>;
  result: ChatResult;
}): Promise<void> {
  const file = responseCachePath(options.dir, options.key);
  const warning = await writeEntry(file, {
    version: ENTRY_VERSION,
    key: options.key,
    provider: options.model.provider,
    modelId: options.model.modelId,
    result: storable(options.result),
  });
  if (warning) throw new Error(warning);
}

async function readEntry(file: string, key: string): Promise<ChatResult | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as Partial<CacheEntry> | null;
    if (entry?.version !== ENTRY_VERSION || entry.key !== key || !isChatResult(entry.result))
      return undefined;
    return entry.result;
  } catch {
    return undefined;
  }
}

/** Store an entry; a failed write costs the cache, never the answer, and comes back as a warning. */
async function writeEntry(file: string, entry: CacheEntry): Promise<string | undefined> {
  try {
    await mkdir(join(file, '..'), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(entry)}\n`);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `response cache: could not store the answer: ${reason}`;
  }
}

function storable(result: ChatResult): ChatResult {
  const { cached: _cached, ...rest } = result;
  return rest;
}

function isChatResult(value: unknown): value is ChatResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const usage = record.usage as Record<string, unknown> | undefined;
  return (
    typeof record.text === 'string' &&
    typeof usage === 'object' &&
    usage !== null &&
    typeof usage.promptTokens === 'number' &&
    typeof usage.completionTokens === 'number'
  );
}

function isAborted(error: unknown): boolean {
  return error instanceof AbortedError || (TreeSynthError.isInstance(error) && error.code === 'aborted');
}
