import type { Generator, RunStore, RunSummary } from '@treesynth/core';
import { evolGenerator } from './evol.js';
import { personaGenerator } from './persona.js';
import { temperatureGenerator } from './temperature.js';

export { type EliminationReason, eliminationReason, SCAFFOLDING_PHRASES } from './elimination.js';
export { evolGenerator } from './evol.js';
export { PERSONA_DIMENSION, personaGenerator } from './persona.js';
export { readPersonaFile } from './persona-file.js';
export { temperatureGenerator } from './temperature.js';

/**
 * The paper's baselines by method name, for `openRun`'s (or `runOnEndpoint`'s) `generators`: the
 * config's `method` picks one, and the run gets TreeSynth's run folder, resume, cache and usage.
 */
export const baselineGenerators: Record<string, Generator<RunStore, RunSummary>> = {
  temperature: temperatureGenerator,
  evol: evolGenerator,
  persona: personaGenerator,
};
