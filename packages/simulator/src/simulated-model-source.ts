import type { ChatModel, Logger } from '@treesynth/core';
import { type EndpointModelSource, endpointModelSource } from '@treesynth/providers';
import { type Simulator, startSimulator } from './start-simulator.js';

/** The model id the simulator serves by default. */
const SIMULATED_MODEL = 'treesynth-sim';

/**
 * A job's chat model source (`balanceDataset`'s `model`): the endpoint given (checked now, before the
 * job touches its folder), or, with neither a model id nor a base URL, the built-in simulator, started
 * on loopback when the job first needs the model and stopped by `close`.
 */
export function endpointOrSimulator(
  source: Omit<EndpointModelSource, 'modelId'> & { modelId?: string },
  seed: number,
): {
  id: string;
  simulated?: boolean;
  create(context: { cacheDir?: string; logger: Logger; signal?: AbortSignal }): Promise<ChatModel>;
  close(): Promise<void>;
} {
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
