import type { ModelSource } from '@treesynth/balance';
import { type ChatModel, type Embedder, wrapEmbedder } from '@treesynth/core';
import {
  createEmbedder,
  DEFAULT_OFFLINE_EMBEDDER,
  DEFAULT_OPENAI_BASE_URL,
  embeddingCacheMiddleware,
} from '@treesynth/providers';
import { type Simulator, startSimulator } from '@treesynth/simulator';
import { endpointURLs, modelStack } from './model-stack.js';

/** The model the offline default talks to: the built-in simulator, started in-process. */
export const SIMULATED_MODEL = 'treesynth-sim';

export interface BalanceModelFlags {
  model?: string;
  baseURLs?: string[];
  embedder?: string;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  seed: number;
  env: NodeJS.ProcessEnv;
}

export interface BalanceModels {
  model: ModelSource<ChatModel>;
  embedder: ModelSource<Embedder>;
  /** Stops the simulator, if one was started. */
  close(): Promise<void>;
}

/**
 * The chat model and embedder of `treesynth balance`, built with the CLI's model stack (endpoints,
 * response cache, rate limits, retries). Without --model and --base-url the built-in simulator
 * answers; it starts only when the balance first needs the model. Endpoint flags are checked here,
 * before the balance touches its folder.
 */
export function balanceModels(flags: BalanceModelFlags): BalanceModels {
  const simulated = flags.model === undefined && (flags.baseURLs ?? []).length === 0;
  const endpoints = simulated ? [] : endpointURLs(flags.baseURLs, flags.env, DEFAULT_OPENAI_BASE_URL);
  const modelId = flags.model ?? SIMULATED_MODEL;
  const embedderSpec = flags.embedder ?? DEFAULT_OFFLINE_EMBEDDER;
  let simulator: Promise<Simulator> | undefined;
  const model: ModelSource<ChatModel> = {
    id: modelId,
    simulated,
    async create({ cacheDir, logger, signal }) {
      if (simulated && !simulator) {
        simulator = startSimulator({ seed: flags.seed });
        const { url } = await simulator;
        logger.info(`simulated LLM listening on ${url} (seed ${flags.seed}); nothing leaves this machine`);
      }
      return modelStack({
        modelId,
        baseURLs: simulator ? [(await simulator).url] : endpoints,
        apiKey: simulator ? undefined : flags.env.OPENAI_API_KEY || undefined,
        signal,
        cacheDir,
        requestsPerMinute: flags.requestsPerMinute,
        tokensPerMinute: flags.tokensPerMinute,
        timeoutMs: flags.timeoutMs,
        maxAttempts: flags.maxAttempts,
        logger,
      });
    },
  };
  const embedder: ModelSource<Embedder> = {
    id: embedderSpec,
    create({ cacheDir }) {
      const base = createEmbedder(embedderSpec, {
        baseURL: flags.env.OPENAI_BASE_URL || undefined,
        apiKey: flags.env.OPENAI_API_KEY || undefined,
      });
      // The hashing embedder costs less to run than to cache.
      return cacheDir && !embedderSpec.startsWith('hashing')
        ? wrapEmbedder({ embedder: base, middleware: [embeddingCacheMiddleware({ dir: cacheDir })] })
        : base;
    },
  };
  return {
    model,
    embedder,
    async close() {
      const started = await simulator?.catch(() => undefined);
      await started?.close();
    },
  };
}
