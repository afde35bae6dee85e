import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../config/engine-config.js';
import { RunStoreError } from '../errors/run-store-error.js';
import { parseTask } from '../tasks/load-task.js';
import { ROOT_ID } from '../tree/node-id.js';
import { PartitionTree } from '../tree/partition-tree.js';
import type { RunEvent } from './run-events.js';
import { readRunManifest } from './run-manifest.js';
import { RunStore } from './run-store.js';

const manifest = {
  fingerprint: 'test',
  task: parseTask({ name: 'toy', description: 'Toy.', fields: [{ name: 'question', description: 'q' }] }),
  config: parseEngineConfig({}),
  model: { provider: 'scripted', modelId: 'm' },
};

async function newRun(): Promise<RunStore> {
  return RunStore.create(join(mkdtempSync(join(tmpdir(), 'treesynth-files-')), 'run'), manifest);
}

function splitTree(): PartitionTree {
  const tree = new PartitionTree();
  const [red] = tree.applySplit(ROOT_ID, {
    dimension: 'colour',
    values: ['red', 'blue'],
    infinite: false,
    fixed: false,
    pivots: [{ question: 'q' }],
    assignments: [{ value: 'red', pivots: [0] }],
    coverageRounds: 1,
    rejections: [],
  });
  tree.markLeaf(red!.id, 'max-depth');
  return tree;
}

describe('tree.json', () => {
  it('reads back what writeTree wrote, counts included', async () => {
    const store = await newRun();
    expect(store.readTree()).toBeUndefined();
    const tree = splitTree();
    await store.writeTree(tree);
    const read = store.readTree()!;
    expect(read.toJSON()).toEqual(tree.toJSON());
    expect(read.counts).toEqual({ pending: 1, split: 1, leaf: 1 });
    await store.close();
  });

  it('refuses a file of another schema version by name, and a file that is not a tree', () => {
    const json = splitTree().toJSON();
    expect(() => PartitionTree.parse({ ...json, schemaVersion: 2 }, 'old/tree.json')).toThrow(
      'old/tree.json: tree.json format 2 is not supported (expected 1)',
    );
    expect(() => PartitionTree.parse({ hello: 1 })).toThrow('tree.json: not a tree.json (no schemaVersion)');
  });

  it('names the field of a node that has the wrong shape', () => {
    const json = splitTree().toJSON();
    const broken = {
      ...json,
      nodes: json.nodes.map((node, index) => (index === 1 ? { ...node, depth: 'one' } : node)),
    };
    expect(() => PartitionTree.parse(broken)).toThrow(
      /^tree\.json: not a valid tree\.json: nodes\[1\]\.depth: /,
    );
  });

  it('refuses a tree without a root, and a child that is not in the file', () => {
    const json = splitTree().toJSON();
    expect(() => PartitionTree.parse({ ...json, nodes: json.nodes.slice(1) })).toThrow(/has no root node/);
    const orphan = { ...json, nodes: json.nodes.slice(0, 2) };
    expect(() => PartitionTree.parse(orphan)).toThrow(/node root names a child .* that is not in the file/);
  });
});

describe('run.json', () => {
  it('is read back through its schema, and a run of another format is refused by name', async () => {
    const store = await newRun();
    const file = store.file('manifest');
    await store.close();
    expect(readRunManifest(file)).toMatchObject({
      schemaVersion: 1,
      status: 'running',
      model: manifest.model,
    });
    const json = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...json, schemaVersion: 0 }));
    await expect(RunStore.open(store.dir)).rejects.toThrow(
      `${file}: run.json format 0 is not supported (expected 1)`,
    );
    writeFileSync(file, JSON.stringify({ ...json, status: 'paused' }));
    await expect(RunStore.open(store.dir)).rejects.toThrow(
      new RegExp(`^${file}: not a valid run.json: status: `),
    );
    await expect(RunStore.open(store.dir)).rejects.toBeInstanceOf(RunStoreError);
  });
});

describe('usage.json', () => {
  it('is written and read back through its schema; a broken one names the field', async () => {
    const store = await newRun();
    expect(store.readUsage()).toBeUndefined();
    const counts = {
      calls: 2,
      cachedCalls: 1,
      promptTokens: 30,
      cachedPromptTokens: 0,
      completionTokens: 12,
    };
    const usage = {
      total: counts,
      stages: { leaf: counts },
      cost: { total: 0.5 },
      prefixShare: { leaf: 0.25 },
    };
    await store.writeUsage(usage);
    expect(store.readUsage()).toEqual(usage);
    writeFileSync(store.file('usage'), JSON.stringify({ ...usage, total: { ...counts, calls: -1 } }));
    expect(() => store.readUsage()).toThrow(`${store.file('usage')}: not a valid usage.json: total.calls: `);
    await store.close();
  });
});

describe('events.jsonl', () => {
  it('replays each event through its schema and names the line of one that is not an event', async () => {
    const store = await newRun();
    const events: RunEvent[] = [
      { type: 'run-start', at: 'now', resumed: false },
      { type: 'leaf-call', leaf: 'root', index: 0, samples: 3 },
    ];
    await store.appendEvents(events);
    await store.flush();
    const read: RunEvent[] = [];
    for await (const event of store.readEvents()) read.push(event);
    expect(read).toEqual(events);
    appendFileSync(store.file('events'), '{"type":"leaf-call","leaf":"root","index":"one","samples":3}\n');
    const replay = async () => {
      let count = 0;
      for await (const event of store.readEvents()) if (event) count++;
      return count;
    };
    await expect(replay()).rejects.toThrow(`${store.file('events')}:3: index: `);
    await store.close();
  });
});
