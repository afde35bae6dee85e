import { setMaxListeners } from 'node:events';
import type { EngineConfig } from '../config/engine-config.js';
import { AbortedError } from '../errors/abort-error.js';
import { ApiCallError } from '../errors/api-call-error.js';
import { DeferredCallError } from '../errors/deferred-call-error.js';
import { RunStoreError } from '../errors/run-store-error.js';
import { StructuredOutputError } from '../errors/structured-output-error.js';
import { TreeSynthError } from '../errors/treesynth-error.js';
import { generateObject } from '../model/generate-object.js';
import { leafPrompt } from '../prompts/stage-prompts.js';
import type { ChatCallOptions, ChatModel, ChatResult } from '../spec/chat-model.js';
import type { Generator } from '../spec/generator.js';
import { type Logger, silentLogger } from '../spec/logger.js';
import type { PathStep, SampleFields, SampleRecord } from '../spec/sample.js';
import type { StageContext, Stages } from '../spec/stage.js';
import { builtinStages } from '../stages/builtin-stages.js';
import type { RunEvent } from '../store/run-events.js';
import type { RunStatus, RunStore } from '../store/run-store.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import {
  drawPath,
  infiniteDepth,
  type LeafReason,
  PartitionTree,
  type TreeNode,
  usedDimensions,
} from '../tree/partition-tree.js';
import { hash32 } from '../util/hash.js';
import { createRandom } from '../util/random.js';
import { callSizes, spreadBudget } from './budget.js';
import { checkCriterion, mergeValues } from './check-criterion.js';
import { Notifier } from './notifier.js';
import { type Priority, Scheduler } from './scheduler.js';
import { type UsageReport, UsageTracker } from './usage-tracker.js';

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

export interface StageTwoEstimate {
  leafCalls: number;
  samples: number;
  promptTokens: number;
  completionTokens: number;
}

export interface RunSummary {
  /** `incomplete`: leaf calls failed after their retries; `treesynth run --resume` tries them again. */
  status: Exclude<RunStatus, 'running'>;
  /** Why the run failed, or why it is incomplete. */
  error?: string;
  nodes: number;
  splitNodes: number;
  leaves: number;
  leafReasons: Partial<Record<LeafReason, number>>;
  maxDepthReached: number;
  infiniteNodes: number;
  /** `deferred`: leaf calls handed to a batch job and still pending. */
  leafCalls: { planned: number; done: number; failed: number; deferred: number };
  samples: number;
  usage: UsageReport;
  elapsedMs: number;
  simulated: boolean;
  /** Set when `maxSamples` capped the dataset. */
  budget?: { maxSamples: number; demand: number; planned: number; message: string };
  /** With `treeOnly`: what stage two would cost. */
  estimate?: StageTwoEstimate;
  /** Set when resume found samples.jsonl out of step with the event log and repaired it. */
  repaired?: SamplesRepair;
}

/** What resume did to bring samples.jsonl back in step with the leaf calls in the event log. */
export interface SamplesRepair {
  /** Rows missing (a torn, cut or deleted file) and made again from the response cache, free. */
  rowsFromCache: number;
  /** Rows missing whose answers the cache lacked: their calls were made again. */
  rowsRequested: number;
  /** Rows missing and not restored (the run stopped first, or the call is no longer planned). */
  rowsMissing: number;
  /** Rows whose id an earlier row had, dropped. */
  duplicatesDropped: number;
}

/** A leaf call to make: its index (the `index` of its rows' ids) and the samples it asks for. */
interface LeafCall {
  index: number;
  size: number;
}

interface LeafWork {
  leaf: TreeNode;
  calls: LeafCall[];
  next: number;
}

const SIMULATED_PREFIX = 'simulated/';

/**
 * The TreeSynth engine: builds the partition tree (pivots, criterion, coverage) and synthesizes
 * samples in every leaf, resuming from the run store's event log. Node expansion and leaf calls share
 * one scheduler: a child is expanded as soon as its parent is split, a leaf is sampled as soon as it
 * is known (unless a budget needs the whole tree first), and tree calls go first.
 */
