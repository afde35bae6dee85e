import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embedMany } from './embed-many.js';
import { writeTinyEncoder } from './tiny-encoder.fixture.js';
import { createTransformersEmbedder } from './transformers-embedder.js';

describe('transformers embedder on a real ONNX model file', () => {
  it('loads a local folder through transformers.js and mean-pools token vectors', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiny-encoder-'));
    const dims = 8;
    const { vocab, table } = writeTinyEncoder(folder, ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran'], dims);
    const embedder = createTransformersEmbedder({ model: folder, normalize: false });
    const texts = ['The cat sat', 'dog ran on the mat', 'cat zebra'];
    const { embeddings } = await embedMany({ embedder, values: texts });
    for (const [row, text] of texts.entries()) {
      const ids = text
        .toLowerCase()
        .split(' ')
        .map((word) => vocab.get(word) ?? 1);
      const expected = Array.from(
        { length: dims },
        (_, dim) => ids.reduce((sum, id) => sum + table[id * dims + dim]!, 0) / ids.length,
      );
      expect(Array.from(embeddings[row]!)).toHaveLength(dims);
      embeddings[row]!.forEach((value, dim) => {
        expect(value).toBeCloseTo(expected[dim]!, 5);
      });
    }
  }, 60_000);
});
