import type { ChatModel, Embedder } from '@treesynth/core';
import type { ModelSource } from './balance-options.js';

/** A model given as it is becomes a source that hands it out (the caller then owns its caching). */
export function chatModelSource(model: ChatModel | ModelSource<ChatModel>): ModelSource<ChatModel> {
  return 'create' in model ? model : { id: model.modelId, create: () => model };
}

export function embedderSource(embedder: Embedder | ModelSource<Embedder>): ModelSource<Embedder> {
  return 'create' in embedder
    ? embedder
    : { id: `${embedder.provider}:${embedder.modelId}`, create: () => embedder };
}
