import { setMaxListeners } from 'node:events';
import {
  ApiCallError,
  type ChatCallOptions,
  type ChatModel,
  type ChatResult,
  type EngineConfig,
  type Logger,
  type PartitionTree,
  parseEngineConfig,
  type SampleRecord,
  type StageContext,
  type Stages,
  StructuredOutputError,
  silentLogger,
  type TaskDefinition,
  type TreeNode,
  type UsageReport,
} from '@treesynth/core';
import {
  builtinStages,
  callSizes,
  cleanFields,
  createRandom,
  drawPath,
  generateObject,
  hash32,
  primaryField,
  Scheduler,
  UsageTracker,
} from '@treesynth/core/internal';

export interface SynthesisProgress {
  /** Leaves whose requests are settled (filled, or out of calls). */
  leavesDone: number;
  leaves: number;
  samples: number;
  requested: number;
  /** Leaf calls made so far (paid or cached) and how many of them failed. */
  leafCalls: number;
  /** Leaf calls the counts need; grows when a leaf asks again for what a call left out. */
  leafCallsPlanned: number;
  failedCalls: number;
  calls: number;
  cachedCalls: number;
  tokens: number;
  elapsedMs: number;
}

export interface SynthesizeShortfallsOptions {
  tree: PartitionTree;
  task: TaskDefinition;
  /** Wrapped as the CLI wraps it (cache, retry); every call goes through it. */
  model: ChatModel;
  /** Samples wanted per leaf; leaves with 0 are skipped. */
  requests: readonly { leafId: string; count: number }[];
  /** The engine's configuration: synthesis (samples per call, temperature), seed, concurrency, repairs. */
  config?: EngineConfig;
  /**
   * Calls a leaf may make beyond the ones its count needs, for answers that came back short or could
   * not be used. Default 2. A leaf that is still short after them is reported, never retried forever.
   */
  extraCalls?: number;
  /** Replace the built-in leaf stage (the same object `runTreeSynth` accepts as `stages.leaf`). */
  stages?: Partial<Pick<Stages, 'leaf'>>;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (progress: SynthesisProgress) => void;
}

export interface LeafSynthesis {
  leafId: string;
  requested: number;
  /** In call order, then position in the answer; never more than `requested`. */
  records: SampleRecord[];
  calls: number;
  failedCalls: number;
  /** Requested samples that no call delivered. */
  unfilled: number;
  /** Why calls failed, one line each. */
  errors: string[];
}

export interface SynthesisResult {
  /** In the order of `requests`, leaves with a count of 0 left out. */
  leaves: LeafSynthesis[];
  samples: number;
  unfilled: number;
  usage: UsageReport;
  /** True when the model answered as the simulator. */
  simulated: boolean;
}

const SIMULATED_PREFIX = 'simulated/';

/**
 * Synthesize samples for leaves that fall short, with the engine's leaf stage, prompts and call keys:
 * call `i` of leaf `L` has key `leaf:L:i`, draws its infinite values from the seeded stream
 * `<seed>:leaf:L:i`, and its samples get ids `L.i.<position>`, exactly as in `runTreeSynth`, so a
 * response cache answers a rerun without paying again. Each leaf asks for its count in calls of
 * `samplesPerCall`, then for what is still missing, at most `extraCalls` calls more. An unusable
 * answer (after the structured-output repair) or an endpoint that kept failing after the retry
 * middleware costs one call of the leaf's allowance; any other error stops the whole synthesis.
 */
