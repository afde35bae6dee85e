import type { Generator, RunStore, RunSummary } from '@treesynth/core';
import { builtinStages, callSizes } from '@treesynth/core/internal';
import { runBaseline } from './baseline-run.js';
import { checkMethod } from './check-method.js';
import { dataSize } from './plan-inputs.js';

/**
 * Temperature sampling: the task prompt alone (a leaf request with no constraint), `samplesPerCall`
 * samples a call at the method's temperature, until the data size is reached.
 */
export const temperatureGenerator: Generator<RunStore, RunSummary> = {
  id: 'temperature',
  check: checkMethod,
  generate: (context) => {
    const method = context.config.method;
    if (method?.name !== 'temperature')
      throw new Error('temperatureGenerator needs config.method.name temperature');
    return runBaseline(context, method, async (run) => {
      const sizes = callSizes(
        dataSize(context.config, 'temperature'),
        context.config.synthesis.samplesPerCall,
      );
      await run.describe(
        { temperature: method.temperature, calls: sizes.length },
        `the task prompt alone, temperature ${method.temperature}, ${sizes.length} calls`,
      );
      await run.each(
        sizes,
        (index) => `temperature:${index}`,
        async (count, index) => {
          const { samples } = await builtinStages.leaf.run(
            {
              task: context.task,
              path: [],
              count,
              temperature: method.temperature,
              callKey: `temperature:${index}`,
            },
            run.stage(`temperature:${index}`),
          );
          await run.keep(
            samples.slice(0, count).map((fields, position) => ({
              id: `temperature.${index}.${position}`,
              leaf_id: 'temperature',
              path: [],
              drawn: {},
              call: run.call(index),
              fields,
              method: { name: 'temperature', temperature: method.temperature },
            })),
          );
          return samples.length;
        },
      );
    });
  },
};