export class TreeSynthEngine {
  private readonly tree = new PartitionTree();
  private readonly stages: Stages;
  private readonly scheduler: Scheduler;
  private readonly usage = new UsageTracker();
  private readonly controller = new AbortController();
  private readonly changed = new Notifier();
  private readonly logger: Logger;
  private readonly doneCalls = new Set<string>();
  /** The samples each finished leaf call asked for, by leaf id and call index: they count toward the leaf's target. */
  private readonly madeCalls = new Map<string, Map<number, number>>();
  /** Leaf calls that failed in an earlier session: tried again, past any cached unusable answer. */
  private readonly failedBefore = new Set<string>();
  private failedCalls = 0;
  private lastFailure = '';
  private deferredCalls = 0;
  private existingIds = new Set<string>();
  private samples = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private leafCallsInFlight = 0;
  private expansionsInFlight = 0;
  private readonly leafQueue: LeafWork[] = [];
  private leafCallsPlanned = 0;
  private planned = false;
  private fatal: unknown;
  private simulated = false;
  private started = 0;
  private lastSnapshot = 0;
  private budget: RunSummary['budget'];
  /** Finished leaf calls whose rows samples.jsonl lacks, by call key: made again; `paid` if the cache missed. */
  private readonly repairing = new Map<string, { paid: boolean }>();
  private repaired: SamplesRepair | undefined;

  constructor(private readonly options: TreeSynthOptions) {
    this.stages = { ...builtinStages, ...options.stages };
    this.scheduler = new Scheduler(options.config.concurrency);
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
  }