export async function synthesizeShortfalls(options: SynthesizeShortfallsOptions): Promise<SynthesisResult> {
  const config = options.config ?? parseEngineConfig({});
  const { task, model, tree } = options;
  const logger = options.logger ?? silentLogger;
  const leafStage = options.stages?.leaf ?? builtinStages.leaf;
  const extraCalls = options.extraCalls ?? 2;
  const perCall = config.synthesis.samplesPerCall;
  const scheduler = new Scheduler(config.concurrency);
  const usage = new UsageTracker();
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Every call in flight listens to the signal; thousands at once are expected, not a leak.
  setMaxListeners(0, signal);
  const started = performance.now();
  let simulated = false;
  const requests = options.requests.filter((request) => request.count > 0);
  const progress: SynthesisProgress = {
    leavesDone: 0,
    leaves: requests.length,
    samples: 0,
    requested: requests.reduce((sum, request) => sum + request.count, 0),
    leafCalls: 0,
    leafCallsPlanned: requests.reduce((sum, request) => sum + callSizes(request.count, perCall).length, 0),
    failedCalls: 0,
    calls: 0,
    cachedCalls: 0,
    tokens: 0,
    elapsedMs: 0,
  };
  const report = () => {
    if (!options.onProgress) return;
    const totals = usage.totals();
    options.onProgress({
      ...progress,
      calls: totals.calls,
      cachedCalls: totals.cachedCalls,
      tokens: totals.promptTokens + totals.completionTokens,
      elapsedMs: performance.now() - started,
    });
  };

  // The engine's stage context: scheduled, accounted calls seeded by the call key.
  const call = async (options: ChatCallOptions): Promise<ChatResult> => {
    const key = options.callKey ?? '';
    const result = await scheduler.run(
      'leaf',
      () => model.doGenerate({ ...options, seed: options.seed ?? hash32(`${config.seed}:${key}`), signal }),
      signal,
    );
    if (result.modelId?.startsWith(SIMULATED_PREFIX)) simulated = true;
    usage.add(options.stage ?? 'other', result.usage, result.cached === true);
    report();
    return result;
  };
  const stageContext = (key: string): StageContext => ({
    generate: call,
    generateObject: (request) =>
      generateObject({ ...request, generate: call, maxRepairs: config.structuredRepairs }),
    random: createRandom(`${config.seed}:${key}`),
    signal,
    logger,
  });

  const leafCall = async (leaf: TreeNode, index: number, size: number, result: LeafSynthesis) => {
    const key = `leaf:${leaf.id}:${index}`;
    const context = stageContext(key);
    const { path, drawn } = drawPath(leaf.steps, context.random);
    try {
      const output = await leafStage.run(
        { task, path, count: size, temperature: config.synthesis.temperature, callKey: key },
        context,
      );
      const primary = primaryField(task);
      return output.samples
        .slice(0, size)
        .map(
          (fields, position): SampleRecord => ({
            id: `${leaf.id}.${index}.${position}`,
            leaf_id: leaf.id,
            path,
            drawn,
            call: { index, model: model.modelId, ...(simulated ? { simulated: true } : {}) },
            fields: cleanFields(task, fields),
          }),
        )
        .filter((record) => record.fields[primary]!.trim().length > 0);
    } catch (error) {
      const transient = ApiCallError.isInstance(error) && error.isRetryable;
      if (!StructuredOutputError.isInstance(error) && !transient) throw error;
      result.failedCalls++;
      progress.failedCalls++;
      result.errors.push(`call ${index}: ${(error as Error).message.split('\n')[0]}`);
      return [];
    } finally {
      result.calls++;
      progress.leafCalls++;
    }
  };

  const synthesizeLeaf = async (request: { leafId: string; count: number }): Promise<LeafSynthesis> => {
    const leaf = tree.get(request.leafId);
    if (leaf.status !== 'leaf') throw new Error(`node ${request.leafId} is not a leaf`);
    const result: LeafSynthesis = {
      leafId: leaf.id,
      requested: request.count,
      records: [],
      calls: 0,
      failedCalls: 0,
      unfilled: 0,
      errors: [],
    };
    const allowance = callSizes(request.count, perCall).length + extraCalls;
    let next = 0;
    while (result.records.length < request.count && next < allowance) {
      const sizes = callSizes(request.count - result.records.length, perCall).slice(0, allowance - next);
      if (next > 0) progress.leafCallsPlanned += sizes.length;
      const batches = await Promise.all(
        sizes.map((size, offset) => leafCall(leaf, next + offset, size, result)),
      );
      next += sizes.length;
      for (const records of batches) {
        const room = request.count - result.records.length;
        result.records.push(...records.slice(0, room));
        progress.samples += Math.min(room, records.length);
      }
      report();
    }
    result.unfilled = request.count - result.records.length;
    if (result.unfilled > 0)
      logger.warn(
        `leaf ${leaf.id}: ${result.unfilled} of ${request.count} samples not synthesized after ${result.calls} calls${result.errors.length > 0 ? ` (${result.errors[result.errors.length - 1]})` : ''}`,
      );
    progress.leavesDone++;
    report();
    return result;
  };

  let leaves: LeafSynthesis[];
  try {
    leaves = await Promise.all(requests.map(synthesizeLeaf));
  } catch (error) {
    // One fatal error stops the calls still queued for other leaves.
    controller.abort(error);
    throw error;
  }
  return {
    leaves,
    samples: progress.samples,
    unfilled: leaves.reduce((sum, leaf) => sum + leaf.unfilled, 0),
    usage: usage.report(),
    simulated,
  };
}
