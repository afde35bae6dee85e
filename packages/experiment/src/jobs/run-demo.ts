import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  engineConfigSchema,
  type Logger,
  type OptionNamer,
  type RunProgress,
  RunStore,
  treeConfigSchema,
} from '@treesynth/core';
import { compareSampleIds, parseOptions } from '@treesynth/core/internal';
import type { CurationConfigInput } from '@treesynth/curate';
import { simulatorFaultsSchema, startSimulator } from '@treesynth/simulator';
import { z } from 'zod';
import { type RunAndCurateResult, runAndCurate } from './curate-on-endpoint.js';

/** What the demo does to the rows before exporting them (openai format): the common cleaning, three votes. */
const DEMO_CURATION: CurationConfigInput = {
  dedup: {},
  decontaminate: {},
  answer: {},
  verify: { samples: 3 },
  concurrency: 32,
};

/** The demo's settings: a small, fast run (its budget set on a new folder only). */
export const runDemoOptionsSchema = z.strictObject({
  out: z
    .string()
    .min(1)
    .default('runs/demo')
    .describe('run folder (the export goes to <dir>/export-openai); an existing demo run there is resumed'),
  seed: engineConfigSchema.shape.seed.describe('seed of the simulator and the run'),
  depth: treeConfigSchema.shape.depth.default(3),
  concurrency: engineConfigSchema.shape.concurrency.default(32),
  /** The bounds of every wait the simulator holds. */
  latencyMs: simulatorFaultsSchema.shape.hangMs.default(5).describe('simulated latency per call'),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
  logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
  onProgress: z.custom<(progress: RunProgress) => void>((value) => typeof value === 'function').optional(),
  /** How errors name the options (e.g. a CLI's flags). */
  optionName: z.custom<OptionNamer>((value) => typeof value === 'function').optional(),
});

export type RunDemoOptions = z.input<typeof runDemoOptionsSchema>;

export interface RunDemoResult extends RunAndCurateResult {
  /** The run's first sample by id (its JSON line). */
  firstSample?: string;
}

/** The first sample by id, not by line: the file's order depends on which call finished first. */
function firstSample(dir: string): string | undefined {
  const file = join(dir, 'samples.jsonl');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ line, id: /^\{"id":"([^"]*)"/.exec(line)?.[1] ?? '' }))
    .sort((a, b) => compareSampleIds(a.id, b.id))[0]?.line;
}

/**
 * The offline demo (`treesynth demo`): the simulated LLM started in-process on loopback, a gsm8k run
 * against it, answered, verified, deduplicated, decontaminated and exported (openai format). Its
 * samples are placeholders that show the pipeline, not model-quality data.
 *
 * ```ts
 * const result = await runDemo({ out: 'runs/demo', seed: 7 });
 * ```
 */
export async function runDemo(input: RunDemoOptions = {}): Promise<RunDemoResult> {
  const { out, seed, depth, concurrency, latencyMs, ...context } = parseOptions(runDemoOptionsSchema, input);
  const simulator = await startSimulator({ seed, latencyMs });
  try {
    context.logger?.info(
      `simulated LLM listening on ${simulator.url} (seed ${seed}); nothing leaves this machine`,
    );
    const resume = RunStore.exists(out);
    const result = await runAndCurate({
      ...context,
      task: 'gsm8k',
      modelId: 'treesynth-sim',
      baseURLs: [simulator.url],
      env: {},
      out,
      resume,
      // A demo folder made before the demo had a budget keeps none (a resume cannot add one).
      config: { tree: { depth }, seed, concurrency, ...(resume ? {} : { maxSamples: 500 }) },
      simulated: true,
      curation: DEMO_CURATION,
      exportFormat: 'openai',
    });
    return { ...result, firstSample: firstSample(result.dir) };
  } finally {
    await simulator.close();
  }
}
