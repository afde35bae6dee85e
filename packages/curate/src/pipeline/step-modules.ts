import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@treesynth/core';
import { sha256 } from '@treesynth/core/internal';
import { z } from 'zod';
import type { CurationStep } from './curation-step.js';

/** The built-in steps' ids: a user step may not take one (its log would be theirs). */
const BUILT_IN_STEPS = ['dedup', 'decontaminate', 'answer', 'verify', 'judge'];

/**
 * A user step in the `curation.steps` list: the module that exports it (a path relative to the config
 * file that names it) and any settings of its own, handed to the module's factory and fingerprinted.
 */
export const stepModuleSettingsSchema = z
  .object({ module: z.string().min(1).describe('module exporting a curation step') })
  .catchall(z.unknown());

export type StepModuleSettings = z.output<typeof stepModuleSettingsSchema>;

/** The `curation.steps` of a config file with each module path made absolute against the file's folder. */
export function resolveStepModules<T extends { steps?: unknown }>(curation: T, configFile: string): T {
  if (!Array.isArray(curation.steps)) return curation;
  const steps = curation.steps.map((step: unknown) => {
    const module = (step as { module?: unknown } | null)?.module;
    return typeof module === 'string' && !isAbsolute(module)
      ? { ...(step as object), module: resolve(dirname(configFile), module) }
      : step;
  });
  return { ...curation, steps };
}

const isStep = (value: unknown): value is CurationStep => {
  const step = value as Partial<CurationStep> | null;
  return (
    typeof step === 'object' &&
    step !== null &&
    typeof step.id === 'string' &&
    /^[a-z][a-z0-9_-]*$/.test(step.id) &&
    (step.kind === 'row' || step.kind === 'set') &&
    typeof step.run === 'function'
  );
};

/**
 * Import the user steps. A module exports (as `default` or `step`) a curation step, or a function of
 * the entry's settings that returns one. Each step's settings carry the entry and a hash of the
 * module's source, so an edited module redoes its step and the ones after it.
 */
export async function loadStepModules(entries: readonly StepModuleSettings[]): Promise<CurationStep[]> {
  const steps: CurationStep[] = [];
  for (const [index, entry] of entries.entries()) {
    const path = `curation.steps[${index}].module`;
    const file = resolve(entry.module);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError({ path, message: `cannot read ${file} (${code})` });
    }
    let loaded: Record<string, unknown>;
    try {
      loaded = (await import(`${pathToFileURL(file).href}?${sha256(source).slice(0, 16)}`)) as Record<
        string,
        unknown
      >;
    } catch (error) {
      throw new ConfigError({
        path,
        message: `cannot import ${file}: ${String((error as Error).message ?? error).split('\n')[0]}`,
      });
    }
    const { module: _module, ...own } = entry;
    let exported = loaded.default ?? loaded.step;
    if (typeof exported === 'function') exported = await (exported as (settings: unknown) => unknown)(own);
    if (!isStep(exported))
      throw new ConfigError({
        path,
        message: `${file} must export (default or "step") a curation step { id, kind: "row" | "set", run }, or a function of its settings returning one`,
      });
    if (BUILT_IN_STEPS.includes(exported.id) || steps.some((step) => step.id === exported.id))
      throw new ConfigError({ path, message: `${file}: step id "${exported.id}" is taken; give it another` });
    steps.push(fingerprinted(exported, { module: file, source: sha256(source), entry: own }));
  }
  return steps;
}

/** The module's step behind one whose settings add what names the module; its methods keep their `this`. */
function fingerprinted(step: CurationStep, module: Record<string, unknown>): CurationStep {
  const settings = { ...module, step: step.settings ?? null };
  if (step.kind === 'set')
    return { id: step.id, kind: 'set', settings, run: (rows, context) => step.run(rows, context) };
  return {
    id: step.id,
    kind: 'row',
    settings,
    run: (row, context) => step.run(row, context),
    ...(step.close ? { close: () => step.close!() } : {}),
  };
}
