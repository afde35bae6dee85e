import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { ConfigError } from '../errors/config-error.js';
import { RunStoreError } from '../errors/run-store-error.js';
import type { Stages } from '../spec/stage.js';
import { sha256 } from '../util/hash.js';

export const STAGE_NAMES = ['pivots', 'criterion', 'coverage', 'leaf'] as const;

/** Stage name to the absolute path of the module that replaces it, as run.json's `extra.stages` keeps it. */
export const stageModulesSchema = z.partialRecord(z.enum(STAGE_NAMES), z.string());

export type StageModules = z.infer<typeof stageModulesSchema>;

/** What run.json records about replaced stages: their modules and each module's source hash. */
export const storedStagesSchema = z.object({
  stages: stageModulesSchema.default({}),
  stageFingerprints: z.partialRecord(z.enum(STAGE_NAMES), z.string()).default({}),
});

/** The stage modules a run was made with, read from its run.json's `extra` (none when absent). */
export function storedStages(extra: Record<string, unknown> | undefined, file: string) {
  const parsed = storedStagesSchema.safeParse(extra ?? {});
  if (parsed.success) return parsed.data;
  const { path, message } = formatZodError(parsed.error);
  throw new RunStoreError({ file, message: `not a valid run.json: extra.${path}: ${message}` });
}

/** Read the `stages` key of a config file: module paths, resolved against the file's folder. */
export function stageModulesFromConfig(file: string, value: unknown): StageModules {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError({
      path: `${file}: stages`,
      message: 'expected an object of stage name to module path',
    });
  }
  const modules: StageModules = {};
  for (const [name, path] of Object.entries(value)) {
    if (!(STAGE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError({
        path: `${file}: stages.${name}`,
        message: `unknown stage; use ${STAGE_NAMES.join(', ')}`,
      });
    }
    if (typeof path !== 'string' || path.length === 0) {
      throw new ConfigError({ path: `${file}: stages.${name}`, message: 'expected a module path' });
    }
    modules[name as keyof StageModules] = resolve(dirname(file), path);
  }
  return modules;
}

/**
 * Import the replacement stages. A module exports the stage as `default` or `stage`: an object with
 * an `id` and a `run(input, context)` function. The fingerprint (a hash of each module's source) makes
 * a resume with a changed stage refuse rather than mix two datasets.
 */
export async function loadStageModules(
  modules: StageModules,
): Promise<{ stages: Partial<Stages>; fingerprint: Record<string, string> }> {
  const stages: Record<string, unknown> = {};
  const fingerprint: Record<string, string> = {};
  for (const [name, path] of Object.entries(modules)) {
    let source: string;
    try {
      source = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError({
        path: `stages.${name}`,
        message: `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      });
    }
    let loaded: Record<string, unknown>;
    try {
      loaded = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError({
        path: `stages.${name}`,
        message: `cannot import ${path}: ${(error as Error).message.split('\n')[0]}`,
      });
    }
    const stage = (loaded.default ?? loaded.stage) as { id?: unknown; run?: unknown } | undefined;
    if (!stage || typeof stage.id !== 'string' || typeof stage.run !== 'function') {
      throw new ConfigError({
        path: `stages.${name}`,
        message: `${path} must export (default or "stage") an object { id: string, run(input, context) }`,
      });
    }
    stages[name] = stage;
    fingerprint[name] = sha256(source);
  }
  return { stages: stages as Partial<Stages>, fingerprint };
}
