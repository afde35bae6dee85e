import { ApiCallError } from '../errors/api-call-error.js';
import { DeferredCallError } from '../errors/deferred-call-error.js';
import { StructuredOutputError } from '../errors/structured-output-error.js';
import type { SampleFields, SampleRecord } from '../spec/sample.js';
import type { RunEvent } from '../store/run-events.js';
import { cleanFields } from '../tasks/clean-fields.js';
import { drawPath, type TreeNode } from '../tree/partition-tree.js';
import { callSizes, naturalDemand, spreadBudget } from './budget.js';
import type { EngineRuntime } from './engine-runtime.js';
import { callId, leafCallKey, recordMade } from './engine-state.js';

/** A leaf call to make: its index (the `index` of its rows' ids) and the samples it asks for. */
export interface LeafCall {
  index: number;
  size: number;
}

interface LeafWork {
  leaf: TreeNode;
  calls: LeafCall[];
  next: number;
}

export interface LeafSamplerOptions {
  /** The model id written into each row's `call`. */
  modelId: string;
  /** At most this many leaf calls in flight. */
  concurrency: number;
  /** Stage one only: no leaf calls are made. */
  treeOnly?: boolean;
}

/**
 * Stage two: plans each leaf's calls (its natural demand, or its share of `maxSamples` once the whole
 * tree is known), makes them at most `concurrency` at a time, and writes their rows and events. A
 * failed call is recorded and made again by the next resume.
 */
export class LeafSampler {
  private readonly queue: LeafWork[] = [];
  private callsInFlight = 0;
  private planned = false;

  constructor(
    private readonly runtime: EngineRuntime,
    private readonly options: LeafSamplerOptions,
  ) {}

  /** A budget (or tree-only) plans the leaves once the whole tree is known, not as they come. */
  get needsWholeTree(): boolean {
    return this.options.treeOnly === true || this.runtime.config.maxSamples !== undefined;
  }

  /** Nothing queued or in flight, and the leaves planned where that waits for the whole tree. */
  get finished(): boolean {
    return this.callsInFlight === 0 && this.queue.length === 0 && (this.planned || !this.needsWholeTree);
  }

  /** A leaf is known: sampled at once, unless the plan waits for the whole tree. */
  leafFound(leaf: TreeNode): void {
    if (!this.needsWholeTree) this.enqueue(leaf);
  }

  /** With a budget (or tree-only), plan the leaves once the whole tree is known. */
  planIfReady(treeComplete: boolean): void {
    if (this.planned || !this.needsWholeTree || !treeComplete) return;
    this.planned = true;
    if (this.options.treeOnly) return;
    const { config, state, logger } = this.runtime;
    const leaves = state.tree.leaves();
    const demands = leaves.map((leaf) => naturalDemand(leaf, config.synthesis));
    const maxSamples = config.maxSamples!;
    const targets = spreadBudget(demands, maxSamples);
    const demand = demands.reduce((sum, value) => sum + value, 0);
    const planned = targets.reduce((sum, value) => sum + value, 0);
    if (demand > maxSamples) {
      const reached = targets.filter((target) => target > 0).length;
      const message = `budget: the tree asks for ${demand} samples over ${leaves.length} leaves; --max-samples ${maxSamples} spreads ${planned} evenly (${reached} leaves get samples, at most ${Math.max(...targets)} each)`;
      state.budget = { maxSamples, demand, planned, message };
      logger.warn(message);
      this.runtime.record({ type: 'budget', maxSamples, demand, planned, leaves: leaves.length });
    }
    leaves.forEach((leaf, index) => {
      if (targets[index]! > 0) this.enqueue(leaf, targets[index]);
    });
  }

