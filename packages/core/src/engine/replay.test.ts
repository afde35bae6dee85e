import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunStoreError } from '../errors/run-store-error.js';
import type { Logger } from '../spec/logger.js';
import type { RunEvent } from '../store/run-events.js';
import type { RunStore } from '../store/run-store.js';
import { ScriptedChatModel } from '../test/scripted-chat-model.js';
import { fixedSplit } from '../tree/fixed-split.js';
import { PartitionTree } from '../tree/partition-tree.js';
import { testConfig, testStore, toyReply, toyTask } from './engine-runtime.fixture.js';
import { createEngineState } from './engine-state.js';
import { repairNote, replayRun } from './replay.js';
import { runTreeSynth } from './tree-synth-engine.js';

const split = fixedSplit('colour', ['red', 'blue']);
/** The ids the root's children get (ids derive from paths). */
const [red, blue] = new PartitionTree().applySplit('root', split).map((node) => node.id) as [string, string];

const usage = { promptTokens: 10, completionTokens: 5 };

/** A log of a small run: root split in two leaves, calls, leaf calls (one failed, one failed then made). */
const log: RunEvent[] = [
  { type: 'run-start', at: '2026-01-01T00:00:00.000Z', resumed: false },
  { type: 'node-split', node: 'root', split },
  { type: 'node-leaf', node: red, reason: 'max-depth' },
  { type: 'node-leaf', node: blue, reason: 'no-criterion', detail: ['attempt 1: vague'] },
  { type: 'call', stage: 'leaf', key: `leaf:${red}:0`, usage, cached: false, ms: 3 },
  { type: 'call', stage: 'leaf', key: `leaf:${red}:1`, usage, cached: true, ms: 1 },
  { type: 'leaf-call', leaf: red, index: 0, samples: 3, size: 3 },
  { type: 'leaf-call-failed', leaf: red, index: 1, error: 'bad JSON' },
  { type: 'leaf-call', leaf: red, index: 1, samples: 2, size: 2 },
  { type: 'leaf-call-failed', leaf: blue, index: 0, error: 'bad JSON' },
];

function row(id: string): string {
  const [leaf, index] = id.split('.');
  return JSON.stringify({
    id,
    leaf_id: leaf,
    path: [],
    drawn: [],
    call: { index: Number(index), model: 'm' },
    fields: {},
  });
}

async function storeWith(events: RunEvent[], rows: string[]): Promise<RunStore> {
  const store = await testStore(testConfig());
  await store.appendEvents(events);
  await store.flush();
  writeFileSync(store.file('samples'), rows.map((line) => `${line}\n`).join(''));
  return store;
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, debug() {}, warn: (message) => warnings.push(message) };
}

const allRows = [`${red}.0.0`, `${red}.0.1`, `${red}.0.2`, `${red}.1.0`, `${red}.1.1`];

