import type { ModelSource } from '@treesynth/balance';
import type { ChatModel } from '@treesynth/core';
import { type EndpointModelSource, endpointModelSource } from '@treesynth/providers';
import { type Simulator, startSimulator } from '@treesynth/simulator';

/** The model the offline default talks to: the built-in simulator, started in-process. */
const SIMULATED_MODEL = 'treesynth-sim';

/**
 * The chat model of `treesynth balance`: providers' endpoint model source (checked here, before the
 * balance touches its folder), or, without --model and --base-url, the built-in simulator, started
 * when the balance first needs the model. `close` stops it.
 */
export function balanceModel(
  source: Omit<EndpointModelSource, 'modelId'> & { modelId?: string },
  seed: number,
): ModelSource<ChatModel> & { close(): Promise<void> } {
  const modelId = source.modelId ?? SIMULATED_MODEL;
  if (source.modelId !== undefined || (source.baseURLs ?? []).length > 0)
    return { ...endpointModelSource({ ...source, modelId }), close: async () => {} };
  let simulator: Promise<Simulator> | undefined;
  return {
    id: modelId,
    simulated: true,
    async create(context) {
      if (!simulator) {
        simulator = startSimulator({ seed });
        const { url } = await simulator;
        context.logger.info(`simulated LLM listening on ${url} (seed ${seed}); nothing leaves this machine`);
      }
      const { url } = await simulator;
      return endpointModelSource({ ...source, modelId, baseURLs: [url], env: {} }).create(context);
    },
    async close() {
      const started = await simulator?.catch(() => undefined);
      await started?.close();
    },
  };
}
