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

/** Cross-cutting behaviour around an embedder (a cache, accounting), as `ChatModelMiddleware` is for chat. */
export interface EmbedderMiddleware {
  /** Wrap the call; `doEmbed` takes any number of texts and returns one vector per text, in order. */
  wrapEmbed: (args: {
    doEmbed: (options: EmbedOptions) => Promise<EmbedResult>;
    options: EmbedOptions;
    embedder: Embedder;
  }) => Promise<EmbedResult>;
}
