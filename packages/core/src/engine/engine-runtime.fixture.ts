import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EngineConfig, type EngineConfigInput, parseEngineConfig } from '../config/engine-config.js';
import { parsePromptSections, parseSubspace, STAGE_SCHEMA_NAMES } from '../prompts/prompt-layout.js';
import type { ChatCallOptions, ChatModel } from '../spec/chat-model.js';
import type { Logger } from '../spec/logger.js';
import type { Stages } from '../spec/stage.js';
import { builtinStages } from '../stages/builtin-stages.js';
import type { RunEvent } from '../store/run-events.js';
import { RunStore } from '../store/run-store.js';
import { parseTask } from '../tasks/load-task.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import type { EngineRuntime } from './engine-runtime.js';
import { createEngineState, type EngineState } from './engine-state.js';
import { stageContextFactory } from './model-calls.js';
import { Scheduler } from './scheduler.js';

/** Test kit for the engine's parts: a real run store in a temp folder and a runtime wired like the engine's. */

export const toyTask: TaskDefinition = parseTask({
  name: 'toy',
  description: 'Toy questions.',
  fields: [{ name: 'question', description: 'the question' }],
});

export function testConfig(input: EngineConfigInput = {}): EngineConfig {
  return parseEngineConfig({ concurrency: 4, ...input });
}

/** A run store in a fresh temp folder, or the one in `dir` reopened. */
export async function testStore(config: EngineConfig, dir?: string): Promise<RunStore> {
  const folder = dir ?? join(mkdtempSync(join(tmpdir(), 'treesynth-engine-unit-')), 'run');
  if (RunStore.exists(folder)) return RunStore.open(folder);
  return RunStore.create(folder, {
    fingerprint: 'test',
    task: toyTask,
    config,
    model: { provider: 'scripted', modelId: 'm' },
  });
}

/** Every event in a store's log, in order. */
export async function readAllEvents(store: RunStore): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of store.readEvents()) events.push(event);
  return events;
}

export interface TestRuntime {
  runtime: EngineRuntime;
  state: EngineState;
  warnings: string[];
  /** Errors thrown by tracked work (the engine would fail the run with the first). */
  errors: unknown[];
  /** Wait until no tracked work is left (work may start more work). */
  settle: () => Promise<void>;
}

/** A runtime as the engine wires it, over a real store and model; tracked work is awaited by `settle`. */
export function testRuntime(options: {
  store: RunStore;
  model: ChatModel;
  config: EngineConfig;
  task?: TaskDefinition;
  state?: EngineState;
  stages?: Partial<Stages>;
}): TestRuntime {
  const { store, model, config } = options;
  const state = options.state ?? createEngineState();
  const warnings: string[] = [];
  const errors: unknown[] = [];
  const logger: Logger = { info() {}, debug() {}, warn: (message) => warnings.push(message) };
  const signal = new AbortController().signal;
  const inFlight = new Set<Promise<void>>();
  const record = (event: RunEvent) => {
    store.appendEvents([event]).catch((error: unknown) => errors.push(error));
  };
  const progress = () => {};
  const runtime: EngineRuntime = {
    task: options.task ?? toyTask,
    config,
    store,
    stages: { ...builtinStages, ...options.stages },
    state,
    signal,
    logger,
    stageContext: stageContextFactory({
      model,
      config,
      scheduler: new Scheduler(config.concurrency),
      state,
      signal,
      logger,
      record,
      progress,
    }),
    track: (work) => {
      const tracked: Promise<void> = work
        .catch((error: unknown) => {
          errors.push(error);
        })
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    },
    notify: () => {},
    record,
    progress,
  };
  const settle = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await store.flush();
  };
  return { runtime, state, warnings, errors, settle };
}

/** How many samples a prompt asks for. */
export function requested(call: ChatCallOptions): number {
  const sections = parsePromptSections(call.messages.map((message) => message.content).join('\n'));
  return Number(/exactly (\d+)/.exec(sections.get('Request') ?? '')?.[1] ?? 0);
}

/** Leaf and pivot answers: as many questions as asked for, numbered, tagged with the call key. */
export function sampleReply(call: ChatCallOptions): object {
  return {
    samples: Array.from({ length: requested(call) }, (_, index) => ({
      question: `${call.callKey} #${index}`,
    })),
  };
}

/** Pivot count of a criterion prompt. */
function pivotCount(sections: Map<string, string>): number {
  return (sections.get('Pivots') ?? '').split('\n').filter(Boolean).length;
}

/**
 * Answers every stage: samples as asked, a criterion `level<depth>` with values `<depth>a` and `<depth>b`
 * (odd pivots to the first), and coverage that finds nothing new.
 */
export function toyReply(call: ChatCallOptions): object {
  const sections = parsePromptSections(call.messages.map((message) => message.content).join('\n'));
  const name = call.responseFormat?.name;
  if (name === STAGE_SCHEMA_NAMES.criterion) {
    const depth = parseSubspace(sections.get('Subspace')).length;
    const pivots = pivotCount(sections);
    return {
      dimension: `level${depth}`,
      assignments: ['a', 'b'].map((value, position) => ({
        value: `${depth}${value}`,
        pivots: Array.from({ length: pivots }, (_, index) => index + 1).filter(
          (index) => index % 2 === position,
        ),
      })),
    };
  }
  if (name === STAGE_SCHEMA_NAMES.coverage) return { status: 'no-new-values', new_values: [] };
  return sampleReply(call);
}
