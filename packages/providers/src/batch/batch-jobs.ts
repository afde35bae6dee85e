import { existsSync, readFileSync } from 'node:fs';
import {
  type ChatModel,
  type ChatModelMiddleware,
  type ChatResult,
  type ChatUsage,
  ConfigError,
  DeferredCallError,
} from '@treesynth/core';
import { responseCacheKey, responseCachePath, storeCachedResponse } from '../middleware/cache-middleware.js';
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
  /** Called with each request before its call is deferred; a promise is awaited. */
  onRequest: (line: BatchRequestLine, callKey: string) => void | Promise<void>;
}): ChatModelMiddleware {
  return {
    async wrapGenerate({ doGenerate, options: call, model }) {
      if (call.stage !== options.stage) return doGenerate(call);
      const key = responseCacheKey(model, call);
      await options.onRequest(
        {
          custom_id: key,
          method: 'POST',
          url: '/v1/chat/completions',
          body: chatRequestBody(model.modelId, call, { useSchema: true }),
        },
        call.callKey ?? key,
      );
      throw new DeferredCallError(call.callKey ?? key);
    },
  };
}

export interface BatchIngestReport {
  /** Answers stored in the cache, with the usage the batch reported for each. */
  stored: { line: number; customId: string; usage: ChatUsage }[];
  /** Answers of this run that were in the cache already (the file was ingested before). */
  alreadyStored: number;
  /** Result lines that carried an error or a non-200 status, with their line numbers. */
  failed: { line: number; customId: string; error: string }[];
  /** Results whose custom_id is no request of this run: refused, not stored. */
  foreign: { count: number; example?: { line: number; customId: string } };
  /** Lines that repeat a custom_id without contradicting the first one (kept: the first answer). */
  duplicates: { line: number; firstLine: number; customId: string }[];
}

interface ResultLine {
  line: number;
  customId: string;
  /** The answer, or why the batch gave none. */
  outcome: { result: ChatResult } | { error: string };
}

/**
 * Read and check a whole batch output file (OpenAI Batch or vLLM: `{custom_id, response:
 * {status_code, body}, error}` a line) before anything is stored: a line that is not a result object,
 * or two different answers under one custom_id, is a `ConfigError` naming the file and line(s).
 */
function readResultLines(
  file: string,
  modelId: string,
): { lines: ResultLine[]; duplicates: BatchIngestReport['duplicates'] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError({
      path: file,
      message: `cannot read batch results (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    });
  }
  const lines: ResultLine[] = [];
  const duplicates: BatchIngestReport['duplicates'] = [];
  const byId = new Map<string, ResultLine>();
  const rows = text.split('\n');
  for (let index = 0; index < rows.length; index++) {
    const raw = rows[index]!.trim();
    if (raw.length === 0) continue;
    const line = index + 1;
    const refuse = (message: string) =>
      new ConfigError({ path: `${file}:${line}`, message: `${message}; nothing was ingested` });
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      throw refuse('not JSON');
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw refuse(
        `expected a result object, got ${entry === null ? 'null' : Array.isArray(entry) ? 'an array' : typeof entry}`,
      );
    const {
      custom_id: customId,
      response,
      error,
    } = entry as {
      custom_id?: unknown;
      response?: { status_code?: unknown; body?: unknown } | null;
      error?: unknown;
    };
    if (customId === undefined) throw refuse('no custom_id');
    // The id names a cache file: accept only the keys this tool wrote.
    if (typeof customId !== 'string' || !CUSTOM_ID.test(customId))
      throw refuse(
        `custom_id ${JSON.stringify(customId).slice(0, 80)} is not a request id written by treesynth batch export`,
      );
    const status = response?.status_code;
    let outcome: ResultLine['outcome'];
    if (error || status !== 200) {
      outcome = { error: error ? JSON.stringify(error).slice(0, 200) : `HTTP ${status ?? 'unknown'}` };
    } else {
      try {
        outcome = { result: chatResultFromCompletion(response?.body, { modelId, url: `${file}:${line}` }) };
      } catch (mapping) {
        throw refuse((mapping as Error).message);
      }
    }
    const current: ResultLine = { line, customId, outcome };
    const first = byId.get(customId);
    if (!first) {
      byId.set(customId, current);
      lines.push(current);
      continue;
    }
    if ('result' in first.outcome && 'result' in outcome && first.outcome.result.text !== outcome.result.text)
      throw new ConfigError({
        path: file,
        message: `lines ${first.line} and ${line} give different answers for custom_id ${customId}; keep one of them; nothing was ingested`,
      });
    duplicates.push({ line, firstLine: first.line, customId });
    // A failure and an answer for the same request: the answer counts.
    if ('error' in first.outcome && 'result' in outcome) first.outcome = outcome;
  }
  return { lines, duplicates };
}

/**
 * Ingest a batch output file into a run's response cache: every line is checked first (see
 * `readResultLines`), results of requests this run never made (`requests`: the custom_ids its exports
 * wrote) are refused, and each new successful answer is stored under its `custom_id`. A file with no
 * result of this run is a `ConfigError`.
 */
export async function ingestBatchResults(options: {
  file: string;
  cacheDir: string;
  model: Pick<ChatModel, 'provider' | 'modelId'>;
  requests: ReadonlySet<string>;
}): Promise<BatchIngestReport> {
  const { lines, duplicates } = readResultLines(options.file, options.model.modelId);
  const ours = lines.filter((entry) => options.requests.has(entry.customId));
  const foreign = lines.filter((entry) => !options.requests.has(entry.customId));
  const example = foreign[0] && { line: foreign[0].line, customId: foreign[0].customId };
  if (ours.length === 0) {
    throw new ConfigError({
      path: options.file,
      message:
        lines.length === 0
          ? 'no results in the file'
          : options.requests.size === 0
            ? 'this run has no batch export on record; export its leaf calls first (treesynth batch export, or exportBatch)'
            : `none of its ${lines.length} results answers a request of this run (e.g. line ${example!.line}, custom_id ${example!.customId}): results of another run?`,
    });
  }
  const report: BatchIngestReport = {
    stored: [],
    alreadyStored: 0,
    failed: [],
    foreign: { count: foreign.length, ...(example ? { example } : {}) },
    duplicates,
  };
  for (const { line, customId, outcome } of ours) {
    if ('error' in outcome) {
      report.failed.push({ line, customId, error: outcome.error });
      continue;
    }
    if (existsSync(responseCachePath(options.cacheDir, customId))) {
      report.alreadyStored++;
      continue;
    }
    await storeCachedResponse({
      dir: options.cacheDir,
      key: customId,
      model: options.model,
      result: outcome.result,
    });
    report.stored.push({ line, customId, usage: outcome.result.usage });
  }
  return report;
}
