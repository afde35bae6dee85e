import { join } from 'node:path';
import { z } from 'zod';
import { checkOutputPath } from '../config/check-output-path.js';
import {
  type EngineConfig,
  type EngineConfigInput,
  parseEngineConfig,
  parseEngineConfigFile,
} from '../config/engine-config.js';
import { methodOf } from '../config/method-config.js';
import { type OptionNamer, optionName } from '../config/option-name.js';
import { parseOptions } from '../config/parse-options.js';
import { readJsonFile } from '../config/read-json-file.js';
import { type RunProgress, type RunSummary, runTreeSynth } from '../engine/tree-synth-engine.js';
import { ConfigError } from '../errors/config-error.js';
import type { ChatModel } from '../spec/chat-model.js';
import { type Logger, silentLogger } from '../spec/logger.js';
import type { Stages } from '../spec/stage.js';
import type { RunManifest } from '../store/run-manifest.js';
import { RunStore } from '../store/run-store.js';
import { loadTask } from '../tasks/load-task.js';
import { type TaskDefinition, taskDefinitionSchema } from '../tasks/task-definition.js';
import { sha256, stableStringify } from '../util/hash.js';
import { redactUrl } from '../util/redact.js';
import { checkResume, fingerprintParts } from './resume-check.js';
import { mergeMethodLayers, pickGenerator, type RunGenerators } from './run-method.js';
import {
  loadStageModules,
  type StageModules,
  stageModulesFromConfig,
  storedStages,
} from './stage-modules.js';

/** The model a stored run was made with, for a `connect` that reopens it. */
export type StoredModel = RunManifest['model'];

/** Builds the chat model once the run's stored model (on resume) is known; `baseURL` is recorded. */
export type ModelConnector = (
  stored: StoredModel | undefined,
) => Promise<{ model: ChatModel; baseURL?: string }>;

const isChatModel = (value: unknown): value is ChatModel =>
  typeof (value as ChatModel | null)?.doGenerate === 'function' &&
  typeof (value as ChatModel).modelId === 'string';

export const openRunOptionsSchema = z
  .object({
    /** Required with `resume`. */
    out: z.string().optional().describe('run folder (default: runs/<task>-seed<seed>)'),
    /** Or start it there when it has none yet. */
    resume: z.boolean().default(false).describe('continue the run in the run folder where it stopped'),
    /** Or a task object; on resume, default the run's task. */
    task: z
      .union([z.string(), taskDefinitionSchema])
      .optional()
      .describe('gsm8k, math, code, tom, generic, or a task JSON file'),
    description: z.string().optional().describe('one-line task description (for the generic task)'),
    requirements: z
      .array(z.string())
      .optional()
      .describe('a rule every sample follows (for the generic task; one per entry)'),
    /** `stages` are module paths relative to the file. */
    configFile: z
      .string()
      .optional()
      .describe('engine config JSON (tree, synthesis, stages, ...); settings given here override it'),
    /** Engine settings over the config file and the resumed run's settings. */
    config: z.custom<EngineConfigInput>((value) => typeof value === 'object' && value !== null).optional(),
    /** The chat model, or a function that builds it from the stored run's model (on resume). */
    model: z.custom<ChatModel | ModelConnector>(
      (value) => typeof value === 'function' || isChatModel(value),
      'expected a ChatModel or a function returning one',
    ),
    /**
     * Generators of the methods other than TreeSynth, by method name (`@treesynth/baselines`'
     * `baselineGenerators`); the config's `method` picks one.
     */
    generators: z.custom<RunGenerators>((value) => typeof value === 'object' && value !== null).optional(),
    /** Where the model is served, recorded in run.json (credentials removed). */
    baseURL: z.string().optional(),
    /** Build the tree only (stage one): recorded as the `tree` command. */
    treeOnly: z.boolean().default(false),
    /** The model is the simulator: recorded, and summaries say so. */
    simulated: z.boolean().default(false),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
    /** How messages name an option (default: its own name); the CLI passes its flag names. */
    optionName: z.custom<OptionNamer>((value) => typeof value === 'function').optional(),
  })
  .strict();

export type OpenRunOptions = z.input<typeof openRunOptionsSchema>;

export interface OpenedRun {
  /** The run folder, locked until `run()` ends or `close()`. */
  readonly store: RunStore;
  readonly task: TaskDefinition;
  readonly config: EngineConfig;
  readonly model: ChatModel;
  /** True when the folder held a run that this one continues. */
  readonly resumed: boolean;
  /**
   * Run the engine (stage one, then stage two unless `treeOnly`) and release the folder. `model`
   * replaces the opened model for the calls, e.g. the same model wrapped in a cache under the folder.
   */
  run(options?: { model?: ChatModel; onProgress?: (progress: RunProgress) => void }): Promise<RunSummary>;
  /** Release the folder without running. Safe to call more than once. */
  close(): Promise<void>;
}

function parseOpenRunOptions(input: OpenRunOptions) {
  const name = typeof input.optionName === 'function' ? input.optionName : optionName;
  return parseOptions(openRunOptionsSchema, input, (path) => (/^\w+$/.test(path) ? name(path) : path));
}

