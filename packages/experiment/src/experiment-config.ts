import { readFileSync } from 'node:fs';
import {
  ConfigError,
  type ExperimentConfig,
  experimentConfigSchema,
  parseEngineConfigFile,
} from '@treesynth/core';
import { readJsonFile, sha256 } from '@treesynth/core/internal';
import { type CurationConfigInput, curationConfigSchema, hasCurationSteps } from '@treesynth/curate';

/**
 * Curation when the config names none: what a fine-tune needs alike for every method (duplicates and
 * benchmark overlaps out, every row answered). docs/reproduce.md.
 */
export const DEFAULT_EXPERIMENT_CURATION: CurationConfigInput = { dedup: {}, decontaminate: {}, answer: {} };

export interface LoadedExperimentConfig {
  file: string;
  hash: string;
  experiment: ExperimentConfig;
  curation: CurationConfigInput;
  seed: number;
}

/** The config file read through core's parser: its `experiment` block required, `curation` checked. */
export function loadExperimentConfig(file: string): LoadedExperimentConfig {
  const raw = readJsonFile(file, 'config');
  const parsed = parseEngineConfigFile(raw, file);
  if (parsed.experiment === undefined)
    throw new ConfigError({
      path: file,
      message: 'has no `experiment` block (see benchmarks/paper/README.md)',
    });
  const experiment = experimentConfigSchema.parse(parsed.experiment);
  const names = experiment.methods.map((method) => method.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice)
    throw new ConfigError({
      path: `${file}: experiment.methods`,
      message: `method ${twice} is listed twice`,
    });
  const given = parsed.curation;
  const curation = given === undefined ? DEFAULT_EXPERIMENT_CURATION : checkCuration(given, file);
  return {
    file,
    hash: sha256(readFileSync(file, 'utf8')),
    experiment,
    curation,
    seed: typeof parsed.seed === 'number' ? parsed.seed : 0,
  };
}

function checkCuration(given: unknown, file: string): CurationConfigInput {
  const result = curationConfigSchema.safeParse(given);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError({ path: `${file}: curation.${issue.path.join('.')}`, message: issue.message });
  }
  if (!hasCurationSteps(given as CurationConfigInput))
    throw new ConfigError({
      path: `${file}: curation`,
      message: 'names no step; leave it out for the default',
    });
  return given as CurationConfigInput;
}
