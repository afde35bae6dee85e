import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@treesynth/core/internal';

const KEY_BYTES = 32;

/**
 * Vectors already computed, keyed by (embedder, sha256 of the text), on disk. One append-only file of
 * fixed-size records (32-byte text hash, then the float32 vector) per embedder: a crash tears at most
 * the last record, which opening drops; reading 100k vectors is one file read.
 */
export class EmbeddingCache {
  private readonly index = new Map<string, Float32Array>();
  private appendChain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private dimensions: number | undefined,
  ) {}

  /** Open the cache of one embedder (`provider/modelId`) under `root`. */
  static open(root: string, identity: string): EmbeddingCache {
    const dir = join(root, sha256(identity).slice(0, 16));
    mkdirSync(dir, { recursive: true });
    const existing = readdirSync(dir).find((name) => /^vectors-\d+\.bin$/.test(name));
    const cache = new EmbeddingCache(dir, existing ? Number(/\d+/.exec(existing)![0]) : undefined);
    if (existing) cache.load(join(dir, existing));
    return cache;
  }

  get size(): number {
    return this.index.size;
  }

  private file(): string {
    return join(this.dir, `vectors-${this.dimensions}.bin`);
  }

  private load(file: string): void {
    const record = KEY_BYTES + 4 * this.dimensions!;
    const size = statSync(file).size;
    const whole = size - (size % record);
    if (whole !== size) truncateSync(file, whole);
    const buffer = readFileSync(file);
    for (let offset = 0; offset + record <= whole; offset += record) {
      const key = buffer.subarray(offset, offset + KEY_BYTES).toString('hex');
      const vector = new Float32Array(this.dimensions!);
      const bytes = buffer.subarray(offset + KEY_BYTES, offset + record);
      vector.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
      this.index.set(key, vector);
    }
  }

  static key(text: string): string {
    return createHash('sha256').update(text).digest('hex');
  }

  get(text: string): Float32Array | undefined {
    return this.index.get(EmbeddingCache.key(text));
  }

  /** Store vectors for texts; written in one append, in call order. */
  add(entries: ReadonlyArray<readonly [string, Float32Array]>): Promise<void> {
    if (entries.length === 0) return this.appendChain;
    this.dimensions ??= entries[0]![1].length;
    const dimensions = this.dimensions;
    const record = KEY_BYTES + 4 * dimensions;
    const buffer = Buffer.alloc(record * entries.length);
    entries.forEach(([text, vector], row) => {
      if (vector.length !== dimensions)
        throw new Error(`embedding cache: vector of ${vector.length} dimensions, expected ${dimensions}`);
      const key = EmbeddingCache.key(text);
      this.index.set(key, vector);
      buffer.write(key, row * record, 'hex');
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(buffer, row * record + KEY_BYTES);
    });
    const file = this.file();
    this.appendChain = this.appendChain.then(async () => {
      const handle = await open(file, 'a');
      try {
        await handle.write(buffer);
      } finally {
        await handle.close();
      }
    });
    return this.appendChain;
  }

  static exists(root: string, identity: string): boolean {
    return existsSync(join(root, sha256(identity).slice(0, 16)));
  }
}