  /** Queue the calls a leaf still needs to reach `target` samples, and count them as planned. */
  enqueue(leaf: TreeNode, target = naturalDemand(leaf, this.runtime.config.synthesis)): void {
    const { state } = this.runtime;
    const made = state.madeCalls.get(leaf.id);
    const calls = this.callsToMake(leaf.id, target);
    // The leaf's calls made before, and its new ones (a repair is one made before, made again).
    state.leafCallsPlanned += (made?.size ?? 0) + calls.filter((call) => !made?.has(call.index)).length;
    if (calls.length > 0) this.queue.push({ leaf, calls, next: 0 });
    this.runtime.notify();
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
  callsToMake(leafId: string, target: number): LeafCall[] {
    const { config, state } = this.runtime;
    const perCall = config.synthesis.samplesPerCall;
    const made = state.madeCalls.get(leafId) ?? new Map<number, number>();
    const calls: LeafCall[] = [];
    let need = target;
    for (const [index, size] of made) {
      need -= size;
      if (state.repairing.has(leafCallKey(leafId, index))) calls.push({ index, size });
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

  /** Start queued calls up to the concurrency (none with tree-only, whose queue is dropped). */
  startCalls(): void {
    if (this.options.treeOnly) {
      this.queue.length = 0;
      return;
    }
    // At most `concurrency` leaf calls started at once: they queue behind tree calls for slots, and
    // memory stays bounded however many leaves there are.
    while (this.callsInFlight < this.options.concurrency && this.queue.length > 0) {
      const work = this.queue[0]!;
      const { index, size } = work.calls[work.next++]!;
      if (work.next >= work.calls.length) this.queue.shift();
      this.callsInFlight++;
      this.runtime.track(
        this.leafCall(work.leaf, index, size).finally(() => {
          this.callsInFlight--;
        }),
      );
    }
  }

  /** One leaf call: it asks for `size` samples, every one of which is kept (none paid for and dropped). */
  private async leafCall(leaf: TreeNode, index: number, size: number): Promise<void> {
    const { task, config, stages, state } = this.runtime;
    const key = leafCallKey(leaf.id, index);
    const context = this.runtime.stageContext('leaf', key, state.failedBefore.has(callId(leaf.id, index)));
    const { path, drawn } = drawPath(leaf.steps, context.random);
    let samples: SampleFields[];
    try {
      const output = await stages.leaf.run(
        {
          task,
          path,
          count: size,
          temperature: config.synthesis.temperature,
          callKey: key,
        },
        context,
      );
      samples = output.samples.slice(0, size).map((fields) => cleanFields(task, fields));
    } catch (error) {
      if (DeferredCallError.isInstance(error)) {
        state.deferredCalls++;
        return;
      }
      return this.recordFailure(leaf.id, index, error);
    }
    const records: SampleRecord[] = samples.map((fields, position) => ({
      id: `${leaf.id}.${index}.${position}`,
      leaf_id: leaf.id,
      path,
      drawn,
      call: { index, model: this.options.modelId, ...(state.simulated ? { simulated: true } : {}) },
      fields,
      method: { name: 'treesynth' },
    }));
    await this.keep(leaf.id, index, size, records);
  }

  /**
   * An answer that never fit the schema, or an endpoint that kept failing after the retry middleware
   * gave up: recorded, and tried again by the next --resume. Any other error fails the run.
   */
  private async recordFailure(leafId: string, index: number, error: unknown): Promise<void> {
    const { store, state } = this.runtime;
    const transient = ApiCallError.isInstance(error) && error.isRetryable;
    if (!StructuredOutputError.isInstance(error) && !transient) throw error;
    const failure: RunEvent = {
      type: 'leaf-call-failed',
      leaf: leafId,
      index,
      error: (error as Error).message,
    };
    if (transient) failure.retryable = true;
    await store.appendEvents([failure]);
    state.doneCalls.add(callId(leafId, index));
    state.failedCalls++;
    state.lastFailure = failure.error;
    this.runtime.progress();
  }

  /** Append the call's rows samples.jsonl lacks, then its event; a repair counts the rows it restored. */
  private async keep(leafId: string, index: number, size: number, records: SampleRecord[]): Promise<void> {
    const { store, state } = this.runtime;
    const key = leafCallKey(leafId, index);
    // A crash between the samples and the event leaves samples without their event; the re-issued
    // call (free from the cache) then adds only the ids that are missing.
    const fresh = records.filter((record) => !state.existingIds.has(record.id));
    const rowsEnd = await store.appendSamplesAt(fresh);
    await store.appendEvents([
      { type: 'leaf-call', leaf: leafId, index, samples: records.length, size, rowsEnd },
    ]);
    // Its event now vouches for its rows: their ids are never looked up again, so none is kept.
    for (const record of records) state.existingIds.delete(record.id);
    state.samples += fresh.length;
    const repair = state.repairing.get(key);
    if (repair && state.repaired) {
      state.repairing.delete(key);
      if (repair.paid) state.repaired.rowsRequested += fresh.length;
      else state.repaired.rowsFromCache += fresh.length;
      state.repaired.rowsMissing -= fresh.length;
    }
    state.doneCalls.add(callId(leafId, index));
    recordMade(state, leafId, index, size);
    this.runtime.progress();
  }
}
