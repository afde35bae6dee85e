export interface EmbedOptions {
  values: string[];
  signal?: AbortSignal;
}

export interface EmbedResult {
  /** One vector per input value, in order. */
  embeddings: Float32Array[];
  usage?: { tokens: number };
  warnings?: string[];
}

/** Turns texts into vectors. Users call it through helpers that batch and cache. */
export interface Embedder {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  /** Vector length, when known before the first call. */
  readonly dimensions?: number;
  /** How many values one `doEmbed` call accepts. */
  readonly maxEmbeddingsPerCall: number;
  doEmbed(options: EmbedOptions): Promise<EmbedResult>;
}
