import type { Embedder } from '@treesynth/core';

/**
 * An embedder that may hold resources (worker threads, an ONNX session, a socket pool). `close()` frees
 * them; an embedder used again after `close()` loads them again. Closing one that holds nothing is a no-op.
 */
export interface ClosableEmbedder extends Embedder {
  close(): Promise<void>;
}