/** The config: the resumed run's, under the config file's, under `config`. */
function mergeConfig(
  base: EngineConfigInput,
  options: { configFile?: string; config?: EngineConfigInput },
  name: OptionNamer = optionName,
): { config: EngineConfig; stageModules?: StageModules } {
  // `curation` is curation's to read (@treesynth/curate); the engine ignores it, and `experiment` too.
  const {
    stages,
    experiment: _experiment,
    curation: _curation,
    ...fromFile
  } = options.configFile
    ? parseEngineConfigFile(readJsonFile(options.configFile, 'config file'), options.configFile)
    : {};
  const stageModules = options.configFile ? stageModulesFromConfig(options.configFile, stages) : undefined;
  const given = options.config ?? {};
  const merged: EngineConfigInput = {
    ...base,
    ...fromFile,
    ...given,
    tree: { ...base.tree, ...fromFile.tree, ...given.tree },
    synthesis: { ...base.synthesis, ...fromFile.synthesis, ...given.synthesis },
    method: mergeMethodLayers([base.method, fromFile.method, given.method], name),
  };
  if (merged.method === undefined) delete merged.method;
  return { config: parseEngineConfig(merged, options.configFile ?? 'config'), stageModules };
}

/**
 * Create a run folder, or open one to resume, ready to run. Everything is checked before the folder
 * is created, so bad input leaves nothing behind; a resume whose settings would change the dataset
 * is refused (see `checkResume`), except a larger sample budget, which extends it. The folder is
 * locked until the run ends or `close()`.
 */
export async function openRun(input: OpenRunOptions): Promise<OpenedRun> {
  const options = parseOpenRunOptions(input);
  const name = options.optionName ?? optionName;
  const logger = options.logger ?? silentLogger;
  if (options.resume && !options.out)
    throw new ConfigError({ path: name('out'), message: `${name('resume')} needs the run folder` });
  const existing =
    options.resume && options.out && RunStore.exists(options.out)
      ? await RunStore.open(options.out)
      : undefined;
  try {
    const manifest = existing?.manifest;
    const task =
      typeof options.task === 'object'
        ? options.task
        : options.task
          ? loadTask(options.task, { description: options.description, requirements: options.requirements })
          : manifest?.task;
    if (!task)
      throw new ConfigError({
        path: name('task'),
        message: `which task? give a built-in name (gsm8k, math, code, tom), generic with ${name('description')}, or a task JSON file`,
      });
    const { config, stageModules: fromConfig } = mergeConfig(manifest?.config ?? {}, options, name);
    const method = methodOf(config).name;
    const generator = await pickGenerator({ task, config }, options, name);
    const dir =
      options.out ??
      join('runs', `${task.name}-${method === 'treesynth' ? '' : `${method}-`}seed${config.seed}`);
    checkOutputPath(dir, { flag: name('out'), kind: 'folder' });
    const stored = existing ? storedStages(existing.manifest.extra, existing.file('manifest')) : undefined;
    const stageModules = fromConfig ?? stored?.stages ?? {};
    const custom = await loadStageModules(stageModules);
    const connected =
      typeof options.model === 'function'
        ? await options.model(manifest?.model)
        : { model: options.model, baseURL: options.baseURL };
    const model = connected.model;

    const parts = fingerprintParts(task, config, model.modelId, custom.fingerprint);
    const fingerprint = sha256(stableStringify(parts));
    const extra = {
      command: options.treeOnly ? 'tree' : 'run',
      stages: stageModules,
      stageFingerprints: custom.fingerprint,
      // The method's details: its generator adds to them (docs/baselines.md, provenance).
      method: { name: method },
    };
    let store: RunStore;
    if (existing && manifest) {
      checkResume(existing.dir, manifest, stored?.stageFingerprints ?? {}, parts, name);
      if (manifest.fingerprint !== fingerprint) await existing.update({ config, fingerprint, extra });
      store = existing;
    } else {
      store = await RunStore.create(
        dir,
        {
          fingerprint,
          task,
          config,
          model: {
            provider: model.provider,
            modelId: model.modelId,
            ...(connected.baseURL ? { baseURL: redactUrl(connected.baseURL) } : {}),
          },
          ...(options.simulated ? { simulated: true } : {}),
          extra,
        },
        { optionName: name },
      );
      // A retry loop around a resume must work from the first try: with no run yet, it starts one.
      if (options.resume) logger.warn(`no run in ${store.dir} yet (run.json is missing): started it`);
    }
    return openedRun(store, {
      task,
      config,
      model,
      stages: custom.stages,
      generator,
      resumed: existing !== undefined,
      options,
    });
  } catch (error) {
    await existing?.close();
    throw error;
  }
}

function openedRun(
  store: RunStore,
  opened: {
    task: TaskDefinition;
    config: EngineConfig;
    model: ChatModel;
    stages: Partial<Stages>;
    generator?: RunGenerators[string];
    resumed: boolean;
    options: { treeOnly: boolean; signal?: AbortSignal; logger?: Logger };
  },
): OpenedRun {
  const { task, config, model, stages, generator, resumed, options } = opened;
  return {
    store,
    task,
    config,
    model,
    resumed,
    async run(overrides = {}) {
      try {
        if (generator)
          return await generator.generate({
            task,
            model: overrides.model ?? model,
            config,
            store,
            signal: options.signal,
            logger: options.logger,
          });
        return await runTreeSynth({
          stages,
          task,
          model: overrides.model ?? model,
          config,
          store,
          treeOnly: options.treeOnly,
          signal: options.signal,
          logger: options.logger,
          onProgress: overrides.onProgress,
        });
      } finally {
        await store.close();
      }
    },
    close: () => store.close(),
  };
}
