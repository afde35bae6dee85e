import { setMaxListeners } from 'node:events';
import {
  AbortedError,
  type GeneratorContext,
  type Logger,
  type MethodConfig,
  type RunStore,
  type RunSummary,
  type SampleRecord,
  type StageContext,
  silentLogger,
} from '@treesynth/core';
import { createEngineState, Scheduler, stageContextFactory } from '@treesynth/core/internal';

/**
 * What every baseline shares with the TreeSynth engine: its calls go through core's one way to the
 * model (scheduled, seeded by call key, counted per stage, logged as `call` events), samples are
 * appended per call to samples.jsonl, and run.json, events and usage.json are kept the same way.
 *
 * Resume: a baseline's plan is a pure function of the task, the config and the answers, so a resumed
 * run walks the same plan again; the response cache answers every call made before (free), and rows
 * already in samples.jsonl (by id) are not written twice.
 */
export class BaselineRun {
  readonly state = createEngineState();
  readonly logger: Logger;
  private readonly controller = new AbortController();
  private readonly contexts: ReturnType<typeof stageContextFactory>;
  private written = new Set<string>();
  private started = performance.now();
  private units = { planned: 0, done: 0 };
  private note = '';
  /** Calls of the plan (by key) that failed in an earlier session and have not succeeded since. */
  private readonly failedBefore = new Set<string>();
  private readonly before: { status: RunSummary['status'] | 'running'; error?: string };

