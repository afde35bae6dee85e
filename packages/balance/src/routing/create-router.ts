import {
  type ChatModel,
  ConfigError,
  type Embedder,
  type Logger,
  type PartitionTree,
  type TaskDefinition,
} from '@treesynth/core';
import { createEmbeddingRouter, type EmbeddingRouterOptions } from './embedding-router.js';
import { createHybridRouter } from './hybrid-router.js';
import { createLlmRouter } from './llm-router.js';
import type { Router, RouterKind } from './route-types.js';

export interface CreateRouterOptions {
  kind: RouterKind;
  tree: PartitionTree;
  task: TaskDefinition;
  /** Required for 'embedding' and 'hybrid'. */
  embedder?: Embedder;
  /** Required for 'llm' and 'hybrid'. */
  model?: ChatModel;
  /** Hybrid: levels whose embedding margin is below this are asked of the LLM (default: see llmShare). */
  marginThreshold?: number;
  /** Hybrid without marginThreshold: the share of each node's least certain decisions asked of the LLM. Default 0.2. */
  llmShare?: number;
  /** LLM calls in flight at once. Default 8. */
  concurrency?: number;
  /** LLM answers per sample and level before the sample is recorded unrouted. Default 3. */
  maxAttempts?: number;
  /** Sampling seed for LLM calls. */
  seed?: number;
  logger?: Logger;
  /** Extra words for values' embedded descriptions (see `EmbeddingRouterOptions.descriptions`). */
  descriptions?: Record<string, string>;
  /** Embedding and hybrid: learn from the rows themselves (see `EmbeddingRouterOptions.selfTraining`). */
  selfTraining?: EmbeddingRouterOptions['selfTraining'];
}

const NEEDS: Record<RouterKind, { embedder: boolean; model: boolean }> = {
  embedding: { embedder: true, model: false },
  llm: { embedder: false, model: true },
  hybrid: { embedder: true, model: true },
};

/**
 * A router of the given kind for one tree and task. Throws `ConfigError` when a piece it needs is
 * missing (an embedder for 'embedding' and 'hybrid', a chat model for 'llm' and 'hybrid') or an
 * option is out of range.
 */
export function createRouter(options: CreateRouterOptions): Router {
  const { kind, tree, task, embedder, model } = options;
  const needs = NEEDS[kind];
  if (!needs) {
    throw new ConfigError({
      path: 'kind',
      message: `unknown router "${String(kind)}"; use embedding, llm or hybrid`,
    });
  }
  if (needs.embedder && !embedder) {
    throw new ConfigError({ path: 'embedder', message: `the ${kind} router needs an embedder` });
  }
  if (needs.model && !model) {
    throw new ConfigError({ path: 'model', message: `the ${kind} router needs a chat model` });
  }
  switch (kind) {
    case 'embedding':
      return createEmbeddingRouter({
        tree,
        task,
        embedder: embedder!,
        descriptions: options.descriptions,
        selfTraining: options.selfTraining,
      });
    case 'llm':
      return createLlmRouter({ ...options, tree, task, model: model! });
    case 'hybrid':
      return createHybridRouter({ ...options, embedder: embedder!, model: model! });
  }
}
