import type { EngineConfig, EngineConfigInput } from '../config/engine-config.js';
import {
  foreignMethodSetting,
  type MethodConfigInput,
  mergeMethod,
  methodOf,
} from '../config/method-config.js';
import type { OptionNamer } from '../config/option-name.js';
import type { RunSummary } from '../engine/run-summary.js';
import { ConfigError } from '../errors/config-error.js';
import type { Generator } from '../spec/generator.js';
import type { RunStore } from '../store/run-store.js';
import type { TaskDefinition } from '../tasks/task-definition.js';

export type RunGenerators = Record<string, Generator<RunStore, RunSummary>>;

/**
 * The method of a run: the resumed run's, under the config file's, under the given one (merged when
 * they name the same method). A setting the method does not take is refused naming its option.
 */
export function mergeMethodLayers(
  layers: (EngineConfigInput['method'] | undefined)[],
  name: OptionNamer,
): MethodConfigInput | undefined {
  const merged = mergeMethod(...layers);
  const foreign = foreignMethodSetting(merged);
  if (foreign)
    throw new ConfigError({
      path: name(`config.method.${foreign}`),
      message: `not a setting of the ${merged?.name} method (docs/baselines.md)`,
    });
  return merged;
}

/**
 * The generator of the config's method (undefined: TreeSynth, the engine itself), its settings and
 * files checked before the run folder is touched.
 */
export async function pickGenerator(
  context: { task: TaskDefinition; config: EngineConfig },
  options: { generators?: RunGenerators; treeOnly: boolean },
  name: OptionNamer,
): Promise<Generator<RunStore, RunSummary> | undefined> {
  const method = methodOf(context.config).name;
  if (method === 'treesynth') return undefined;
  const generator = options.generators?.[method];
  if (!generator)
    throw new ConfigError({
      path: name('config.method.name'),
      message: `no generator for the ${method} method here: pass @treesynth/baselines' baselineGenerators as generators`,
    });
  if (options.treeOnly)
    throw new ConfigError({
      path: name('config.method.name'),
      message: `${method} builds no tree; only the treesynth method has a tree-only stage`,
    });
  await generator.check?.(context);
  return generator;
}