  constructor(
    readonly context: GeneratorContext<RunStore>,
    readonly method: MethodConfig,
  ) {
    const { config, model, store, signal } = context;
    this.logger = context.logger ?? silentLogger;
    setMaxListeners(0, this.controller.signal);
    if (signal) {
      if (signal.aborted) this.controller.abort(signal.reason);
      else signal.addEventListener('abort', () => this.controller.abort(signal.reason), { once: true });
    }
    this.before = { status: store.manifest.status, error: store.manifest.error };
    this.contexts = stageContextFactory({
      model,
      config,
      scheduler: new Scheduler(config.concurrency),
      state: this.state,
      signal: this.controller.signal,
      logger: this.logger,
      record: (event) => {
        store.appendEvents([event]).catch((error: unknown) => this.controller.abort(error));
      },
      progress: () => {},
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get modelId(): string {
    return this.context.model.modelId;
  }

  /** Open the session: usage of earlier sessions from the event log, the rows already written. */
  async start(): Promise<void> {
    const { store } = this.context;
    if (store.lastStop) this.logger.warn(`resuming ${store.dir}: ${store.lastStop}`);
    let resumed = false;
    for await (const event of store.readEvents()) {
      resumed = true;
      if (event.type === 'call') this.state.usage.add(event.stage, event.usage, event.cached);
      if (event.type === 'leaf-call-failed') this.failedBefore.add(`${event.leaf}:${event.index}`);
      if (event.type === 'leaf-call') this.failedBefore.delete(`${event.leaf}:${event.index}`);
    }
    const { ids, duplicatesDropped } = await store.readSampleIds();
    this.written = ids;
    if (duplicatesDropped > 0)
      this.logger.warn(`dropped ${duplicatesDropped} duplicated rows of samples.jsonl`);
    this.state.simulated ||= store.manifest.simulated === true;
    this.started = performance.now();
    await store.appendEvents([{ type: 'run-start', at: new Date().toISOString(), resumed }]);
    await store.update({ status: 'running', error: undefined });
  }

  /** A stage context for one call of the plan; `key` seeds it and keys its cache entry. */
  stage(key: string): StageContext {
    // A call that failed in an earlier session may have left an unusable answer in the cache: ask again.
    return this.contexts('leaf', key, this.failedBefore.has(key));
  }

  /**
   * Note details of the method in run.json (`extra.method`), e.g. where the personas came from, and
   * `note`, the same in a few words for the run's summary.
   */
  async describe(details: Record<string, unknown>, note: string): Promise<void> {
    this.note = note;
    const { store } = this.context;
    await store.update({
      extra: { ...store.manifest.extra, method: { name: this.method.name, ...details } },
    });
  }

  /** Provenance every record carries. */
  call(index: number): SampleRecord['call'] {
    return { index, model: this.modelId, ...(this.state.simulated ? { simulated: true } : {}) };
  }

  /** Write a call's rows (those not already in samples.jsonl) and count them. */
  async keep(records: readonly SampleRecord[]): Promise<void> {
    const fresh = records.filter((record) => !this.written.has(record.id));
    for (const record of fresh) this.written.add(record.id);
    this.state.samples += records.length;
    if (fresh.length > 0) await this.context.store.appendSamples(fresh);
  }

  /**
   * Run planned units at once (the scheduler bounds the calls in flight). A unit whose call fails after
   * its retries is counted and noted; the run ends `incomplete`, and a resume tries it again.
   */
  async each<T>(
    items: readonly T[],
    key: (index: number) => string,
    unit: (item: T, index: number) => Promise<number>,
  ): Promise<void> {
    this.units.planned += items.length;
    this.state.leafCallsPlanned = this.units.planned;
    await Promise.all(
      items.map(async (item, index) => {
        const callKey = key(index);
        const split = callKey.lastIndexOf(':');
        const where = { leaf: callKey.slice(0, split), index: Number(callKey.slice(split + 1)) };
        try {
          const rows = await unit(item, index);
          this.units.done++;
          // Logged only to clear an earlier failure: a resume then serves this call from the cache again.
          if (this.failedBefore.has(callKey))
            await this.context.store.appendEvents([{ type: 'leaf-call', ...where, samples: rows }]);
        } catch (error) {
          if (this.signal.aborted) return;
          this.state.failedCalls++;
          this.state.lastFailure = error instanceof Error ? error.message : String(error);
          await this.context.store.appendEvents([
            { type: 'leaf-call-failed', ...where, error: this.state.lastFailure },
          ]);
        }
      }),
    );
    if (this.signal.aborted) throw this.signal.reason ?? new AbortedError();
  }

  /** End the session: run.json, events, usage.json; the summary in the TreeSynth engine's shape. */
  async finish(error?: unknown): Promise<RunSummary> {
    const { store } = this.context;
    const aborted =
      this.signal.aborted &&
      (error === undefined || error === this.signal.reason || AbortedError.isInstance(error));
    const fatal = error !== undefined && !aborted ? error : undefined;
    const status: RunSummary['status'] =
      fatal !== undefined
        ? 'failed'
        : aborted
          ? 'interrupted'
          : this.state.failedCalls > 0
            ? 'incomplete'
            : 'complete';
    const message =
      fatal !== undefined
        ? fatal instanceof Error
          ? fatal.message
          : String(fatal)
        : this.state.failedCalls > 0
          ? `${this.state.failedCalls} calls failed (last: ${this.state.lastFailure}); treesynth run --resume tries them again`
          : status === this.before.status
            ? this.before.error
            : undefined;
    const usage = this.state.usage.report();
    await store.appendEvents([{ type: 'run-end', at: new Date().toISOString(), status, error: message }]);
    await store.writeUsage(usage);
    await store.update({ status, error: message, simulated: this.state.simulated || undefined });
    await store.flush();
    if (fatal !== undefined) throw fatal;
    return {
      status,
      ...(message ? { error: message } : {}),
      nodes: 0,
      splitNodes: 0,
      leaves: 0,
      leafReasons: {},
      maxDepthReached: 0,
      infiniteNodes: 0,
      leafCalls: {
        planned: this.units.planned,
        done: this.units.done,
        failed: this.state.failedCalls,
        deferred: 0,
      },
      samples: this.written.size,
      usage,
      elapsedMs: Math.round(performance.now() - this.started),
      simulated: this.state.simulated,
      method: { name: this.method.name, note: this.note || 'no details' },
    };
  }
}

/** Run a baseline's plan in a `BaselineRun`, ending the session however the plan ends. */
export async function runBaseline(
  context: GeneratorContext<RunStore>,
  method: MethodConfig,
  plan: (run: BaselineRun) => Promise<void>,
): Promise<RunSummary> {
  const run = new BaselineRun(context, method);
  await run.start();
  try {
    await plan(run);
  } catch (error) {
    return run.finish(error);
  }
  return run.finish();
}
