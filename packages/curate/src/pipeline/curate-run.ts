import { join } from 'node:path';
import { type ChatModel, ConfigError, type Logger, readRunFolder } from '@treesynth/core';
import {
  fingerprintParts,
  parseOptions,
  RunLock,
  sha256,
  stableStringify,
  writeFileAtomic,
} from '@treesynth/core/internal';
import { z } from 'zod';
import { CURATED_FILE, CURATION_FILE, type CurationSummary } from '../curation-summary.js';
import type { EmbedderFor } from '../steps/filter-steps.js';
import { curateRows } from './curate-rows.js';
import { curationConfigSchema } from './curation-config.js';
import type { CurationRow, CurationStep } from './curation-step.js';
import { trimToTarget } from './trim-target.js';

/** Every removed row, with the step, the reason and details (docs/curate.md). */
export const REMOVED_FILE = 'removed.jsonl';

const isChatModel = (value: unknown): value is ChatModel =>
  typeof (value as ChatModel | null)?.doGenerate === 'function';

export const curateRunOptionsSchema = z
  .object({
    /** A finished run folder (status complete). */
    folder: z.string().min(1).describe('run folder to curate'),
    curation: curationConfigSchema.prefault({}),
    /** The run's model behind its call stack and response cache. */
    model: z.custom<ChatModel>(isChatModel, 'expected a ChatModel'),
    /** Builds the model a step names (`answer.model`, `judge.model`) behind the same stack. */
    modelFor: z.custom<(id: string) => Promise<ChatModel>>((value) => typeof value === 'function').optional(),
    /** Makes the embedder `curation.dedup.embedding` names from its spec (undefined: the default one). */
    embedderFor: z.custom<EmbedderFor>((value) => typeof value === 'function').optional(),
    /** Steps to run before the built-in ones (the filters, user steps), in order. */
    steps: z
      .array(z.custom<CurationStep>((value) => typeof value === 'object' && value !== null))
      .default([]),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
    /** Told after each row of a row step. */
    onProgress: z
      .custom<(progress: { step: string; done: number; total: number }) => void>(
        (value) => typeof value === 'function',
      )
      .optional(),
  })
  .strict();

export type CurateRunOptions = z.input<typeof curateRunOptionsSchema>;

export interface CurateResult {
  folder: string;
  summary: CurationSummary;
  /** The rows kept, in sample-id order, as written to curated.jsonl. */
  rows: number;
}

/**
 * Curate a finished run in place (docs/curate.md): each configured step in order (the given `steps`,
 * then answer, verify, judge), each step's outcomes logged as rows finish, then curated.jsonl,
 * removed.jsonl and curation.json written atomically. Rerunning with the same settings redoes
 * nothing; a changed step setting redoes that step and the ones after it.
 */
export async function curateRun(input: CurateRunOptions): Promise<CurateResult> {
  const options = parseOptions(curateRunOptionsSchema, input);
  const run = await readRunFolder(options.folder);
  if (run.manifest.status !== 'complete')
    throw new ConfigError({
      path: options.folder,
      message: `the run is ${run.manifest.status}, not complete; finish it (--resume) before curating`,
    });
  const lock = RunLock.acquire(options.folder);
  try {
    // The run's fingerprint without its budget: a run extended to more samples keeps its rows and ids,
    // so the step logs of the rows already curated stay valid (only the new rows are curated).
    const { manifest } = run;
    const stages = (manifest.extra as { stageFingerprints?: Record<string, string> } | undefined)
      ?.stageFingerprints;
    const parts = fingerprintParts(manifest.task, manifest.config, manifest.model.modelId, stages ?? {});
    const curated = trimToTarget(
      await curateRows({
        rows: run.data.rows.map((row) => row.record as CurationRow),
        task: manifest.task,
        folder: options.folder,
        origin: sha256(stableStringify({ run: { ...parts, maxSamples: null } })),
        curation: options.curation,
        model: options.model,
        modelFor: options.modelFor,
        embedderFor: options.embedderFor,
        steps: options.steps,
        signal: options.signal,
        logger: options.logger,
        onProgress: options.onProgress,
      }),
      options.curation.targetRows,
    );
    await writeFileAtomic(join(options.folder, REMOVED_FILE), jsonLines(curated.removed));
    await writeFileAtomic(join(options.folder, CURATED_FILE), jsonLines(curated.rows));
    const summary: CurationSummary = { schemaVersion: 1, config: input.curation ?? {}, steps: curated.steps };
    await writeFileAtomic(join(options.folder, CURATION_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    return { folder: options.folder, summary, rows: curated.rows.length };
  } finally {
    lock.release();
  }
}

function jsonLines(items: readonly unknown[]): string {
  return items.map((item) => `${JSON.stringify(item)}\n`).join('');
}
