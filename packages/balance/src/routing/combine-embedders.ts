import { ConfigError, type Embedder, type EmbedResult } from '@treesynth/core';
import { unit } from './_vectors.js';

export interface WeightedEmbedder {
  embedder: Embedder;
  /** Share of the combined squared length; default 1. */
  weight?: number;
}

/**
 * One embedder from several: each text's vectors, each scaled to length √w_i, concatenated:
 *
 *   e(t) = [√w_1 · unit(e_1(t)), …, √w_m · unit(e_m(t))]
 *
 * so that ⟨e(s), e(t)⟩ = Σ w_i · cos_i(s, t): a weighted sum of the parts' cosines. This lets a
 * lexical encoder (feature hashing: exact terms like "\\binom" or "remainder") and a semantic one
 * (USE-Lite) vote together in any router. Calls the parts one after another on the same texts.
 */
export function combineEmbedders(parts: readonly WeightedEmbedder[]): Embedder {
  if (parts.length === 0) throw new ConfigError({ path: 'embedders', message: 'name at least one embedder' });
  const weights = parts.map((part, index) => {
    const weight = part.weight ?? 1;
    if (!Number.isFinite(weight) || weight <= 0) {
      throw new ConfigError({
        path: `embedders.${index}.weight`,
        message: `expected a number > 0, got ${weight}`,
      });
    }
    return Math.sqrt(weight);
  });
  const known = parts.map((part) => part.embedder.dimensions);
  return {
    specificationVersion: 'v1',
    provider: 'combined',
    modelId: parts.map((part, index) => `${part.embedder.modelId}*${parts[index]!.weight ?? 1}`).join('+'),
    ...(known.every((dimensions) => dimensions !== undefined)
      ? { dimensions: known.reduce((total: number, dimensions) => total + dimensions!, 0) }
      : {}),
    maxEmbeddingsPerCall: Math.min(...parts.map((part) => part.embedder.maxEmbeddingsPerCall)),
    async doEmbed(options): Promise<EmbedResult> {
      const results: Float32Array[][] = [];
      const warnings: string[] = [];
      for (const part of parts) {
        const result = await part.embedder.doEmbed(options);
        if (result.embeddings.length !== options.values.length) {
          throw new Error(
            `${part.embedder.modelId} returned ${result.embeddings.length} vectors for ${options.values.length} texts`,
          );
        }
        results.push(result.embeddings);
        warnings.push(...(result.warnings ?? []));
      }
      const embeddings = options.values.map((_, row) => {
        const pieces = results.map((vectors, part) =>
          unit(vectors[row]!).map((value) => value * weights[part]!),
        );
        const out = new Float32Array(pieces.reduce((total, piece) => total + piece.length, 0));
        let offset = 0;
        for (const piece of pieces) {
          out.set(piece, offset);
          offset += piece.length;
        }
        return out;
      });
      return { embeddings, ...(warnings.length > 0 ? { warnings } : {}) };
    },
  };
}