describe('replayRun', () => {
  it('rebuilds the tree, usage and leaf calls from an event log', async () => {
    const store = await storeWith(log, allRows.map(row));
    const state = createEngineState();
    const logger = recordingLogger();
    expect(await replayRun(state, store, logger)).toBe(true);
    await store.close();

    expect(state.tree.counts).toEqual({ pending: 0, split: 1, leaf: 2 });
    expect(state.tree.get(blue).leafDetail).toEqual(['attempt 1: vague']);
    // Paid calls add tokens; cached ones are counted apart.
    expect(state.usage.totals()).toMatchObject({
      calls: 1,
      cachedCalls: 1,
      promptTokens: 10,
      completionTokens: 5,
    });
    expect([...state.doneCalls].sort()).toEqual([`${red}:0`, `${red}:1`].sort());
    expect(state.madeCalls.get(red)).toEqual(
      new Map([
        [0, 3],
        [1, 2],
      ]),
    );
    // A failure a later event says succeeded is not tried again; one never made is.
    expect([...state.failedBefore]).toEqual([`${blue}:0`]);
    expect(state.samples).toBe(5);
    expect(state.repairing.size).toBe(0);
    expect(state.repaired).toBeUndefined();
    expect(logger.warnings).toEqual([]);
  });

  it('says an empty log held nothing', async () => {
    const store = await storeWith([], []);
    const state = createEngineState();
    expect(await replayRun(state, store, recordingLogger())).toBe(false);
    await store.close();
    expect(state.tree.counts).toEqual({ pending: 1, split: 0, leaf: 0 });
  });

  it('rejects a split of a node the log never made', async () => {
    const store = await storeWith([{ type: 'node-split', node: red, split }], []);
    const replayed = replayRun(createEngineState(), store, recordingLogger());
    await expect(replayed).rejects.toThrow(RunStoreError);
    await expect(replayed).rejects.toThrow(`split of unknown node ${red}`);
    await store.close();
  });

  it('marks a finished call whose rows samples.jsonl lacks for repair, and drops a duplicated row', async () => {
    const rows = allRows.filter((id) => id !== `${red}.0.2`).map(row);
    const store = await storeWith(log, [...rows, row(`${red}.1.0`)]);
    const state = createEngineState();
    const logger = recordingLogger();
    await replayRun(state, store, logger);
    const samplesFile = store.file('samples');
    await store.close();

    expect([...state.doneCalls]).toEqual([`${red}:1`]);
    expect(state.repairing).toEqual(new Map([[`leaf:${red}:0`, { paid: false }]]));
    expect(state.repaired).toEqual({
      rowsFromCache: 0,
      rowsRequested: 0,
      rowsMissing: 1,
      duplicatesDropped: 1,
    });
    expect(state.samples).toBe(4);
    expect(logger.warnings).toEqual([
      `${samplesFile}: dropped 1 duplicated row`,
      `${samplesFile} lacks 1 row of 1 finished leaf call; making them again from the response cache`,
    ]);
    expect(readFileSync(samplesFile, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('rebuilds the state a real run left: its tree, usage, calls and samples', async () => {
    const config = testConfig({ tree: { depth: 2, pivots: 4 }, synthesis: { samplesPerCall: 3 } });
    const store = await testStore(config);
    const summary = await runTreeSynth({
      task: toyTask,
      model: new ScriptedChatModel(toyReply),
      config,
      store,
    });
    const dir = store.dir;
    await store.close();
    expect(summary.status).toBe('complete');

    const reopened = await testStore(config, dir);
    const state = createEngineState();
    await replayRun(state, reopened, recordingLogger());
    await reopened.close();
    expect(JSON.parse(JSON.stringify(state.tree.toJSON()))).toEqual(
      JSON.parse(readFileSync(reopened.file('tree'), 'utf8')),
    );
    expect(state.tree.leaves()).toHaveLength(summary.leaves);
    expect(state.usage.report()).toEqual(summary.usage);
    expect(state.doneCalls.size).toBe(summary.leafCalls.done);
    expect(state.samples).toBe(summary.samples);
    expect(summary.samples).toBe(4 * 3);
  });
});

/** The log and rows of `log`, with each leaf call's `rowsEnd`, plus rows of a call left without its event. */
function locatedRun(head = (line: string, _index: number) => line) {
  const lines = allRows.map(row).map(head);
  const ends = [3, 5].map((count) => lines.slice(0, count).reduce((sum, line) => sum + line.length + 1, 0));
  let leafCall = 0;
  const events = log.map((event) =>
    event.type === 'leaf-call' ? { ...event, rowsEnd: ends[leafCall++]! } : event,
  );
  const orphans = [`${blue}.5.0`, `${blue}.5.1`].map(row);
  return { events, lines: [...lines, ...orphans] };
}

describe('replayRun with rowsEnd in the log', () => {
  it('counts the rows from the log and reads only the rows after the last finished call', async () => {
    // The rows before the last finished call's last row are not JSON here: a full read would refuse them.
    const { events, lines } = locatedRun((line, index) => (index < 4 ? line.replace('{', '#') : line));
    const store = await storeWith(events, lines);
    const state = createEngineState();
    const logger = recordingLogger();
    await replayRun(state, store, logger);
    await store.close();
    expect(state.samples).toBe(7);
    expect([...state.existingIds]).toEqual([`${blue}.5.0`, `${blue}.5.1`]);
    expect(state.repaired).toBeUndefined();
    expect(logger.warnings).toEqual([]);
  });

  it('reads the whole file when it no longer ends a row of the last call at its rowsEnd', async () => {
    const { events, lines } = locatedRun();
    // A row of a finished call lost (the file is shorter than the last rowsEnd): repaired as before.
    const store = await storeWith(
      events,
      lines.filter((line) => !line.includes(`"${red}.1.1"`)),
    );
    const state = createEngineState();
    await replayRun(state, store, recordingLogger());
    await store.close();
    expect(state.repairing).toEqual(new Map([[`leaf:${red}:1`, { paid: false }]]));
    expect(state.samples).toBe(6);
    // Only the ids a re-made call needs are kept: the repaired call's row and the orphans.
    expect([...state.existingIds].sort()).toEqual([`${blue}.5.0`, `${blue}.5.1`, `${red}.1.0`].sort());

    // A duplicated row of a finished call after the last rowsEnd: also the full read, which drops it.
    const again = await storeWith(events, [...lines, row(`${red}.0.1`)]);
    const rebuilt = createEngineState();
    await replayRun(rebuilt, again, recordingLogger());
    await again.close();
    expect(rebuilt.repaired?.duplicatesDropped).toBe(1);
    expect(rebuilt.samples).toBe(7);
  });

  it("logs where each call's rows end in a real run, so its resume reads nothing it finished", async () => {
    const config = testConfig({ tree: { depth: 2, pivots: 4 }, synthesis: { samplesPerCall: 3 } });
    const store = await testStore(config);
    await runTreeSynth({ task: toyTask, model: new ScriptedChatModel(toyReply), config, store });
    const dir = store.dir;
    await store.close();
    const samplesFile = store.file('samples');
    const size = readFileSync(samplesFile).length;
    const ends = readFileSync(store.file('events'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RunEvent)
      .flatMap((event) => (event.type === 'leaf-call' ? [event.rowsEnd] : []));
    expect(ends.length).toBe(4);
    expect(ends.at(-1)).toBe(size);
    expect([...ends].sort((a, b) => a! - b!)).toEqual(ends);

    const reopened = await testStore(config, dir);
    const state = createEngineState();
    await replayRun(state, reopened, recordingLogger());
    await reopened.close();
    expect(state.samples).toBe(12);
    expect(state.existingIds.size).toBe(0);
  });
});

describe('repairNote', () => {
  it('names each kind of repair, and what is still missing', () => {
    expect(repairNote({ rowsFromCache: 2, rowsRequested: 1, rowsMissing: 3, duplicatesDropped: 1 })).toBe(
      'repaired samples.jsonl: 2 rows restored from the response cache, 1 row restored by calling the endpoint again (not in the cache), 1 duplicate dropped, 3 still missing (resume again)',
    );
    expect(repairNote({ rowsFromCache: 1, rowsRequested: 0, rowsMissing: 0, duplicatesDropped: 0 })).toBe(
      'repaired samples.jsonl: 1 row restored from the response cache',
    );
  });
});
