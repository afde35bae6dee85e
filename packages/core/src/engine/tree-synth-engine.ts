import { setMaxListeners } from 'node:events';
import type { EngineConfig } from '../config/engine-config.js';
import { AbortedError } from '../errors/abort-error.js';
import type { ChatModel } from '../spec/chat-model.js';
import type { Generator } from '../spec/generator.js';
import { type Logger, silentLogger } from '../spec/logger.js';
import type { Stages } from '../spec/stage.js';
import { builtinStages } from '../stages/builtin-stages.js';
import type { RunEvent } from '../store/run-events.js';
import type { RunStore } from '../store/run-store.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import type { EngineRuntime } from './engine-runtime.js';
import { createEngineState, type EngineState } from './engine-state.js';
import { LeafSampler } from './leaf-sampler.js';
import { stageContextFactory } from './model-calls.js';
import { Notifier } from './notifier.js';
import { repairNote, replayRun } from './replay.js';
import { describeError, type RunSummary, runOutcome, summarizeRun } from './run-summary.js';
import { Scheduler } from './scheduler.js';
import { TreeBuilder } from './tree-builder.js';

export type { SamplesRepair } from './engine-state.js';
export type { RunSummary, StageTwoEstimate } from './run-summary.js';

export interface TreeSynthOptions {
  task: TaskDefinition;
  model: ChatModel;
  config: EngineConfig;
  store: RunStore;
  /** Replace any built-in stage with your own `{ id, run }` object. */
  stages?: Partial<Stages>;
  /** Build the tree only (stage one) and report what stage two would cost. */
  treeOnly?: boolean;
  signal?: AbortSignal;
  logger?: Logger;
  /** Called whenever the run makes progress; cheap to ignore, throttle it for display. */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  nodesSplit: number;
  nodesPending: number;
  leaves: number;
  leafCallsDone: number;
  leafCallsFailed: number;
  /** Known once the tree is complete, or when no budget applies; grows as leaves are found. */
  leafCallsPlanned: number;
  samples: number;
  calls: number;
  cachedCalls: number;
  tokens: number;
  elapsedMs: number;
  treeComplete: boolean;
}

/**
 * The TreeSynth engine: builds the partition tree (pivots, criterion, coverage) and synthesizes
 * samples in every leaf, resuming from the run store's event log. Node expansion and leaf calls share
 * one scheduler: a child is expanded as soon as its parent is split, a leaf is sampled as soon as it
 * is known (unless a budget needs the whole tree first), and tree calls go first.
 *
 * The parts: `replayRun` (events -> state), `TreeBuilder` (stage one), `LeafSampler` (stage two),
 * `summarizeRun` (the summary and stage-two estimate); they share one `EngineState`.
 */
export class TreeSynthEngine {
  private readonly state: EngineState = createEngineState();
  private readonly controller = new AbortController();
  private readonly changed = new Notifier();
  private readonly logger: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly builder: TreeBuilder;
  private readonly sampler: LeafSampler;
  private fatal: unknown;
  private started = 0;
  private lastSnapshot = 0;

