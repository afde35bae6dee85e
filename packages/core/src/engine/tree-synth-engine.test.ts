import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EngineConfigInput, parseEngineConfig } from '../config/engine-config.js';
import { ApiCallError } from '../errors/api-call-error.js';
import { parsePromptSections, parseSubspace, STAGE_SCHEMA_NAMES } from '../prompts/prompt-layout.js';
import type { ChatCallOptions } from '../spec/chat-model.js';
import type { Logger } from '../spec/logger.js';
import { RunStore } from '../store/run-store.js';
import { parseTask } from '../tasks/load-task.js';
import type { TaskDefinitionInput } from '../tasks/task-definition.js';
import { ScriptedChatModel } from '../test/scripted-chat-model.js';
import { PartitionTree } from '../tree/partition-tree.js';
import { runTreeSynth } from './tree-synth-engine.js';

const baseTask: TaskDefinitionInput = {
  name: 'toy',
  description: 'Toy questions.',
  fields: [{ name: 'question', description: 'the question' }],
};

/** Dimensions of a toy world: each name has its values; `big` has many (an open-ended dimension). */
const WORLD: Record<string, string[]> = {
  colour: ['red', 'green', 'blue'],
  shape: ['circle', 'square'],
  size: ['small', 'large'],
  big: Array.from({ length: 12 }, (_, index) => `item${index}`),
};

function userText(call: ChatCallOptions): Map<string, string> {
  return parsePromptSections(call.messages.map((message) => message.content).join('\n'));
}

function countRequested(sections: Map<string, string>): number {
  return Number(/exactly (\d+)/.exec(sections.get('Request') ?? '')?.[1] ?? 10);
}

/** Answers every stage from WORLD; `order` says which dimension the criterion picks at each depth. */
function worldReply(order: string[]) {
  return (call: ChatCallOptions) => {
    const sections = userText(call);
    const path = parseSubspace(sections.get('Subspace'));
    const name = call.responseFormat?.name;
    if (name === STAGE_SCHEMA_NAMES.pivots || name === STAGE_SCHEMA_NAMES.leaf) {
      const count = countRequested(sections);
      return {
        samples: Array.from({ length: count }, (_, index) => ({
          question: `${path.map((step) => `${step.dimension}=${step.value}`).join(',')}|seed=${call.seed}|${index}`,
        })),
      };
    }
    if (name === STAGE_SCHEMA_NAMES.criterion) {
      const dimension = order[path.length] ?? 'colour';
      const pivots = (sections.get('Pivots') ?? '').split('\n').filter(Boolean).length;
      const values = WORLD[dimension]!.slice(0, 2);
      return {
        dimension,
        assignments: values.map((value, position) => ({
          value,
          pivots: Array.from({ length: pivots }, (_, index) => index + 1).filter(
            (index) => index % 2 === position,
          ),
        })),
      };
    }
    if (name === STAGE_SCHEMA_NAMES.coverage) {
      const dimension = (sections.get('Dimension') ?? '').trim();
      const known = (sections.get('Known values') ?? '').split('\n').map((line) => line.replace(/^- /, ''));
      const missing = (WORLD[dimension] ?? []).filter((value) => !known.includes(value));
      if (missing.length === 0) return { status: 'no-new-values', new_values: [] };
      // Open-ended dimensions hand out four values a round.
      if (dimension === 'big')
        return { status: missing.length > 4 ? 'open-ended' : 'complete', new_values: missing.slice(0, 4) };
      return { status: 'complete', new_values: missing };
    }
    throw new Error(`unexpected call ${name}`);
  };
}

