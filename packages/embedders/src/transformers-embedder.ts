import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, type Embedder, type EmbedOptions, type EmbedResult } from '@treesynth/core';
import { throwIfAborted } from '@treesynth/core/internal';

export interface TransformersEmbedderOptions {
  /** A hub id (`Xenova/all-MiniLM-L6-v2`, found in `cacheDir`) or a local folder with config.json, tokenizer.json and onnx/. */
  model?: string;
  /** Where hub models are looked for (transformers.js `env.localModelPath`); default `./models`. */
  cacheDir?: string;
  pooling?: 'mean' | 'cls';
  normalize?: boolean;
  batchSize?: number;
  dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';
  /** Allow downloads from the hub (off by default: runs never touch the network unless asked). */
  allowRemote?: boolean;
}

export const DEFAULT_TRANSFORMERS_MODEL = 'Xenova/all-MiniLM-L6-v2';

type FeatureExtractor = (
  texts: string[],
  options: { pooling: 'mean' | 'cls'; normalize: boolean },
) => Promise<{ data: Float32Array; dims: number[] }>;

/**
 * Any feature-extraction model through @huggingface/transformers (ONNX Runtime on the CPU): mean or
 * CLS pooling, optional normalisation, batching, dtype choice. Offline by default: a model that is not
 * on disk is a ConfigError that says how to get it.
 */
export function createTransformersEmbedder(options: TransformersEmbedderOptions = {}): Embedder {
  const model = options.model ?? DEFAULT_TRANSFORMERS_MODEL;
  const local = isAbsolute(model) || model.startsWith('.') ? resolve(model) : undefined;
  const batchSize = options.batchSize ?? 32;
  let extractor: Promise<FeatureExtractor> | undefined;

  const load = async (): Promise<FeatureExtractor> => {
    const transformers = await import('@huggingface/transformers');
    transformers.env.allowRemoteModels = options.allowRemote === true;
    transformers.env.allowLocalModels = true;
    if (local) {
      if (!existsSync(resolve(local, 'config.json'))) {
        throw new ConfigError({
          path: `transformers:${model}`,
          message: `no config.json in ${local}; the folder must hold config.json, tokenizer.json and onnx/model.onnx`,
        });
      }
      transformers.env.localModelPath = '';
    } else transformers.env.localModelPath = resolve(options.cacheDir ?? 'models');
    try {
      const pipe = await transformers.pipeline('feature-extraction', local ?? model, {
        ...(options.dtype ? { dtype: options.dtype } : {}),
      });
      return pipe as unknown as FeatureExtractor;
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (/not found locally|local_files_only|allowRemoteModels/.test(message)) {
        throw new ConfigError({
          path: `transformers:${model}`,
          message: `model not found offline; on a connected machine download it (e.g. huggingface-cli download ${model} --local-dir DIR) and pass --embedder transformers:DIR, or put it under ${transformers.env.localModelPath}/${model}`,
        });
      }
      throw error;
    }
  };

  return {
    specificationVersion: 'v1',
    provider: 'transformers',
    modelId: local ?? model,
    maxEmbeddingsPerCall: batchSize,
    async doEmbed({ values, signal }: EmbedOptions): Promise<EmbedResult> {
      throwIfAborted(signal);
      extractor ??= load();
      let pipe: FeatureExtractor;
      try {
        pipe = await extractor;
      } catch (error) {
        extractor = undefined;
        throw error;
      }
      const output = await pipe(values, {
        pooling: options.pooling ?? 'mean',
        normalize: options.normalize ?? true,
      });
      const dims = output.dims[output.dims.length - 1]!;
      return { embeddings: values.map((_, row) => output.data.slice(row * dims, (row + 1) * dims)) };
    },
  };
}
