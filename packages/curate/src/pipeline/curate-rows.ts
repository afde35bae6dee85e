import { join } from 'node:path';
import {
  type ChatModel,
  ConfigError,
  type Logger,
  silentLogger,
  type TaskDefinition,
  wrapChatModel,
} from '@treesynth/core';
import {
  compareSampleIds,
  parseOptions,
  sha256,
  stableStringify,
  throwIfAborted,
} from '@treesynth/core/internal';
import type { CurationSummary } from '../curation-summary.js';
import { answerStep } from '../steps/answer-step.js';
import { decontaminateStep, dedupStep, type EmbedderFor } from '../steps/filter-steps.js';
import { judgeStep } from '../steps/judge-step.js';
import { verifyStep } from '../steps/verify-step.js';
import {
  answerSettingsSchema,
  type CurationConfig,
  type CurationConfigInput,
  curationConfigSchema,
} from './curation-config.js';
import type { CurationRow, CurationStep, StepContext } from './curation-step.js';
import { runStep, type StepReport } from './run-step.js';
import { loadStepModules } from './step-modules.js';

/** The per-step logs, one `<step>.jsonl` each, in the folder curated. */
export const CURATION_LOG_FOLDER = 'curation';

export interface CurateRowsInput {
  rows: readonly CurationRow[];
  task: TaskDefinition;
  /** Where the step logs go (`<folder>/curation/<step>.jsonl`). */
  folder: string;
  /** What the first step's fingerprint chains from: the run's fingerprint, say. */
  origin: string;
  curation: CurationConfig;
  model: ChatModel;
  modelFor?: ((id: string) => Promise<ChatModel>) | undefined;
  /** Makes the embedder `curation.dedup.embedding` names. */
  embedderFor?: EmbedderFor | undefined;
  steps?: readonly CurationStep[];
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
  onProgress?: ((progress: { step: string; done: number; total: number }) => void) | undefined;
}

export interface CuratedRows {
  /** Kept rows in sample-id order. */
  rows: CurationRow[];
  /** Removed rows by step, then sample id. */
  removed: { id: string; step: string; reason: string; details?: Record<string, unknown> }[];
  steps: CurationSummary['steps'];
}

/**
 * The steps a configuration asks for, in order: the given ones, then dedup, decontaminate and the
 * user steps of `curation.steps` (before any call is paid for), answer, verify, judge.
 */
export async function curationSteps(
  curation: CurationConfig,
  task: TaskDefinition,
  first: readonly CurationStep[] = [],
  embedderFor?: EmbedderFor,
): Promise<CurationStep[]> {
  const steps: CurationStep[] = [...first];
  if (curation.dedup) steps.push(dedupStep(curation.dedup, task, embedderFor));
  if (curation.decontaminate) steps.push(await decontaminateStep(curation.decontaminate, task));
  if (curation.steps) steps.push(...(await loadStepModules(curation.steps)));
  // Verification votes on answers: a run verified without an answer setting gets the default one.
  const answer = curation.answer ?? (curation.verify ? answerSettingsSchema.parse({}) : undefined);
  if (answer) steps.push(answerStep(answer, task));
  if (curation.verify) steps.push(verifyStep(curation.verify, task, curation.answer?.model));
  if (curation.judge) steps.push(judgeStep(curation.judge, task));
  return steps;
}

/**
 * Run the configured steps over `rows` (docs/curate.md), each step's outcomes logged as rows finish
 * and chained by fingerprint, so a rerun redoes only what changed. Writes only the step logs.
 */
export async function curateRows(input: CurateRowsInput): Promise<CuratedRows> {
  const { curation, task } = input;
  const steps = await curationSteps(curation, task, input.steps, input.embedderFor);
  const calls = { paid: 0, cached: 0 };
  const counted = (model: ChatModel) =>
    wrapChatModel({
      model,
      middleware: [
        {
          wrapGenerate: async ({ doGenerate, options }) => {
            const result = await doGenerate(options);
            if (result.cached) calls.cached++;
            else calls.paid++;
            return result;
          },
        },
      ],
    });
  const models = new Map<string, ChatModel>([[input.model.modelId, counted(input.model)]]);
  for (const [path, id] of [
    ['curation.answer.model', curation.answer?.model],
    ['curation.judge.model', curation.judge?.model],
  ] as const) {
    if (id === undefined || models.has(id)) continue;
    if (!input.modelFor)
      throw new ConfigError({ path, message: `no way to reach model "${id}" (give modelFor)` });
    models.set(id, counted(await input.modelFor(id)));
  }
  const context: StepContext = {
    task,
    model(id) {
      const model = models.get(id ?? input.model.modelId);
      if (!model) throw new ConfigError({ path: 'curation', message: `model "${id}" was not set up` });
      return model;
    },
    signal: input.signal,
    logger: input.logger ?? silentLogger,
  };
  let rows = [...input.rows];
  let fingerprint = input.origin;
  const reports: StepReport[] = [];
  try {
    for (const step of steps) {
      throwIfAborted(input.signal);
      const settings = {
        previous: fingerprint,
        step: step.id,
        settings: step.settings,
        model: input.model.modelId,
      };
      fingerprint = sha256(stableStringify(settings));
      const before = { ...calls };
      const report = await runStep(step, rows, {
        file: join(input.folder, CURATION_LOG_FOLDER, `${step.id}.jsonl`),
        fingerprint,
        context,
        concurrency: curation.concurrency,
        onProgress: input.onProgress,
      });
      report.calls = calls.paid - before.paid;
      report.cachedCalls = calls.cached - before.cached;
      reports.push(report);
      rows = report.kept;
    }
  } finally {
    for (const step of steps) if (step.kind === 'row') await step.close?.();
  }
  rows.sort((a, b) => compareSampleIds(a.id, b.id));
  return {
    rows,
    removed: reports.flatMap((report) =>
      report.removed.map((item) => ({ id: item.id, step: report.step, ...item.removed })),
    ),
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
}

function countReasons(reasons: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

/**
 * A function that curates rows other jobs make with `curation` (e.g. `balanceDataset`'s
 * `curateSynthesized`: its synthesized rows answered and verified), its logs under the job's folder.
 */
export function rowsCurator(
  curation: CurationConfigInput,
  origin: string,
): (input: Omit<CurateRowsInput, 'curation' | 'origin'>) => Promise<CurationRow[]> {
  const settings = parseOptions(curationConfigSchema, curation, (path) => `curation.${path}`);
  return async (input) => (await curateRows({ ...input, origin, curation: settings })).rows;
}