async function run(options: {
  reply: (call: ChatCallOptions, number: number) => unknown;
  config?: EngineConfigInput;
  task?: TaskDefinitionInput;
  treeOnly?: boolean;
  dir?: string;
  logger?: Logger;
}) {
  const dir = options.dir ?? join(mkdtempSync(join(tmpdir(), 'treesynth-engine-')), 'run');
  const task = parseTask(options.task ?? baseTask);
  const config = parseEngineConfig({ concurrency: 4, ...options.config });
  const store = RunStore.exists(dir)
    ? await RunStore.open(dir)
    : await RunStore.create(dir, {
        fingerprint: 'test',
        task,
        config,
        model: { provider: 'scripted', modelId: 'm' },
      });
  const model = new ScriptedChatModel(options.reply as never);
  const summary = await runTreeSynth({
    task,
    model,
    config,
    store,
    treeOnly: options.treeOnly,
    logger: options.logger,
  }).finally(() => store.close());
  const samples = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const tree = PartitionTree.parse(JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8')));
  return { summary, samples, tree, model, dir };
}

type Row = { id: string; leaf_id: string; call: { index: number } };

function readRows(dir: string): Row[] {
  return readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function sortedRows<T extends { id: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.id.localeCompare(b.id));
}

function perLeaf(rows: Row[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.leaf_id] = (counts[row.leaf_id] ?? 0) + 1;
  return counts;
}

/** Every leaf call the model got asked for exactly the samples the dataset holds of it. */
function expectAskedKept(model: ScriptedChatModel, rows: Row[]): void {
  const calls = model.callsFor(STAGE_SCHEMA_NAMES.leaf);
  for (const call of calls) {
    const [, leaf, index] = /^leaf:(.+):(\d+)$/.exec(call.callKey ?? '') ?? [];
    const kept = rows.filter((row) => row.leaf_id === leaf && row.call.index === Number(index)).length;
    expect({ call: call.callKey, asked: countRequested(userText(call)) }).toEqual({
      call: call.callKey,
      asked: kept,
    });
  }
}

describe('TreeSynth engine', () => {
  it('builds a tree of the configured depth and fills every leaf with provenance', async () => {
    const { summary, samples, tree } = await run({
      reply: worldReply(['colour', 'shape']),
      config: { tree: { depth: 2, pivots: 4 }, synthesis: { samplesPerCall: 3 } },
    });
    expect(summary.status).toBe('complete');
    expect(summary.leaves).toBe(6); // 3 colours x 2 shapes
    expect(samples).toHaveLength(6 * 3);
    const leafIds = new Set(tree.leaves().map((leaf) => leaf.id));
    for (const sample of samples) {
      expect(leafIds.has(sample.leaf_id)).toBe(true);
      expect(sample.path).toHaveLength(2);
      // The leaf prompt carried the path: the scripted answer echoes it.
      expect(
        sample.question.startsWith(
          sample.path
            .map((step: { dimension: string; value: string }) => `${step.dimension}=${step.value}`)
            .join(','),
        ),
      ).toBe(true);
    }
    expect(new Set(samples.map((sample) => sample.id)).size).toBe(samples.length);
  });

  it('rejects a criterion that leaves a pivot out, assigns one twice, or reuses a dimension, then gives up after the bound', async () => {
    let criterionCalls = 0;
    const reply = (call: ChatCallOptions) => {
      if (call.responseFormat?.name !== STAGE_SCHEMA_NAMES.criterion) return worldReply(['colour'])(call);
      criterionCalls++;
      const bad = [
        { dimension: 'colour', assignments: [{ value: 'red', pivots: [1, 2] }] }, // pivots 3, 4 missing
        {
          dimension: 'colour',
          assignments: [
            { value: 'red', pivots: [1, 2, 3] },
            { value: 'blue', pivots: [3, 4] },
          ],
        }, // 3 twice
        { dimension: 'colour', assignments: [{ value: 'red', pivots: [1, 2, 3, 4, 5] }] }, // pivot 5 does not exist
      ];
      return bad[(criterionCalls - 1) % bad.length];
    };
    const { summary, tree } = await run({
      reply,
      config: { tree: { depth: 2, pivots: 4, criterionAttempts: 3 } },
    });
    expect(criterionCalls).toBe(3);
    expect(summary.leaves).toBe(1);
    const root = tree.root;
    expect(root.status).toBe('leaf');
    expect(root.leafReason).toBe('no-criterion');
    expect(root.leafDetail?.join(' ')).toMatch(/not assigned/);
    expect(root.leafDetail?.join(' ')).toMatch(/assigned to both/);
    expect(root.leafDetail?.join(' ')).toMatch(/does not exist/);
  });

  it('never accepts a dimension already used by an ancestor', async () => {
    // The criterion always proposes "colour": the root accepts it, its children must not.
    const { tree, summary } = await run({
      reply: worldReply(['colour', 'colour', 'colour']),
      config: { tree: { depth: 3, pivots: 4, criterionAttempts: 2 } },
    });
    expect(summary.leaves).toBe(3);
    for (const leaf of tree.leaves()) {
      expect(leaf.depth).toBe(1);
      expect(leaf.leafReason).toBe('no-criterion');
      expect(leaf.leafDetail?.[0]).toMatch(/already used/);
    }
  });

  it('bounds repairs of invalid JSON and records the failure instead of looping', async () => {
    const model = await run({
      reply: (call) =>
        call.responseFormat?.name === STAGE_SCHEMA_NAMES.pivots ? 'not json at all' : worldReply([])(call),
      config: { tree: { depth: 2 }, structuredRepairs: 2, synthesis: { samplesPerCall: 2 } },
    });
    expect(model.model.callsFor(STAGE_SCHEMA_NAMES.pivots)).toHaveLength(3);
    expect(model.tree.root.leafReason).toBe('pivots-failed');
    // The root is still a leaf and is still sampled.
    expect(model.samples).toHaveLength(2);
  });

  it('turns an open-ended dimension past the cap into one infinite child sampled base^k times with fresh draws', async () => {
    const { tree, samples, summary } = await run({
      reply: worldReply(['big']),
      config: {
        tree: { depth: 1, pivots: 4, coverageCap: 8, coverageRounds: 10 },
        synthesis: { samplesPerCall: 2, infiniteMultiplierBase: 5 },
      },
    });
    expect(tree.root.split?.infinite).toBe(true);
    expect(tree.root.split?.values.length).toBeGreaterThanOrEqual(8);
    expect(tree.root.children).toHaveLength(1);
    expect(summary.leafCalls.done).toBe(5);
    expect(samples).toHaveLength(10);
    const drawn = new Set(samples.map((sample) => sample.drawn.big));
    expect(drawn.size).toBeGreaterThan(1);
    for (const sample of samples) expect(sample.path[0].value).toBe(sample.drawn.big);
  });

  it('stops asking for coverage after the round bound', async () => {
    const { model, tree } = await run({
      reply: worldReply(['big']),
      config: { tree: { depth: 1, pivots: 4, coverageCap: 50, coverageRounds: 2 } },
    });
    expect(model.callsFor(STAGE_SCHEMA_NAMES.coverage)).toHaveLength(2);
    expect(tree.root.split?.infinite).toBe(false);
    expect(tree.root.split?.values).toHaveLength(2 + 8);
  });

  it('fixes the first level by hand without model calls', async () => {
    const { tree, model } = await run({
      reply: worldReply(['shape']),
      task: {
        ...baseTask,
        fixedLevels: [{ dimension: 'subject', values: ['Algebra', 'Geometry', 'Number Theory'] }],
      },
      config: { tree: { depth: 2, pivots: 4 }, synthesis: { samplesPerCall: 1 } },
    });
    expect(tree.root.split?.fixed).toBe(true);
    expect(tree.root.split?.dimension).toBe('subject');
    expect(tree.root.children).toHaveLength(3);
    // Pivots are asked for the three subject nodes only, never for the root.
    const pivotPaths = model
      .callsFor(STAGE_SCHEMA_NAMES.pivots)
      .map((call) => parseSubspace(userText(call).get('Subspace')));
    expect(pivotPaths).toHaveLength(3);
    for (const path of pivotPaths) expect(path[0]?.dimension).toBe('subject');
  });

  it('spreads a budget evenly over the leaves and says so', async () => {
    const { summary, samples } = await run({
      reply: worldReply(['colour', 'shape']),
      config: { tree: { depth: 2, pivots: 4 }, synthesis: { samplesPerCall: 10 }, maxSamples: 21 },
    });
    expect(samples).toHaveLength(21);
    expect(summary.budget?.message).toMatch(/spreads 21 evenly/);
    const perLeaf = new Map<string, number>();
    for (const sample of samples) perLeaf.set(sample.leaf_id, (perLeaf.get(sample.leaf_id) ?? 0) + 1);
    expect(perLeaf.size).toBe(6);
    expect(Math.max(...perLeaf.values()) - Math.min(...perLeaf.values())).toBeLessThanOrEqual(1);
  });

  it('puts tree calls before leaf calls and starts leaves before the tree is finished', async () => {
    const order: string[] = [];
    const reply = worldReply(['colour', 'shape', 'size']);
    await run({
      reply: async (call) => {
        order.push(call.responseFormat!.name);
        // The red branch is slow, so the other branches finish their subtrees first.
        const slow = call.messages.some((message) => message.content.includes('colour: red'));
        await new Promise((resolve) => setTimeout(resolve, slow ? 30 : 2));
        return reply(call);
      },
      config: { tree: { depth: 3, pivots: 4 }, concurrency: 8, synthesis: { samplesPerCall: 1 } },
    });
    const firstLeaf = order.indexOf(STAGE_SCHEMA_NAMES.leaf);
    const lastTree = Math.max(
      order.lastIndexOf(STAGE_SCHEMA_NAMES.coverage),
      order.lastIndexOf(STAGE_SCHEMA_NAMES.criterion),
    );
    // No level barrier: a branch whose leaves are known is sampled while other branches still split.
    expect(firstLeaf).toBeGreaterThan(0);
    expect(firstLeaf).toBeLessThan(lastTree);
  });

  it('resumes a finished run without calling the model again', async () => {
    const first = await run({
      reply: worldReply(['colour']),
      config: { tree: { depth: 1, pivots: 4 }, synthesis: { samplesPerCall: 2 } },
    });
    const again = await run({
      reply: worldReply(['colour']),
      dir: first.dir,
      config: { tree: { depth: 1, pivots: 4 }, synthesis: { samplesPerCall: 2 } },
    });
    expect(again.model.calls).toHaveLength(0);
    expect(again.samples).toEqual(first.samples);
    expect(again.summary.samples).toBe(first.summary.samples);
  });

  it('leaves tree.json and usage.json untouched on a resume that changes nothing, and restores them when they differ', async () => {
    const config = { tree: { depth: 2, pivots: 4 }, synthesis: { samplesPerCall: 2 } };
    const first = await run({ reply: worldReply(['colour', 'shape']), config });
    const files = ['tree.json', 'usage.json'].map((name) => join(first.dir, name));
    const state = (file: string) => {
      const { mtimeMs, ino } = statSync(file);
      return { file, text: readFileSync(file, 'utf8'), mtimeMs, ino };
    };
    const before = files.map(state);
    // Coarse file clocks: a rewrite must show in the modification time.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await run({ reply: worldReply(['colour', 'shape']), dir: first.dir, config });
    expect(again.model.calls).toHaveLength(0);
    expect(files.map(state)).toEqual(before);

    // A file that no longer matches the run (cut, edited, deleted) is written again, as before.
    writeFileSync(files[0]!, before[0]!.text.replace('"leaf"', '"pending"'));
    rmSync(files[1]!);
    await run({ reply: worldReply(['colour', 'shape']), dir: first.dir, config });
    expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(before.map((file) => file.text));
  });

  it('resume re-makes the rows samples.jsonl lost, drops a duplicated one, and says so', async () => {
    const config = { tree: { depth: 1, pivots: 4 }, synthesis: { samplesPerCall: 2 } };
    const first = await run({ reply: worldReply(['colour']), config });
    const file = join(first.dir, 'samples.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    // Rows of one call lost (a cut file), one of another kept, and one row written twice.
    const lost = lines.filter((line) => JSON.parse(line).leaf_id === first.samples[0].leaf_id);
    const kept = lines.filter((line) => !lost.includes(line));
    writeFileSync(file, `${[...kept, kept[0]].join('\n')}\n`);
    let logged = '';
    const logger = { info() {}, debug() {}, warn: (message: string) => (logged += `${message}\n`) };
    // The second time, leaf answers come "from the cache" (cached: true), as the response cache gives them.
    const reply = (call: ChatCallOptions) => ({
      text: JSON.stringify(worldReply(['colour'])(call)),
      usage: { promptTokens: 10, completionTokens: 10 },
      cached: true,
    });
    const again = await run({ reply, config, dir: first.dir, logger });
    expect(again.model.calls.map((call) => call.callKey)).toEqual([`leaf:${first.samples[0].leaf_id}:0`]);
    expect(again.summary.repaired).toEqual({
      rowsFromCache: lost.length,
      rowsRequested: 0,
      rowsMissing: 0,
      duplicatesDropped: 1,
    });
    const byId = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(again.samples)).toEqual(byId(first.samples));
    expect(logged).toContain(
      `repaired samples.jsonl: ${lost.length} rows restored from the response cache, 1 duplicate dropped`,
    );
    expect(readFileSync(join(first.dir, 'events.jsonl'), 'utf8')).toContain('"type":"samples-repaired"');
  });

  it('stage one only: estimates the cost of stage two without leaf calls', async () => {
    const { summary, model } = await run({
      reply: worldReply(['colour', 'shape']),
      config: { tree: { depth: 2, pivots: 4 }, synthesis: { samplesPerCall: 5 } },
      treeOnly: true,
    });
    expect(summary.status).toBe('tree-built');
    expect(model.callsFor(STAGE_SCHEMA_NAMES.leaf)).toHaveLength(0);
    expect(summary.estimate).toMatchObject({ leafCalls: 6, samples: 30 });
    expect(summary.estimate!.promptTokens).toBeGreaterThan(0);
  });

  it('records a leaf call whose endpoint kept failing, and the next resume makes it again', async () => {
    const config = { tree: { depth: 1, pivots: 4 }, synthesis: { samplesPerCall: 2 } };
    let failing = true;
    const reply = (call: ChatCallOptions) => {
      if (
        failing &&
        call.callKey?.startsWith('leaf:') &&
        call.messages.some((message) => message.content.includes('colour: green'))
      ) {
        throw new ApiCallError({
          message: 'HTTP 503 (gave up after 5 attempts)',
          statusCode: 503,
          isRetryable: true,
        });
      }
      return worldReply(['colour'])(call);
    };
    const first = await run({ reply, config });
    expect(first.summary.status).toBe('incomplete');
    expect(first.summary.error).toMatch(/^1 leaf call failed after its retries \(last: HTTP 503/);
    expect(JSON.parse(readFileSync(join(first.dir, 'run.json'), 'utf8')).status).toBe('incomplete');
    expect(first.summary.leafCalls.failed).toBe(1);
    expect(first.samples).toHaveLength(4);
    const events = readFileSync(join(first.dir, 'events.jsonl'), 'utf8');
    expect(events).toMatch(/"type":"leaf-call-failed".*"error":"HTTP 503.*"retryable":true/);

    failing = false;
    const again = await run({ reply, config, dir: first.dir });
    expect(again.model.calls).toHaveLength(1);
    expect(again.summary.status).toBe('complete');
    expect(again.summary.leafCalls.failed).toBe(0);
    expect(again.samples).toHaveLength(6);
  });

  it('tries a leaf call whose answers were unusable again on resume, past any cached answer', async () => {
    const config = { tree: { depth: 1, pivots: 4 }, synthesis: { samplesPerCall: 2 } };
    let broken = true;
    const reply = (call: ChatCallOptions) => {
      const green = call.messages.some((message) => message.content.includes('colour: green'));
      if (broken && call.callKey?.startsWith('leaf:') && green) return { samples: 'none' };
      return worldReply(['colour'])(call);
    };
    const first = await run({ reply, config });
    expect(first.summary.status).toBe('incomplete');
    expect(first.summary.leafCalls.failed).toBe(1);
    expect(first.summary.error).toMatch(/^1 leaf call failed .*no valid answer after 2 attempt/);

    broken = false;
    const again = await run({ reply, config, dir: first.dir });
    // Only the failed call, asked with `refresh` so a response cache does not serve its old answer.
    expect(again.model.calls.map((call) => [call.callKey, call.refresh])).toEqual([
      [expect.stringMatching(/^leaf:/), true],
    ]);
    expect(again.summary.status).toBe('complete');
    expect(again.samples).toHaveLength(6);
  });

  it('ends incomplete, saying why, when no leaf call got a usable answer', async () => {
    const { summary, samples } = await run({
      reply: (call) => (call.callKey?.startsWith('leaf:') ? { samples: 3 } : worldReply(['colour'])(call)),
      config: { tree: { depth: 1, pivots: 4 }, synthesis: { samplesPerCall: 2 } },
    });
    expect(samples).toHaveLength(0);
    expect(summary.status).toBe('incomplete');
    expect(summary.error).toMatch(
      /^no samples: the endpoint gave no usable answer to any of the 3 leaf calls/,
    );
  });

  it("extends a run to a larger budget: every row kept, each leaf topped up to a fresh run's share", async () => {
    const reply = worldReply(['colour', 'shape']);
    const config = (maxSamples: number) => ({
      tree: { depth: 2, pivots: 4 },
      synthesis: { samplesPerCall: 4 },
      maxSamples,
    });
    const small = await run({ reply, config: config(9) });
    expect(small.samples).toHaveLength(9);
    const smallLines = readFileSync(join(small.dir, 'samples.jsonl'), 'utf8');
    const extended = await run({ reply, config: config(19), dir: small.dir });
    const fresh = await run({ reply, config: config(19) });
    expect(fresh.samples).toHaveLength(19);
    // The rows of the smaller run stay as they were, first in the file; the leaves hold a fresh run's counts.
    expect(readFileSync(join(small.dir, 'samples.jsonl'), 'utf8').startsWith(smallLines)).toBe(true);
    expect(extended.samples).toHaveLength(19);
    expect(new Set(extended.samples.map((row) => row.id)).size).toBe(19);
    expect(perLeaf(extended.samples)).toEqual(perLeaf(fresh.samples));
    // Leaves whose earlier calls were sized for 9 got further calls, after the indices they had.
    expect(extended.samples.some((row) => row.call.index > 0)).toBe(true);
    expect(fresh.samples.every((row) => row.call.index === 0)).toBe(true);
    // No call asks for a sample it does not keep, in a fresh run or an extension.
    for (const session of [small, extended, fresh]) expectAskedKept(session.model, session.samples);

    // The same extension again gives the same rows.
    const twice = await run({ reply, config: config(9) });
    await run({ reply, config: config(19), dir: twice.dir });
    expect(sortedRows(readRows(twice.dir))).toEqual(sortedRows(extended.samples));
  });

  it('an extension stopped half-way ends, once resumed, with the rows of one that was not', async () => {
    // One infinite leaf of 10 samples (5 calls of 2): with a budget of 3 it makes calls of 2 and 1.
    const config = (maxSamples: number) => ({
      tree: { depth: 1, pivots: 4, coverageCap: 8, coverageRounds: 10 },
      synthesis: { samplesPerCall: 2, infiniteMultiplierBase: 5 },
      maxSamples,
    });
    const reply = worldReply(['big']);
    const whole = await run({ reply, config: config(3) });
    expect(whole.samples).toHaveLength(3);
    const grown = await run({ reply, config: config(9), dir: whole.dir });
    expect(grown.samples).toHaveLength(9);
    expectAskedKept(grown.model, grown.samples);

    // The same extension, whose first and third new calls fail; a resume with the same budget finishes it.
    const broken = await run({ reply, config: config(3) });
    let failing = true;
    const flaky = (call: ChatCallOptions) => {
      if (failing && /^leaf:.*:(2|4)$/.test(call.callKey ?? ''))
        throw new ApiCallError({ message: 'HTTP 503', statusCode: 503, isRetryable: true });
      return reply(call);
    };
    const stopped = await run({ reply: flaky, config: config(9), dir: broken.dir });
    expect(stopped.summary.status).toBe('incomplete');
    expect(stopped.samples.length).toBeLessThan(9);
    failing = false;
    const resumed = await run({ reply: flaky, config: config(9), dir: broken.dir });
    expect(resumed.summary.status).toBe('complete');
    expect(sortedRows(resumed.samples)).toEqual(sortedRows(grown.samples));
  });

  it('stage one again on a finished run keeps its status', async () => {
    const config = { tree: { depth: 1, pivots: 4 }, synthesis: { samplesPerCall: 2 } };
    const first = await run({ reply: worldReply(['colour']), config });
    expect(first.summary.status).toBe('complete');
    const again = await run({ reply: worldReply(['colour']), config, dir: first.dir, treeOnly: true });
    expect(again.summary.status).toBe('complete');
    expect(again.summary.estimate).toBeUndefined();
    expect(JSON.parse(readFileSync(join(first.dir, 'run.json'), 'utf8')).status).toBe('complete');
  });

  it('fails the run on an endpoint error and marks the run folder', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'treesynth-engine-')), 'run');
    await expect(
      run({
        dir,
        reply: () => {
          throw new Error('connection refused');
        },
      }),
    ).rejects.toThrow(/connection refused/);
    const manifest = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(manifest.status).toBe('failed');
    expect(manifest.error).toMatch(/connection refused/);
  });
});