  constructor(private readonly options: TreeSynthOptions) {
    this.logger = options.logger ?? silentLogger;
    // Every call in flight listens to the run's signal; thousands at once are expected, not a leak.
    setMaxListeners(0, this.controller.signal);
    if (options.signal) {
      if (options.signal.aborted) this.controller.abort(options.signal.reason);
      else
        options.signal.addEventListener('abort', () => this.controller.abort(options.signal?.reason), {
          once: true,
        });
    }
    const { task, config, store, model } = options;
    const scheduler = new Scheduler(config.concurrency);
    const signal = this.controller.signal;
    const record = (event: RunEvent) => this.record(event);
    const progress = () => this.progress();
    const runtime: EngineRuntime = {
      task,
      config,
      store,
      stages: { ...builtinStages, ...options.stages },
      state: this.state,
      signal,
      logger: this.logger,
      stageContext: stageContextFactory({
        model,
        config,
        scheduler,
        state: this.state,
        signal,
        logger: this.logger,
        record,
        progress,
      }),
      track: (work) => this.track(work),
      notify: () => this.changed.notify(),
      record,
      progress,
    };
    this.sampler = new LeafSampler(runtime, {
      modelId: model.modelId,
      concurrency: scheduler.concurrency,
      treeOnly: options.treeOnly,
    });
    this.builder = new TreeBuilder(runtime, (leaf) => this.sampler.leafFound(leaf));
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  async run(): Promise<RunSummary> {
    const { store } = this.options;
    const { tree } = this.state;
    this.started = performance.now();
    if (store.lastStop) this.logger.warn(`resuming ${store.dir}: ${store.lastStop}`);
    const resumed = await replayRun(this.state, store, this.logger);
    const before = { status: store.manifest.status, error: store.manifest.error };
    this.state.simulated ||= store.manifest.simulated === true;
    await store.appendEvents([{ type: 'run-start', at: new Date().toISOString(), resumed }]);
    await store.update({ status: 'running', error: undefined });

    for (const node of tree.pending()) this.builder.start(node);
    for (const leaf of tree.leaves()) this.sampler.leafFound(leaf);

    while (this.fatal === undefined && !this.signal.aborted) {
      this.sampler.planIfReady(this.builder.complete);
      this.sampler.startCalls();
      if (this.builder.idle && this.sampler.finished) break;
      await this.changed.wait();
      this.maybeSnapshot();
    }
    await Promise.allSettled([...this.inFlight]);

    const { status, error } = runOutcome(this.state, {
      fatal: this.fatal,
      aborted: this.signal.aborted,
      treeOnly: this.options.treeOnly === true,
      before,
    });
    await this.finish(status, error);
    if (this.fatal !== undefined) throw this.fatal;
    return summarizeRun(this.state, {
      status,
      error,
      elapsedMs: performance.now() - this.started,
      task: this.options.task,
      config: this.options.config,
    });
  }

  /**
   * Write the run's end: events, snapshots, run.json. The store stays open (its owner closes it). When
   * a write fails (a full disk), the run fails, and run.json is marked so where that still works.
   */
  private async finish(status: RunSummary['status'], error: string | undefined): Promise<void> {
    const { store } = this.options;
    const { repaired } = this.state;
    const events: RunEvent[] = [];
    if (repaired) {
      this.logger.warn(repairNote(repaired));
      const { rowsFromCache, rowsRequested, duplicatesDropped } = repaired;
      events.push({ type: 'samples-repaired', rowsFromCache, rowsRequested, duplicatesDropped });
    }
    events.push({ type: 'run-end', at: new Date().toISOString(), status, error });
    try {
      await store.appendEvents(events);
      await this.snapshot();
      await store.update({ status, error, simulated: this.state.simulated || undefined });
      await store.flush();
    } catch (writeError) {
      this.fatal ??= writeError;
      store.recordFailure(describeError(this.fatal));
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.inFlight.delete(tracked);
        this.changed.notify();
      });
    this.inFlight.add(tracked);
  }

  /** Append an event without waiting; a failed write fails the run. */
  private record(event: RunEvent): void {
    this.options.store.appendEvents([event]).catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    if (AbortedError.isInstance(error) && this.signal.aborted) return;
    if (this.fatal === undefined) {
      this.fatal = error;
      this.controller.abort(error);
    }
  }

  // ---- reporting -----------------------------------------------------------------------------------

  private progress(): void {
    this.options.onProgress?.(this.progressSnapshot());
  }

  progressSnapshot(): RunProgress {
    const { tree, usage } = this.state;
    const { split: nodesSplit, pending: nodesPending, leaf: leaves } = tree.counts;
    const totals = usage.totals();
    return {
      nodesSplit,
      nodesPending,
      leaves,
      leafCallsDone: this.state.doneCalls.size,
      leafCallsFailed: this.state.failedCalls,
      leafCallsPlanned: this.state.leafCallsPlanned,
      samples: this.state.samples,
      calls: totals.calls,
      cachedCalls: totals.cachedCalls,
      tokens: totals.promptTokens + totals.completionTokens,
      elapsedMs: performance.now() - this.started,
      treeComplete: this.builder.complete,
    };
  }

  private maybeSnapshot(): void {
    const now = performance.now();
    if (now - this.lastSnapshot < 2000) return;
    this.lastSnapshot = now;
    void this.snapshot().catch((error: unknown) => this.fail(error));
  }

  private async snapshot(): Promise<void> {
    await this.options.store.writeTree(this.state.tree);
    await this.options.store.writeUsage(this.state.usage.report());
  }
}

/** Run TreeSynth end to end (or stage one only) in a run store. The store stays open: close it after. */
export function runTreeSynth(options: TreeSynthOptions): Promise<RunSummary> {
  return new TreeSynthEngine(options).run();
}

/** TreeSynth as a `Generator`, beside the baselines. */
export const treeSynthGenerator: Generator<RunStore, RunSummary> = {
  id: 'treesynth',
  generate: (context) => runTreeSynth(context),
};
