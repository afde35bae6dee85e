import { createRandom } from '@treesynth/core/internal';
import { writeEmbeddingTableModel } from './embedding-table-model.js';

/** A tiny real model folder for tests: random 8-d vectors for `words`; returns them to check against. */
export function writeTinyEncoder(
  folder: string,
  words: string[],
  dims = 8,
): { vocab: Map<string, number>; table: Float32Array } {
  const tokens = ['[PAD]', '[UNK]', ...words];
  const random = createRandom('tiny-encoder');
  const table = Float32Array.from({ length: tokens.length * dims }, () => random() * 2 - 1);
  writeEmbeddingTableModel(folder, { tokens, table, dimensions: dims });
  return { vocab: new Map(tokens.map((token, index) => [token, index])), table };
}
