import { RunStoreError } from '../errors/run-store-error.js';
import type { Logger } from '../spec/logger.js';
import type { RunEvent } from '../store/run-events.js';
import type { RunStore } from '../store/run-store.js';
import { callOfRow, readSamplesTail } from '../store/samples-tail.js';
import {
  callId,
  type EngineState,
  leafCallKey,
  plural,
  recordMade,
  type SamplesRepair,
} from './engine-state.js';

type LeafCallEvent = Extract<RunEvent, { type: 'leaf-call' }>;

/**
 * Rebuild the tree, usage and finished leaf calls from the event log into `state`, then check
 * samples.jsonl against them. When every leaf call logged where its rows ended (`rowsEnd`) and the
 * file still ends a row of the last one there, the rows are counted from the log and only the rows
 * after that point (those a crash left without their event) are read: resume costs what is left, not
 * what is done. Otherwise the whole file is read and checked call by call (`reconcileSamples`).
 * Returns whether the log held anything.
 */
export async function replayRun(state: EngineState, store: RunStore, logger: Logger): Promise<boolean> {
  let any = false;
  const finished = new Map<string, LeafCallEvent>();
  let lastEnd: { rowsEnd: number; call: string } | undefined;
  let located = true;
  for await (const event of store.readEvents()) {
    any = true;
    switch (event.type) {
      case 'node-split':
        if (!state.tree.nodes.has(event.node))
          throw new RunStoreError({
            file: store.file('events'),
            message: `split of unknown node ${event.node}`,
          });
        if (state.tree.get(event.node).status === 'pending') state.tree.applySplit(event.node, event.split);
        break;
      case 'node-leaf':
        if (!state.tree.nodes.has(event.node))
          throw new RunStoreError({
            file: store.file('events'),
            message: `leaf of unknown node ${event.node}`,
          });
        state.tree.markLeaf(event.node, event.reason, event.detail);
        break;
      case 'call':
        state.usage.add(event.stage, event.usage, event.cached);
        break;
      case 'leaf-call': {
        const id = callId(event.leaf, event.index);
        state.doneCalls.add(id);
        recordMade(state, event.leaf, event.index, event.size ?? event.samples);
        state.failedBefore.delete(id);
        finished.set(id, event);
        if (event.rowsEnd === undefined || event.rowsEnd < (lastEnd?.rowsEnd ?? 0)) located = false;
        else lastEnd = { rowsEnd: event.rowsEnd, call: `${event.leaf}.${event.index}` };
        break;
      }
      case 'leaf-call-failed':
        // Every failed call is tried again on resume, until a later event says it succeeded.
        if (!state.madeCalls.get(event.leaf)?.has(event.index))
          state.failedBefore.add(callId(event.leaf, event.index));
        break;
      default:
        break;
    }
  }
  const calls = [...finished.values()];
  const tail = located
    ? await readSamplesTail(store.file('samples'), lastEnd?.rowsEnd ?? 0, lastEnd?.call)
    : undefined;
  if (tail && tailIsUnfinished(tail.ids, finished)) {
    let rows = 0;
    for (const call of calls) rows += call.samples;
    state.existingIds = new Set(tail.ids);
    state.samples = rows + tail.ids.length;
    return any;
  }
  const { ids, duplicatesDropped } = await store.readSampleIds();
  state.existingIds = ids;
  state.samples = ids.size;
  reconcileSamples(state, calls, duplicatesDropped, store.file('samples'), logger);
  // Rows of complete calls are never looked up again: keep only the ids a re-made call needs.
  for (const call of calls) {
    if (state.repairing.has(leafCallKey(call.leaf, call.index))) continue;
    for (let position = 0; position < call.samples; position++)
      ids.delete(`${call.leaf}.${call.index}.${position}`);
  }
  return any;
}

/** Rows after the last finished call belong to calls without an event, each id once. */
function tailIsUnfinished(ids: readonly string[], finished: ReadonlyMap<string, LeafCallEvent>): boolean {
  const seen = new Set<string>();
  for (const id of ids) {
    const call = callOfRow(id);
    const at = call.lastIndexOf('.');
    if (seen.has(id) || finished.has(callId(call.slice(0, at), Number(call.slice(at + 1))))) return false;
    seen.add(id);
  }
  return true;
}

/**
 * Check samples.jsonl against the leaf calls the event log says are done. A call whose rows are
 * missing (a torn, cut or deleted file) is made again with the size it had: the response cache
 * answers it for free, and only the missing rows are appended.
 */
function reconcileSamples(
  state: EngineState,
  finished: LeafCallEvent[],
  duplicatesDropped: number,
  samplesFile: string,
  logger: Logger,
): void {
  let missing = 0;
  for (const call of finished) {
    let absent = 0;
    for (let position = 0; position < call.samples; position++) {
      if (!state.existingIds.has(`${call.leaf}.${call.index}.${position}`)) absent++;
    }
    if (absent === 0) continue;
    missing += absent;
    state.doneCalls.delete(callId(call.leaf, call.index));
    state.repairing.set(leafCallKey(call.leaf, call.index), { paid: false });
  }
  if (missing === 0 && duplicatesDropped === 0) return;
  state.repaired = { rowsFromCache: 0, rowsRequested: 0, rowsMissing: missing, duplicatesDropped };
  if (duplicatesDropped > 0)
    logger.warn(`${samplesFile}: dropped ${plural(duplicatesDropped, 'duplicated row')}`);
  if (missing > 0)
    logger.warn(
      `${samplesFile} lacks ${plural(missing, 'row')} of ${plural(state.repairing.size, 'finished leaf call')}; making them again from the response cache`,
    );
}

/** The one line that says what the repair of samples.jsonl did, logged at the run's end. */
export function repairNote(repair: SamplesRepair): string {
  const parts: string[] = [];
  if (repair.rowsFromCache > 0)
    parts.push(`${plural(repair.rowsFromCache, 'row')} restored from the response cache`);
  if (repair.rowsRequested > 0)
    parts.push(
      `${plural(repair.rowsRequested, 'row')} restored by calling the endpoint again (not in the cache)`,
    );
  if (repair.duplicatesDropped > 0) parts.push(`${plural(repair.duplicatesDropped, 'duplicate')} dropped`);
  if (repair.rowsMissing > 0) parts.push(`${repair.rowsMissing} still missing (resume again)`);
  return `repaired samples.jsonl: ${parts.join(', ')}`;
}
