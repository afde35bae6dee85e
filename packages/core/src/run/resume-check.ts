import type { EngineConfig } from '../config/engine-config.js';
import { type OptionNamer, optionName } from '../config/option-name.js';
import { RunStoreError } from '../errors/run-store-error.js';
import type { RunManifest } from '../store/run-manifest.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import { stableStringify } from '../util/hash.js';

/** Everything that changes the dataset; a resume must match it exactly. */
export function fingerprintParts(
  task: TaskDefinition,
  config: EngineConfig,
  modelId: string,
  stages: Record<string, string>,
) {
  // A TreeSynth run's fingerprint is as it was before methods existed; another method's includes it.
  const method = config.method && config.method.name !== 'treesynth' ? { method: config.method } : {};
  return {
    ...(Object.keys(stages).length > 0 ? { stages } : {}),
    ...method,
    task,
    tree: config.tree,
    synthesis: config.synthesis,
    maxSamples: config.maxSamples ?? null,
    seed: config.seed,
    model: modelId,
  };
}

export type FingerprintParts = ReturnType<typeof fingerprintParts>;

/** What a run stopped after stage one may still choose on resume: everything but these. */
const STAGE_ONE_PARTS = ['task', 'tree', 'seed', 'model'] as const;

/**
 * Why a resume may not move the sample budget from `before` to `after` (null: no limit), or undefined
 * when it may: raising or dropping the limit extends the run, since a larger budget keeps every leaf's
 * samples (see `spreadBudget`); lowering it would leave more rows than the new limit allows.
 */
export function budgetChangeProblem(
  before: number | null,
  after: number | null,
  name: OptionNamer = optionName,
): string | undefined {
  if (after === null || (before !== null && after >= before)) return undefined;
  return before === null
    ? `maxSamples was no limit in this run and is ${after} now; a run made without ${name('maxSamples')} cannot take one on resume (the rows already made may not fit it)`
    : `maxSamples was ${before} in this run and is ${after} now; a resume may raise ${name('maxSamples')}, not lower it (the rows already made would not fit)`;
}

/** The first place two JSON values differ, as a dotted path. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (stableStringify(a) === stableStringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (found) return found;
    }
  }
  return path || '(root)';
}

function valueAt(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (current, key) =>
        current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined,
      value,
    );
}

function pick<T extends object>(value: T, keys: readonly (keyof T)[]): Partial<T> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Partial<T>;
}

/**
 * Refuse a resume whose settings would change the dataset the run in `dir` is making. A run stopped
 * after stage one may choose its stage-two settings (budget, samples per call) now; a later one may
 * still extend its budget, not lower it.
 */
export function checkResume(
  dir: string,
  manifest: RunManifest,
  storedStageFingerprints: Record<string, string>,
  parts: FingerprintParts,
  name: OptionNamer = optionName,
): void {
  const stored = fingerprintParts(
    manifest.task,
    manifest.config,
    manifest.model.modelId,
    storedStageFingerprints,
  );
  const stageOneOnly = manifest.status === 'tree-built';
  const compared = stageOneOnly
    ? STAGE_ONE_PARTS
    : ([...new Set([...Object.keys(stored), ...Object.keys(parts)])] as (keyof FingerprintParts)[]).filter(
        (key) => key !== 'maxSamples',
      );
  const where = firstDifference(pick(stored, compared), pick(parts, compared));
  if (where) {
    throw new RunStoreError({
      file: dir,
      message: `cannot resume: ${where} was ${JSON.stringify(valueAt(stored, where)) ?? 'unset'} in this run and is ${JSON.stringify(valueAt(parts, where)) ?? 'unset'} now; drop the setting that changes it, or use a new ${name('out')}`,
    });
  }
  const budgetProblem = stageOneOnly
    ? undefined
    : budgetChangeProblem(stored.maxSamples, parts.maxSamples, name);
  if (budgetProblem)
    throw new RunStoreError({
      file: dir,
      message: `cannot resume: ${budgetProblem}; for a smaller dataset use a new ${name('out')}`,
    });
}
