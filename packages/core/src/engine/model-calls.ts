import type { EngineConfig } from '../config/engine-config.js';
import { generateObject } from '../model/generate-object.js';
import type { ChatCallOptions, ChatModel, ChatResult } from '../spec/chat-model.js';
import type { Logger } from '../spec/logger.js';
import type { StageContext } from '../spec/stage.js';
import type { RunEvent } from '../store/run-events.js';
import { hash32 } from '../util/hash.js';
import { createRandom } from '../util/random.js';
import type { EngineState } from './engine-state.js';
import type { Priority, Scheduler } from './scheduler.js';

const SIMULATED_PREFIX = 'simulated/';

export interface ModelCallsOptions {
  model: ChatModel;
  config: EngineConfig;
  scheduler: Scheduler;
  state: EngineState;
  signal: AbortSignal;
  logger: Logger;
  /** Append a `call` event without waiting. */
  record: (event: RunEvent) => void;
  progress: () => void;
}

/** Makes a stage's context: its model calls go through the scheduler, are counted and recorded. */
export type StageContextFactory = (priority: Priority, randomKey: string, refresh?: boolean) => StageContext;

/**
 * The engine's one way to the model. Each call is seeded from the run's seed and its call key, counts
 * toward usage, marks the run simulated when the simulator answered, and notes a repair call the cache
 * missed. `refresh`: the call failed before, so a cached answer (unusable then) is not served again.
 */
export function stageContextFactory(options: ModelCallsOptions): StageContextFactory {
  const { model, config, scheduler, state, signal, logger, record, progress } = options;

  async function call(priority: Priority, callOptions: ChatCallOptions): Promise<ChatResult> {
    const key = callOptions.callKey ?? '';
    let started = 0;
    const result = await scheduler.run(
      priority,
      () => {
        started = performance.now();
        return model.doGenerate({
          ...callOptions,
          seed: callOptions.seed ?? hash32(`${config.seed}:${key}`),
          signal,
        });
      },
      signal,
    );
    if (result.modelId?.startsWith(SIMULATED_PREFIX)) state.simulated = true;
    // A repair call (or its structured-output retries, `<key>#repair<n>`) the cache could not answer.
    const repair = state.repairing.get(key.split('#')[0]!);
    if (repair && result.cached !== true) repair.paid = true;
    const stage = callOptions.stage ?? 'other';
    state.usage.add(stage, result.usage, result.cached === true);
    record({
      type: 'call',
      stage,
      key,
      usage: result.usage,
      cached: result.cached === true,
      ms: Math.round(performance.now() - started),
    });
    progress();
    return result;
  }

  return (priority, randomKey, refresh = false) => {
    const generate = (callOptions: ChatCallOptions) =>
      call(priority, refresh ? { ...callOptions, refresh } : callOptions);
    return {
      generate,
      generateObject: (request) =>
        generateObject({ ...request, generate, maxRepairs: config.structuredRepairs }),
      random: createRandom(`${config.seed}:${randomKey}`),
      signal,
      logger,
    };
  };
}
