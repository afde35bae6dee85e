import {
  type ChatCallOptions,
  type ChatMessage,
  type ChatModel,
  ConfigError,
  type Logger,
  type PartitionTree,
  type PathStep,
  STAGE_SCHEMA_NAMES,
  StructuredOutputError,
  silentLogger,
  type TaskDefinition,
} from '@treesynth/core';
import { generateObject, hash32, routePrompt, routeSchema } from '@treesynth/core/internal';
import { createLimit } from './_limit.js';
import { type NodeOutcome, type SplitView, walkTree } from './_walk-tree.js';
import { toRoute } from './embedding-router.js';
import { matchOption } from './match-option.js';
import type { Router, RouterStats } from './route-types.js';

export interface LlmRouterOptions {
  tree: PartitionTree;
  task: TaskDefinition;
  model: ChatModel;
  /** Route calls in flight at once, over all samples. Default 8. */
  concurrency?: number;
  /** Answers asked for per sample and level before it is recorded as unrouted. Default 3. */
  maxAttempts?: number;
  /** Sampling seed sent with every call. */
  seed?: number;
  /** Sampling temperature. Default 0: classification wants the most likely answer. */
  temperature?: number;
  logger?: Logger;
}

/** The LLM router, with the per-node classification exposed for the hybrid router. */
export interface LlmRouter extends Router {
  readonly kind: 'llm';
  /** Classify one sample at one node: one call (plus bounded retries on an answer that is no option). */
  classify(
    view: SplitView,
    path: readonly PathStep[],
    text: string,
    signal?: AbortSignal,
  ): Promise<NodeOutcome>;
}

export function checkCount(value: number | undefined, fallback: number, path: string): number {
  const count = value ?? fallback;
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError({ path, message: `expected a whole number >= 1, got ${value}` });
  }
  return count;
}

/**
 * Route by LLM classification, the reference's method: at every split node, one structured call
 * (`treesynth_route`) asks which of the node's values the sample takes, the values listed as options.
 * An answer that names no option (after `matchOption`) is sent back with the list and asked again, up
 * to `maxAttempts` answers in all; then the sample is recorded as unrouted, with every unmatched answer
 * on its last level. A reply that is not valid JSON gets core's bounded repair first (`generateObject`)
 * and counts as one unmatched answer if it stays invalid. Transport errors are not swallowed: wrap the
 * model in retry middleware for those.
 */
export function createLlmRouter(options: LlmRouterOptions): LlmRouter {
  const { tree, task, model } = options;
  const concurrency = checkCount(options.concurrency, 8, 'concurrency');
  const maxAttempts = checkCount(options.maxAttempts, 3, 'maxAttempts');
  const logger = options.logger ?? silentLogger;
  const limit = createLimit(concurrency);
  const stats: RouterStats = { samples: 0, llmCalls: 0, textsEmbedded: 0, unrouted: 0 };
  const generate = (call: ChatCallOptions) => {
    stats.llmCalls++;
    return model.doGenerate(call);
  };

  const classify = async (
    view: SplitView,
    path: readonly PathStep[],
    text: string,
    signal?: AbortSignal,
  ): Promise<NodeOutcome> => {
    const values = view.options.map((option) => option.value);
    const messages = routePrompt({
      task,
      path: [...path],
      dimension: view.dimension,
      options: values,
      sample: text,
    });
    let conversation: ChatMessage[] = messages;
    const unmatched: string[] = [];
    const sampleKey = hash32(text).toString(16);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let answer: string;
      try {
        const { object } = await limit(() =>
          generateObject({
            generate,
            messages: conversation,
            schemaName: STAGE_SCHEMA_NAMES.route,
            schema: routeSchema,
            temperature: options.temperature ?? 0,
            seed: options.seed,
            signal,
            callKey: `route:${view.node.id}:${sampleKey}:${attempt}`,
            stage: 'route',
          }),
        );
        answer = object.value;
      } catch (error) {
        if (!StructuredOutputError.isInstance(error)) throw error;
        unmatched.push(`(no valid answer: ${error.message})`);
        continue;
      }
      const index = matchOption(answer, values, view.dimension);
      if (index >= 0) {
        const option = view.options[index]!;
        return {
          decision: {
            nodeId: view.node.id,
            childId: option.childId,
            dimension: view.dimension,
            value: option.value,
            decidedBy: 'llm',
            ...(unmatched.length > 0 ? { unmatchedAnswers: unmatched } : {}),
          },
        };
      }
      unmatched.push(answer);
      logger.debug(
        `route ${view.node.id}: answer "${answer}" is no option (attempt ${attempt + 1} of ${maxAttempts})`,
      );
      conversation = [
        ...messages,
        { role: 'assistant', content: JSON.stringify({ value: answer }) },
        {
          role: 'user',
          content: `"${answer}" is not one of the options. Answer with exactly one of these, copied as written: ${values.map((value) => JSON.stringify(value)).join(', ')}. Reply as {"value": "..."}.`,
        },
      ];
    }
    return {
      unrouted: `the LLM answered no option ${maxAttempts} time(s) at ${view.node.id} (${view.dimension})`,
      unmatchedAnswers: unmatched,
    };
  };

  return {
    kind: 'llm',
    classify,
    async route(texts, routeOptions = {}) {
      const walkers = await walkTree(
        tree,
        texts.length,
        (view, members, walkers) =>
          Promise.all(
            members.map((member) =>
              classify(view, walkers[member]!.path, texts[member]!, routeOptions.signal),
            ),
          ),
        {
          signal: routeOptions.signal,
          onProgress:
            routeOptions.onProgress &&
            ((progress) => routeOptions.onProgress!({ ...progress, llmCalls: stats.llmCalls })),
        },
      );
      const routes = walkers.map((walker) => toRoute(walker, 'llm'));
      const unrouted = routes.filter((route) => route.leafId === null).length;
      stats.samples += routes.length;
      stats.unrouted += unrouted;
      if (unrouted > 0)
        logger.warn(
          `${unrouted} of ${routes.length} samples could not be routed (see their routes' unrouted)`,
        );
      return routes;
    },
    stats: () => ({ ...stats }),
  };
}