  private get config(): EngineConfig {
    return this.options.config;
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  async run(): Promise<RunSummary> {
    const { store } = this.options;
    this.started = performance.now();
    if (store.lastStop) this.logger.warn(`resuming ${store.dir}: ${store.lastStop}`);
    const resumed = await this.replay();
    const before = { status: store.manifest.status, error: store.manifest.error };
    this.simulated ||= store.manifest.simulated === true;
    await store.appendEvents([{ type: 'run-start', at: new Date().toISOString(), resumed }]);
    await store.update({ status: 'running', error: undefined });

    for (const node of this.tree.pending()) this.startExpansion(node);
    if (!this.needsWholeTree()) for (const leaf of this.tree.leaves()) this.enqueueLeaf(leaf);

    while (this.fatal === undefined && !this.signal.aborted) {
      this.planIfReady();
      this.startLeafCalls();
      if (this.isFinished()) break;
      await this.changed.wait();
      this.maybeSnapshot();
    }
    await Promise.allSettled([...this.inFlight]);

    const status: RunSummary['status'] =
      this.fatal !== undefined
        ? 'failed'
        : this.signal.aborted
          ? 'interrupted'
          : this.options.treeOnly
            ? this.treeOnlyStatus(before.status)
            : this.deferredCalls > 0
              ? 'awaiting-batch'
              : this.failedCalls > 0
                ? 'incomplete'
                : 'complete';
    const error =
      this.fatal !== undefined
        ? describeError(this.fatal)
        : this.failedCalls > 0
          ? this.failureNote()
          : status === before.status
            ? before.error
            : undefined;
    await this.finish(status, error);
    if (this.fatal !== undefined) throw this.fatal;
    return this.summary(status, error);
  }

  /**
   * Stage one only: `tree-built`, unless stage two had begun, whose status it keeps (a finished run
   * stays finished; one stopped during stage two stays `interrupted`).
   */
  private treeOnlyStatus(before: RunStatus): RunSummary['status'] {
    if (before === 'complete' || before === 'incomplete' || before === 'awaiting-batch') return before;
    return this.madeCalls.size > 0 || this.failedBefore.size > 0 ? 'interrupted' : 'tree-built';
  }

  /** Why a run with failed leaf calls is incomplete, in one line. */
  private failureNote(): string {
    const calls = `${this.failedCalls} leaf call${this.failedCalls === 1 ? '' : 's'}`;
    return this.samples === 0
      ? `no samples: the endpoint gave no usable answer to ${this.failedCalls === 1 ? 'the one leaf call' : `any of the ${calls}`} (last: ${this.lastFailure})`
      : `${calls} failed after ${this.failedCalls === 1 ? 'its' : 'their'} retries (last: ${this.lastFailure})`;
  }

  /**
   * Write the run's end: events, snapshots, run.json. The store stays open (its owner closes it). When
   * a write fails (a full disk), the run fails, and run.json is marked so where that still works.
   */
  private async finish(status: RunSummary['status'], error: string | undefined): Promise<void> {
    const { store } = this.options;
    const events: RunEvent[] = [];
    if (this.repaired) {
      this.finishRepair(this.repaired);
      const { rowsFromCache, rowsRequested, duplicatesDropped } = this.repaired;
      events.push({ type: 'samples-repaired', rowsFromCache, rowsRequested, duplicatesDropped });
    }
    events.push({ type: 'run-end', at: new Date().toISOString(), status, error });
    try {
      await store.appendEvents(events);
      await this.snapshot();
      await store.update({ status, error, simulated: this.simulated || undefined });
      await store.flush();
    } catch (writeError) {
      this.fatal ??= writeError;
      store.recordFailure(describeError(this.fatal));
    }
  }

  /** Rebuild the tree, usage and finished leaf calls from the event log. Returns whether anything was there. */
  private async replay(): Promise<boolean> {
    const { store } = this.options;
    let any = false;
    const finished = new Map<string, Extract<RunEvent, { type: 'leaf-call' }>>();
    for await (const event of store.readEvents()) {
      any = true;
      switch (event.type) {
        case 'node-split':
          if (!this.tree.nodes.has(event.node))
            throw new RunStoreError({
              file: store.file('events'),
              message: `split of unknown node ${event.node}`,
            });
          if (this.tree.get(event.node).status === 'pending') this.tree.applySplit(event.node, event.split);
          break;
        case 'node-leaf':
          if (!this.tree.nodes.has(event.node))
            throw new RunStoreError({
              file: store.file('events'),
              message: `leaf of unknown node ${event.node}`,
            });
          this.tree.markLeaf(event.node, event.reason, event.detail);
          break;
        case 'call':
          this.usage.add(event.stage, event.usage, event.cached);
          break;
        case 'leaf-call': {
          const id = callId(event.leaf, event.index);
          this.doneCalls.add(id);
          this.recordMade(event.leaf, event.index, event.size ?? event.samples);
          this.failedBefore.delete(id);
          finished.set(id, event);
          break;
        }
        case 'leaf-call-failed':
          // Every failed call is tried again on resume, until a later event says it succeeded.
          if (!this.madeCalls.get(event.leaf)?.has(event.index))
            this.failedBefore.add(callId(event.leaf, event.index));
          break;
        default:
          break;
      }
    }
    const { ids, duplicatesDropped } = await store.readSampleIds();
    this.existingIds = ids;
    this.samples = ids.size;
    this.reconcileSamples([...finished.values()], duplicatesDropped);
    return any;
  }

  /**
   * Check samples.jsonl against the leaf calls the event log says are done. A call whose rows are
   * missing (a torn, cut or deleted file) is made again with the size it had: the response cache
   * answers it for free, and only the missing rows are appended.
   */
  private reconcileSamples(finished: Extract<RunEvent, { type: 'leaf-call' }>[], duplicatesDropped: number) {
    let missing = 0;
    for (const call of finished) {
      let absent = 0;
      for (let position = 0; position < call.samples; position++) {
        if (!this.existingIds.has(`${call.leaf}.${call.index}.${position}`)) absent++;
      }
      if (absent === 0) continue;
      missing += absent;
      this.doneCalls.delete(callId(call.leaf, call.index));
      this.repairing.set(leafCallKey(call.leaf, call.index), { paid: false });
    }
    if (missing === 0 && duplicatesDropped === 0) return;
    this.repaired = { rowsFromCache: 0, rowsRequested: 0, rowsMissing: missing, duplicatesDropped };
    const { store } = this.options;
    if (duplicatesDropped > 0)
      this.logger.warn(`${store.file('samples')}: dropped ${plural(duplicatesDropped, 'duplicated row')}`);
    if (missing > 0)
      this.logger.warn(
        `${store.file('samples')} lacks ${plural(missing, 'row')} of ${plural(this.repairing.size, 'finished leaf call')}; making them again from the response cache`,
      );
  }

  private finishRepair(repair: SamplesRepair): void {
    const parts: string[] = [];
    if (repair.rowsFromCache > 0)
      parts.push(`${plural(repair.rowsFromCache, 'row')} restored from the response cache`);
    if (repair.rowsRequested > 0)
      parts.push(
        `${plural(repair.rowsRequested, 'row')} restored by calling the endpoint again (not in the cache)`,
      );
    if (repair.duplicatesDropped > 0) parts.push(`${plural(repair.duplicatesDropped, 'duplicate')} dropped`);
    if (repair.rowsMissing > 0) parts.push(`${repair.rowsMissing} still missing (resume again)`);
    this.logger.warn(`repaired samples.jsonl: ${parts.join(', ')}`);
  }

  private needsWholeTree(): boolean {
    return this.options.treeOnly === true || this.config.maxSamples !== undefined;
  }

  private isFinished(): boolean {
    return (
      this.expansionsInFlight === 0 &&
      this.leafCallsInFlight === 0 &&
      this.leafQueue.length === 0 &&
      (this.planned || !this.needsWholeTree())
    );
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

  // ---- stage one: the tree -------------------------------------------------------------------------

  private startExpansion(node: TreeNode): void {
    this.expansionsInFlight++;
    this.track(
      this.expand(node).finally(() => {
        this.expansionsInFlight--;
      }),
    );
  }

  private async expand(node: TreeNode): Promise<void> {
    const { config, task } = this.options;
    if (node.depth >= config.tree.depth) return this.becomeLeaf(node, 'max-depth');

    const fixed = task.fixedLevels[node.depth];
    if (fixed) {
      return this.split(node, {
        dimension: fixed.dimension,
        values: mergeValues([], fixed.values),
        infinite: false,
        fixed: true,
        pivots: [],
        assignments: [],
        coverageRounds: 0,
        rejections: [],
      });
    }

    const context = this.stageContext('tree', `node:${node.id}`);
    const { path } = drawPath(node.steps, context.random);
    const used = usedDimensions(node.steps);

    let pivots: SampleFields[];
    try {
      const output = await this.stages.pivots.run(
        {
          task,
          path,
          count: config.tree.pivots,
          temperature: config.tree.pivotTemperature,
          callKey: `pivots:${node.id}`,
        },
        context,
      );
      pivots = output.pivots.map((pivot) => this.cleanFields(pivot));
    } catch (error) {
      if (!StructuredOutputError.isInstance(error)) throw error;
      return this.becomeLeaf(node, 'pivots-failed', [error.message]);
    }
    if (pivots.length < 2) return this.becomeLeaf(node, 'no-pivots', [`${pivots.length} pivot(s) returned`]);

    const rejections: string[] = [];
    let accepted: { dimension: string; assignments: { value: string; pivots: number[] }[] } | undefined;
    for (let attempt = 0; attempt < config.tree.criterionAttempts && !accepted; attempt++) {
      try {
        const output = await this.stages.criterion.run(
          {
            task,
            path,
            pivots,
            usedDimensions: used,
            attempt,
            temperature: config.tree.criterionTemperature,
            callKey: `criterion:${node.id}:${attempt}`,
          },
          context,
        );
        const problems = checkCriterion(output, pivots.length, used);
        if (problems.length === 0) accepted = output;
        else rejections.push(`attempt ${attempt + 1}: ${problems.join('; ')}`);
      } catch (error) {
        if (!StructuredOutputError.isInstance(error)) throw error;
        rejections.push(`attempt ${attempt + 1}: ${error.message}`);
      }
    }
    if (!accepted) return this.becomeLeaf(node, 'no-criterion', rejections);

    let values = mergeValues(
      [],
      accepted.assignments.map((assignment) => assignment.value),
    );
    let rounds = 0;
    while (rounds < config.tree.coverageRounds && values.length < config.tree.coverageCap) {
      let output: Awaited<ReturnType<Stages['coverage']['run']>>;
      try {
        output = await this.stages.coverage.run(
          {
            task,
            path,
            dimension: accepted.dimension,
            values,
            round: rounds,
            temperature: config.tree.coverageTemperature,
            callKey: `coverage:${node.id}:${rounds}`,
          },
          context,
        );
      } catch (error) {
        if (!StructuredOutputError.isInstance(error)) throw error;
        rejections.push(`coverage round ${rounds + 1}: ${error.message}; kept ${values.length} values`);
        rounds++;
        break;
      }
      rounds++;
      values = mergeValues(values, output.newValues);
      if (output.status !== 'open-ended') break;
    }
    if (values.length < 2)
      return this.becomeLeaf(node, 'too-few-values', [
        ...rejections,
        `dimension "${accepted.dimension}" has ${values.length} value(s)`,
      ]);

    return this.split(node, {
      dimension: accepted.dimension,
      values,
      infinite: values.length >= config.tree.coverageCap,
      fixed: false,
      pivots,
      assignments: accepted.assignments,
      coverageRounds: rounds,
      rejections,
    });
  }

  private async split(node: TreeNode, split: Parameters<PartitionTree['applySplit']>[1]): Promise<void> {
    if (this.signal.aborted) throw new AbortedError(this.signal.reason);
    await this.options.store.appendEvents([{ type: 'node-split', node: node.id, split }]);
    const children = this.tree.applySplit(node.id, split);
    for (const child of children) this.startExpansion(child);
  }

  private async becomeLeaf(node: TreeNode, reason: LeafReason, detail?: string[]): Promise<void> {
    if (this.signal.aborted) throw new AbortedError(this.signal.reason);
    const event: RunEvent = { type: 'node-leaf', node: node.id, reason };
    if (detail && detail.length > 0) event.detail = detail;
    await this.options.store.appendEvents([event]);
    this.tree.markLeaf(node.id, reason, detail);
    if (reason !== 'max-depth')
      this.logger.debug(`node ${node.id} is a leaf: ${reason}${detail ? ` (${detail.join(' | ')})` : ''}`);
    if (!this.needsWholeTree()) this.enqueueLeaf(node);
  }

  // ---- stage two: the leaves -----------------------------------------------------------------------

  /** Samples a leaf asks for without a budget: base^k calls of `samplesPerCall`. */
  private naturalDemand(leaf: TreeNode): number {
    const { synthesis } = this.config;
    return synthesis.infiniteMultiplierBase ** infiniteDepth(leaf.steps) * synthesis.samplesPerCall;
  }

  private enqueueLeaf(leaf: TreeNode, target = this.naturalDemand(leaf)): void {
    const made = this.madeCalls.get(leaf.id);
    const calls = this.callsToMake(leaf.id, target);
    // The leaf's calls made before, and its new ones (a repair is one made before, made again).
    this.leafCallsPlanned += (made?.size ?? 0) + calls.filter((call) => !made?.has(call.index)).length;
    if (calls.length > 0) this.leafQueue.push({ leaf, calls, next: 0 });
    this.changed.notify();
  }

  /**
   * The calls a leaf still needs to reach `target` samples. Calls made before count with the size they
   * asked for (one whose rows samples.jsonl lost is made again at that size, so the cache answers it).
   * The rest fills the lowest free call indices: those of `callSizes(target)` at their planned size,
   * then further ones of at most `samplesPerCall`, the last cut to what the leaf still needs. A run
   * resumed with its own budget so makes exactly the calls it had planned; one resumed with a larger
   * budget keeps every call and tops each leaf up to its new share. Which calls an interrupted session
   * finished does not change the outcome: the calls left are always the same.
   */
  private callsToMake(leafId: string, target: number): LeafCall[] {
    const perCall = this.config.synthesis.samplesPerCall;
    const made = this.madeCalls.get(leafId) ?? new Map<number, number>();
    const calls: LeafCall[] = [];
    let need = target;
    for (const [index, size] of made) {
      need -= size;
      if (this.repairing.has(leafCallKey(leafId, index))) calls.push({ index, size });
    }
    const planned = callSizes(target, perCall);
    for (let index = 0; need > 0; index++) {
      if (made.has(index)) continue;
      const size = Math.min(planned[index] ?? perCall, need);
      calls.push({ index, size });
      need -= size;
    }
    return calls;
  }

  /** With a budget (or tree-only), plan the leaves once the whole tree is known. */
  private planIfReady(): void {
    if (this.planned || !this.needsWholeTree() || this.expansionsInFlight > 0 || !this.tree.isComplete())
      return;
    this.planned = true;
    if (this.options.treeOnly) return;
    const leaves = this.tree.leaves();
    const demands = leaves.map((leaf) => this.naturalDemand(leaf));
    const maxSamples = this.config.maxSamples!;
    const targets = spreadBudget(demands, maxSamples);
    const demand = demands.reduce((sum, value) => sum + value, 0);
    const planned = targets.reduce((sum, value) => sum + value, 0);
    if (demand > maxSamples) {
      const reached = targets.filter((target) => target > 0).length;
      const message = `budget: the tree asks for ${demand} samples over ${leaves.length} leaves; --max-samples ${maxSamples} spreads ${planned} evenly (${reached} leaves get samples, at most ${Math.max(...targets)} each)`;
      this.budget = { maxSamples, demand, planned, message };
      this.logger.warn(message);
      this.record({ type: 'budget', maxSamples, demand, planned, leaves: leaves.length });
    }
    leaves.forEach((leaf, index) => {
      if (targets[index]! > 0) this.enqueueLeaf(leaf, targets[index]);
    });
  }

  private startLeafCalls(): void {
    if (this.options.treeOnly) {
      this.leafQueue.length = 0;
      return;
    }
    // At most `concurrency` leaf calls started at once: they queue behind tree calls for slots, and
    // memory stays bounded however many leaves there are.
    while (this.leafCallsInFlight < this.scheduler.concurrency && this.leafQueue.length > 0) {
      const work = this.leafQueue[0]!;
      const { index, size } = work.calls[work.next++]!;
      if (work.next >= work.calls.length) this.leafQueue.shift();
      this.leafCallsInFlight++;
      this.track(
        this.leafCall(work.leaf, index, size).finally(() => {
          this.leafCallsInFlight--;
        }),
      );
    }
  }

  /** Note a finished leaf call and the samples it asked for. */
  private recordMade(leaf: string, index: number, size: number): void {
    const made = this.madeCalls.get(leaf) ?? new Map<number, number>();
    made.set(index, size);
    this.madeCalls.set(leaf, made);
  }

  /** One leaf call: it asks for `size` samples, every one of which is kept (none paid for and dropped). */
  private async leafCall(leaf: TreeNode, index: number, size: number): Promise<void> {
    const { task, config, store } = this.options;
    const key = leafCallKey(leaf.id, index);
    const id = callId(leaf.id, index);
    const context = this.stageContext('leaf', key, this.failedBefore.has(id));
    const { path, drawn } = drawPath(leaf.steps, context.random);
    let samples: SampleFields[];
    try {
      const output = await this.stages.leaf.run(
        {
          task,
          path,
          count: size,
          temperature: config.synthesis.temperature,
          callKey: key,
        },
        context,
      );
      samples = output.samples.slice(0, size).map((fields) => this.cleanFields(fields));
    } catch (error) {
      if (DeferredCallError.isInstance(error)) {
        this.deferredCalls++;
        return;
      }
      // An answer that never fit the schema, or an endpoint that kept failing after the retry
      // middleware gave up: recorded, and tried again by the next --resume.
      const transient = ApiCallError.isInstance(error) && error.isRetryable;
      if (!StructuredOutputError.isInstance(error) && !transient) throw error;
      const failure: RunEvent = {
        type: 'leaf-call-failed',
        leaf: leaf.id,
        index,
        error: (error as Error).message,
      };
      if (transient) failure.retryable = true;
      await store.appendEvents([failure]);
      this.doneCalls.add(id);
      this.failedCalls++;
      this.lastFailure = failure.error;
      this.progress();
      return;
    }
    const records: SampleRecord[] = samples.map((fields, position) => ({
      id: `${leaf.id}.${index}.${position}`,
      leaf_id: leaf.id,
      path,
      drawn,
      call: { index, model: this.options.model.modelId, ...(this.simulated ? { simulated: true } : {}) },
      fields,
    }));
    // A crash between the samples and the event leaves samples without their event; the re-issued
    // call (free from the cache) then adds only the ids that are missing.
    const fresh = records.filter((record) => !this.existingIds.has(record.id));
    await store.appendSamples(fresh);
    await store.appendEvents([{ type: 'leaf-call', leaf: leaf.id, index, samples: records.length, size }]);
    for (const record of fresh) this.existingIds.add(record.id);
    this.samples += fresh.length;
    const repair = this.repairing.get(key);
    if (repair && this.repaired) {
      this.repairing.delete(key);
      if (repair.paid) this.repaired.rowsRequested += fresh.length;
      else this.repaired.rowsFromCache += fresh.length;
      this.repaired.rowsMissing -= fresh.length;
    }
    this.doneCalls.add(id);
    this.recordMade(leaf.id, index, size);
    this.progress();
  }

  /** Keep the task's fields only, as strings, in the task's order. */
  private cleanFields(fields: SampleFields): SampleFields {
    const clean: SampleFields = {};
    for (const field of this.options.task.fields) {
      const value = (fields as Record<string, unknown>)[field.name];
      clean[field.name] =
        typeof value === 'string'
          ? value
          : value === undefined || value === null
            ? ''
            : JSON.stringify(value);
    }
    return clean;
  }

  // ---- model access --------------------------------------------------------------------------------

  /** `refresh`: the call failed before, so a cached answer (unusable then) is not served again. */
  private stageContext(priority: Priority, randomKey: string, refresh = false): StageContext {
    const generate = (options: ChatCallOptions) =>
      this.call(priority, refresh ? { ...options, refresh } : options);
    return {
      generate,
      generateObject: (request) =>
        generateObject({ ...request, generate, maxRepairs: this.config.structuredRepairs }),
      random: createRandom(`${this.config.seed}:${randomKey}`),
      signal: this.signal,
      logger: this.logger,
    };
  }

  private async call(priority: Priority, options: ChatCallOptions): Promise<ChatResult> {
    const key = options.callKey ?? '';
    let started = 0;
    const result = await this.scheduler.run(
      priority,
      () => {
        started = performance.now();
        return this.options.model.doGenerate({
          ...options,
          seed: options.seed ?? hash32(`${this.config.seed}:${key}`),
          signal: this.signal,
        });
      },
      this.signal,
    );
    if (result.modelId?.startsWith(SIMULATED_PREFIX)) this.simulated = true;
    // A repair call (or its structured-output retries, `<key>#repair<n>`) the cache could not answer.
    const repair = this.repairing.get(key.split('#')[0]!);
    if (repair && result.cached !== true) repair.paid = true;
    const stage = options.stage ?? 'other';
    this.usage.add(stage, result.usage, result.cached === true);
    this.record({
      type: 'call',
      stage,
      key,
      usage: result.usage,
      cached: result.cached === true,
      ms: Math.round(performance.now() - started),
    });
    this.progress();
    return result;
  }

  // ---- reporting -----------------------------------------------------------------------------------

  private progress(): void {
    this.options.onProgress?.(this.progressSnapshot());
  }

  progressSnapshot(): RunProgress {
    const { split: nodesSplit, pending: nodesPending, leaf: leaves } = this.tree.counts;
    const usage = this.usage.totals();
    return {
      nodesSplit,
      nodesPending,
      leaves,
      leafCallsDone: this.doneCalls.size,
      leafCallsFailed: this.failedCalls,
      leafCallsPlanned: this.leafCallsPlanned,
      samples: this.samples,
      calls: usage.calls,
      cachedCalls: usage.cachedCalls,
      tokens: usage.promptTokens + usage.completionTokens,
      elapsedMs: performance.now() - this.started,
      treeComplete: this.expansionsInFlight === 0 && this.tree.isComplete(),
    };
  }

  private maybeSnapshot(): void {
    const now = performance.now();
    if (now - this.lastSnapshot < 2000) return;
    this.lastSnapshot = now;
    void this.snapshot().catch((error: unknown) => this.fail(error));
  }

  private async snapshot(): Promise<void> {
    await this.options.store.writeTree(this.tree);
    await this.options.store.writeUsage(this.usage.report());
  }

  private summary(status: RunSummary['status'], error: string | undefined): RunSummary {
    const leaves = this.tree.leaves();
    const leafReasons: Partial<Record<LeafReason, number>> = {};
    for (const leaf of leaves) {
      const reason = leaf.leafReason ?? 'max-depth';
      leafReasons[reason] = (leafReasons[reason] ?? 0) + 1;
    }
    const nodes = [...this.tree.nodes.values()];
    const summary: RunSummary = {
      status,
      ...(error === undefined ? {} : { error }),
      nodes: nodes.length,
      splitNodes: nodes.filter((node) => node.status === 'split').length,
      leaves: leaves.length,
      leafReasons,
      maxDepthReached: Math.max(0, ...leaves.map((leaf) => leaf.depth)),
      infiniteNodes: nodes.filter((node) => node.split?.infinite).length,
      leafCalls: {
        planned: this.leafCallsPlanned,
        done: this.doneCalls.size,
        failed: this.failedCalls,
        deferred: this.deferredCalls,
      },
      samples: this.samples,
      usage: this.usage.report(),
      elapsedMs: Math.round(performance.now() - this.started),
      simulated: this.simulated,
    };
    if (this.budget) summary.budget = this.budget;
    if (this.repaired) summary.repaired = this.repaired;
    if (status === 'tree-built') summary.estimate = this.estimateStageTwo(leaves);
    return summary;
  }

  /** Leaf calls and tokens stage two would cost: prompt sizes rendered exactly, answers sized by the pivots. */
  private estimateStageTwo(leaves: TreeNode[]): StageTwoEstimate {
    const { task, config } = this.options;
    const pivotLengths: number[] = [];
    for (const node of this.tree.nodes.values()) {
      for (const pivot of node.split?.pivots ?? []) pivotLengths.push(JSON.stringify(pivot).length);
    }
    const sampleChars =
      pivotLengths.length > 0
        ? pivotLengths.reduce((sum, length) => sum + length, 0) / pivotLengths.length
        : 400;
    const demands = leaves.map((leaf) => this.naturalDemand(leaf));
    const targets = config.maxSamples === undefined ? demands : spreadBudget(demands, config.maxSamples);
    const estimate: StageTwoEstimate = { leafCalls: 0, samples: 0, promptTokens: 0, completionTokens: 0 };
    leaves.forEach((leaf, index) => {
      const sizes = callSizes(targets[index]!, config.synthesis.samplesPerCall);
      if (sizes.length === 0) return;
      const path: PathStep[] = drawPath(leaf.steps, () => 0).path;
      const promptChars = leafPrompt({
        task,
        path,
        count: config.synthesis.samplesPerCall,
        temperature: 1,
        callKey: '',
      })
        .map((message) => message.content.length)
        .reduce((sum, length) => sum + length, 0);
      estimate.leafCalls += sizes.length;
      estimate.samples += targets[index]!;
      estimate.promptTokens += Math.ceil(promptChars / 4) * sizes.length;
      // Each call asks for its own size (see `leafCall`): the answers hold the leaf's target in all.
      estimate.completionTokens += Math.ceil((sampleChars * targets[index]!) / 4);
    });
    return estimate;
  }
}

function callId(leaf: string, index: number): string {
  return `${leaf}:${index}`;
}

/** The call key (cache key part, seed, random stream) of a leaf call. */
function leafCallKey(leaf: string, index: number): string {
  return `leaf:${leaf}:${index}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describeError(error: unknown): string {
  if (TreeSynthError.isInstance(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
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
