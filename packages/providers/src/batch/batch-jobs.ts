import { readFileSync } from 'node:fs';
import {
  type ChatModel,
  type ChatModelMiddleware,
  type ChatResult,
  ConfigError,
  DeferredCallError,
} from '@treesynth/core';
import { responseCacheKey, storeCachedResponse } from '../middleware/cache-middleware.js';
import { chatRequestBody, chatResultFromCompletion } from '../openai/chat-completion-mapping.js';

/** One line of an OpenAI Batch input file; vLLM's batch runner reads the same format. */
export interface BatchRequestLine {
  custom_id: string;
  method: 'POST';
  url: '/v1/chat/completions';
  body: Record<string, unknown>;
}

const CUSTOM_ID = /^[0-9a-f]{64}$/;

/**
 * Defer the calls of one stage to a batch job instead of making them: each becomes a request line
 * whose `custom_id` is the call's response-cache key, and the call fails with `DeferredCallError`
 * (the engine leaves it pending). Put it inside the cache middleware, so calls already answered are
 * served and only the missing ones are exported.
 */
export function deferToBatchMiddleware(options: {
  stage: string;
  onRequest: (line: BatchRequestLine) => void;
}): ChatModelMiddleware {
  return {
    async wrapGenerate({ doGenerate, options: call, model }) {
      if (call.stage !== options.stage) return doGenerate(call);
      const key = responseCacheKey(model, call);
      options.onRequest({
        custom_id: key,
        method: 'POST',
        url: '/v1/chat/completions',
        body: chatRequestBody(model.modelId, call, { useSchema: true }),
      });
      throw new DeferredCallError(call.callKey ?? key);
    },
  };
}

export interface BatchIngestReport {
  /** Answers stored in the cache. */
  stored: number;
  /** Result lines that carried an error or a non-200 status, with their line numbers. */
  failed: { line: number; customId: string; error: string }[];
  /** Lines that could not be read at all, with their line numbers. */
  invalid: { line: number; error: string }[];
}

/**
 * Read a batch output file (OpenAI Batch or vLLM: `{custom_id, response: {status_code, body}, error}`
 * a line) and store every successful answer in the response cache under its `custom_id`.
 */
export async function ingestBatchResults(options: {
  file: string;
  cacheDir: string;
  model: Pick<ChatModel, 'provider' | 'modelId'>;
}): Promise<BatchIngestReport> {
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    throw new ConfigError({
      path: options.file,
      message: `cannot read batch results (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    });
  }
  const report: BatchIngestReport = { stored: 0, failed: [], invalid: [] };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.trim();
    if (raw.length === 0) continue;
    const line = index + 1;
    let entry: {
      custom_id?: unknown;
      response?: { status_code?: number; body?: unknown } | null;
      error?: unknown;
    };
    try {
      entry = JSON.parse(raw);
    } catch {
      report.invalid.push({ line, error: 'not JSON' });
      continue;
    }
    const customId = typeof entry.custom_id === 'string' ? entry.custom_id : '';
    // The id names a cache file: accept only the keys this tool wrote.
    if (!CUSTOM_ID.test(customId)) {
      report.invalid.push({ line, error: 'custom_id is not a request id written by treesynth batch export' });
      continue;
    }
    const status = entry.response?.status_code;
    if (entry.error || status !== 200) {
      const error = entry.error ? JSON.stringify(entry.error).slice(0, 200) : `HTTP ${status ?? 'unknown'}`;
      report.failed.push({ line, customId, error });
      continue;
    }
    let result: ChatResult;
    try {
      result = chatResultFromCompletion(entry.response?.body, {
        modelId: options.model.modelId,
        url: `${options.file}:${line}`,
      });
    } catch (error) {
      report.invalid.push({ line, error: (error as Error).message });
      continue;
    }
    await storeCachedResponse({ dir: options.cacheDir, key: customId, model: options.model, result });
    report.stored++;
  }
  return report;
}
