import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILTIN_TASKS,
  ConfigError,
  parseEngineConfig,
  parseTask,
  RunStore,
  runTreeSynth,
  usageFileSchema,
} from '@treesynth/core';
import {
  type BatchRequestLine,
  createOpenAICompatible,
  exportBatch,
  ingestBatch,
} from '@treesynth/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChatRequest } from './answer-request.js';
import { type Simulator, startSimulator } from './start-simulator.js';

const SEED = 3;
/** A model with a price, so the batch stage's cost is known; the simulator answers any model id. */
const MODEL_ID = 'gpt-4o-mini';

/**
 * Plays the batch service (round `round`): answers every request line of `requestsFile` with the simulator's answer
 * to its body (the first one failed when `failFirst`), as an OpenAI Batch output file.
 */
function answerBatch(requestsFile: string, round: number, options: { failFirst?: boolean } = {}): string {
  const requests = readFileSync(requestsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as BatchRequestLine);
  const lines = requests.map((request, index) => {
    if (options.failFirst && index === 0)
      return { custom_id: request.custom_id, response: null, error: { code: 'server_error' } };
    const answer = answerChatRequest(request.body, { seed: SEED });
    if (answer.status !== 200) throw new Error(JSON.stringify(answer.error));
    return {
      custom_id: request.custom_id,
      response: { status_code: 200, body: answer.completion },
      error: null,
    };
  });
  const file = `${requestsFile}.results-${round}.jsonl`;
  writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return file;
}

/** The usage the successful lines of a results file report. */
function reportedUsage(file: string): { prompt: number; completion: number; lines: number } {
  const usages = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).response?.body?.usage)
    .filter(Boolean) as { prompt_tokens: number; completion_tokens: number }[];
  return {
    prompt: usages.reduce((sum, usage) => sum + usage.prompt_tokens, 0),
    completion: usages.reduce((sum, usage) => sum + usage.completion_tokens, 0),
    lines: usages.length,
  };
}

function samples(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** exportBatch and ingestBatch on real run folders built against the simulator on loopback. */
describe('batch export and ingest through the package functions', () => {
  let simulator: Simulator;
  const work = mkdtempSync(join(tmpdir(), 'treesynth-simulator-batch-'));
  const task = parseTask(BUILTIN_TASKS.gsm8k);
  const config = parseEngineConfig({ seed: 4, tree: { depth: 2 }, synthesis: { samplesPerCall: 2 } });

  beforeAll(async () => {
    simulator = await startSimulator({ seed: SEED });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  /** A run folder of `task` at the simulator: the tree only, or the whole run. */
  async function runAt(name: string, treeOnly: boolean) {
    const dir = join(work, name);
    const store = await RunStore.create(dir, {
      fingerprint: name,
      task,
      config,
      model: { provider: 'openai-compatible', modelId: MODEL_ID },
    });
    const model = createOpenAICompatible({ baseURL: simulator.url, apiKey: 'test' }).chat(MODEL_ID);
    try {
      return { dir, summary: await runTreeSynth({ task, model, config, store, treeOnly }) };
    } finally {
      await store.close();
    }
  }

  it('round-trips the leaf calls to the dataset a live run gives, the batch usage in usage.json', async () => {
    const live = await runAt('live', false);
    expect(live.summary.status).toBe('complete');
    const built = await runAt('batched', true);
    expect(built.summary.status).toBe('tree-built');
    const planned = built.summary.estimate!.leafCalls;
    expect(planned).toBeGreaterThan(1);

    const exported = await exportBatch({ dir: built.dir });
    expect(exported.summary.status).toBe('awaiting-batch');
    expect(exported.requests).toBe(planned);
    expect(exported.requestsFile).toBe(join(built.dir, 'batch-requests.jsonl'));
    const before = simulator.stats().total;

    // First round: one request fails in the batch, and is written out again.
    const firstResults = answerBatch(exported.requestsFile, 1, { failFirst: true });
    const first = await ingestBatch({ dir: built.dir, results: firstResults });
    expect(first.ingested.stored).toHaveLength(planned - 1);
    expect(first.ingested.failed).toHaveLength(1);
    expect(first.summary.status).toBe('awaiting-batch');
    expect(first.requests).toBe(1);

    const secondResults = answerBatch(first.requestsFile, 2);
    const second = await ingestBatch({ dir: built.dir, results: secondResults });
    expect(second.ingested.stored).toHaveLength(1);
    expect(second.summary.status).toBe('complete');
    expect(second.requests).toBe(0);
    // No live call was made: the simulator saw nothing after the tree.
    expect(simulator.stats().total).toBe(before);

    const byId = new Map(samples(live.dir).map((sample) => [sample.id, sample]));
    const batched = samples(built.dir);
    expect(batched).toHaveLength(byId.size);
    for (const sample of batched) expect(sample).toEqual(byId.get(sample.id));

    const usage = usageFileSchema.parse(JSON.parse(readFileSync(join(built.dir, 'usage.json'), 'utf8')));
    const reported = [reportedUsage(firstResults), reportedUsage(secondResults)];
    expect(usage.stages.batch?.calls).toBe(planned);
    expect(reported[0]!.lines + reported[1]!.lines).toBe(planned);
    expect(usage.stages.batch?.promptTokens).toBe(reported[0]!.prompt + reported[1]!.prompt);
    expect(usage.stages.batch?.completionTokens).toBe(reported[0]!.completion + reported[1]!.completion);
    expect(usage.stages.batch?.promptTokens).toBeGreaterThan(0);
    // The cost is providers' CostEstimate; core's schema keeps it as a record.
    expect((usage.cost?.stages as Record<string, number> | undefined)?.batch).toBeGreaterThan(0);

    // Ingesting a file again stores nothing twice.
    const again = await ingestBatch({ dir: built.dir, results: secondResults });
    expect(again.ingested).toMatchObject({ stored: [], alreadyStored: 1 });
  }, 60_000);

  it('errors name the option: file over the run’s own files, a missing results file', async () => {
    const { dir } = await runAt('options', true);
    const refusal = async (run: Promise<unknown>) => {
      const error = await run.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ConfigError.isInstance(error), String(error)).toBe(true);
      return error as ConfigError;
    };
    const ownFile = await refusal(exportBatch({ dir, file: join(dir, 'samples.jsonl') }));
    expect(ownFile.path).toBe('file');
    expect(ownFile.message).toMatch(/the run's own samples\.jsonl/);
    // @ts-expect-error: results is required
    const noResults = await refusal(ingestBatch({ dir }));
    expect(noResults.path).toBe('results');
    const unexported = await refusal(ingestBatch({ dir, results: join(work, 'none.jsonl') }));
    expect(unexported.message).toMatch(/cannot read batch results \(ENOENT\)/);
    // Nothing moved: the run still waits for its leaf calls.
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).status).toBe('tree-built');
  }, 60_000);
});
