import { ConfigError, type EngineConfig, type TaskDefinition } from '@treesynth/core';
import { readPersonaFile } from './persona-file.js';
import { dataSize, readSeedTexts } from './plan-inputs.js';

/** A baseline's settings and files, checked before the run folder is touched (`Generator.check`). */
export async function checkMethod({ config }: { task: TaskDefinition; config: EngineConfig }): Promise<void> {
  const method = config.method;
  if (!method || method.name === 'treesynth') return;
  dataSize(config, method.name);
  if (method.name === 'evol') await readSeedTexts(method.seeds, method.seedField, 'evol', () => {});
  if (method.name === 'persona') {
    if (method.personas) readPersonaFile(method.personas);
    else if (method.seeds) await readSeedTexts(method.seeds, method.seedField, 'persona', () => {});
    else
      throw new ConfigError({
        path: 'config.method.personas',
        message:
          'the persona method needs personas (a Persona Hub JSONL file) or seed texts to make them from',
      });
  }
}
