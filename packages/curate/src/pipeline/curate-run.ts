import { join } from 'node:path';
import {
  type ChatModel,
  ConfigError,
  type Logger,
  readRunFolder,
  silentLogger,
  wrapChatModel,
} from '@treesynth/core';
import {
  compareSampleIds,
  parseOptions,
  RunLock,
  sha256,
  stableStringify,
  throwIfAborted,
  writeFileAtomic,
} from '@treesynth/core/internal';
import { z } from 'zod';
import { CURATED_FILE, CURATION_FILE, type CurationSummary } from '../curation-summary.js';
import { answerStep } from '../steps/answer-step.js';
import { judgeStep } from '../steps/judge-step.js';
import { verifyStep } from '../steps/verify-step.js';
import { answerSettingsSchema, curationConfigSchema } from './curation-config.js';
import type { CurationRow, CurationStep, StepContext } from './curation-step.js';
import { runStep, type StepReport } from './run-step.js';

/** Every removed row, with the step, the reason and details (docs/curate.md). */
export const REMOVED_FILE = 'removed.jsonl';
/** The per-step logs, one `<step>.jsonl` each. */
export const CURATION_LOG_FOLDER = 'curation';

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
  const task = run.manifest.task;
  const { curation } = options;
  const steps: CurationStep[] = [...options.steps];
  // Verification votes on answers: a run verified without an answer setting gets the default one.
  const answer = curation.answer ?? (curation.verify ? answerSettingsSchema.parse({}) : undefined);
  if (answer) steps.push(answerStep(answer, task));
  if (curation.verify) steps.push(verifyStep(curation.verify, task, curation.answer?.model));
  if (curation.judge) steps.push(judgeStep(curation.judge, task));

  const calls = { paid: 0, cached: 0 };
  const counted = (model: ChatModel) =>
    wrapChatModel({
      model,
      middleware: [
        {
          wrapGenerate: async ({ doGenerate, options: callOptions }) => {
            const result = await doGenerate(callOptions);
            if (result.cached) calls.cached++;
            else calls.paid++;
            return result;
          },
        },
      ],
    });
  const models = new Map<string, ChatModel>([[options.model.modelId, counted(options.model)]]);
  for (const [path, id] of [
    ['curation.answer.model', curation.answer?.model],
    ['curation.judge.model', curation.judge?.model],
  ] as const) {
    if (id === undefined || models.has(id)) continue;
    if (!options.modelFor)
      throw new ConfigError({ path, message: `no way to reach model "${id}" (give modelFor)` });
    models.set(id, counted(await options.modelFor(id)));
  }
  const context: StepContext = {
    task,
    model(id) {
      const key = id ?? options.model.modelId;
      const model = models.get(key);
      if (!model) throw new ConfigError({ path: 'curation', message: `model "${key}" was not set up` });
      return model;
    },
    signal: options.signal,
    logger: options.logger ?? silentLogger,
  };

  const lock = RunLock.acquire(options.folder);
  try {
    let rows: CurationRow[] = run.data.rows.map((row) => row.record as CurationRow);
    let fingerprint = sha256(stableStringify({ run: run.manifest.fingerprint ?? null }));
    const reports: StepReport[] = [];
    for (const step of steps) {
      throwIfAborted(options.signal);
      fingerprint = sha256(
        stableStringify({
          previous: fingerprint,
          step: step.id,
          settings: step.settings,
          model: options.model.modelId,
        }),
      );
      const file = join(options.folder, CURATION_LOG_FOLDER, `${step.id}.jsonl`);
      const before = { ...calls };
      const report = await runStep(step, rows, {
        file,
        fingerprint,
        context,
        concurrency: curation.concurrency,
        onProgress: options.onProgress,
      });
      report.calls = calls.paid - before.paid;
      report.cachedCalls = calls.cached - before.cached;
      reports.push(report);
      rows = report.kept;
    }
    rows.sort((a, b) => compareSampleIds(a.id, b.id));
    const removed = reports.flatMap((report) =>
      report.removed.map((item) => ({ id: item.id, step: report.step, ...item.removed })),
    );
    await writeFileAtomic(join(options.folder, REMOVED_FILE), jsonLines(removed));
    await writeFileAtomic(join(options.folder, CURATED_FILE), jsonLines(rows));
    const summary: CurationSummary = {
      schemaVersion: 1,
      config: input.curation ?? {},
      steps: reports.map((report) => ({
        step: report.step,
        rowsIn: report.rowsIn,
        rowsOut: report.kept.length,
        removed: countReasons(report.removed.map((item) => item.removed.reason)),
        calls: report.calls,
        cachedCalls: report.cachedCalls,
        seconds: report.seconds,
        fingerprint: report.fingerprint,
        settings: report.settings,
      })),
    };
    await writeFileAtomic(join(options.folder, CURATION_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    return { folder: options.folder, summary, rows: rows.length };
  } finally {
    for (const step of steps) if (step.kind === 'row') await step.close?.();
    lock.release();
  }
}

function jsonLines(items: readonly unknown[]): string {
  return items.map((item) => `${JSON.stringify(item)}\n`).join('');
}

function countReasons(reasons: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
