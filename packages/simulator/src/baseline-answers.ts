import type { BaselineRequest } from '@treesynth/core';
import { pick } from '@treesynth/core/internal';
import { drawInteger, type LatentWorld } from './latent-world.js';
import { writeSamples } from './stage-answers.js';

/**
 * Share of evolution answers that are degenerate the way real models' sometimes are: a refusal, a copy
 * of the prompt's scaffolding, the parent unchanged (each a third of it). One fixed rate for every
 * request, so the elimination rules meet them end to end; it says nothing about any method.
 */
export const DEGENERATE_EVOLUTION_RATE = 0.09;

const ROLES = [
  'teacher',
  'nurse',
  'student',
  'engineer',
  'farmer',
  'shop owner',
  'retired accountant',
  'coach',
];

/** An added clause for an in-depth step, from a value of the world's hidden attributes. */
function depthClause(operation: string, world: LatentWorld, random: () => number): string {
  const dimension = pick(world.dimensions, random);
  const value = pick(dimension.values, random);
  switch (operation) {
    case 'constraints':
      return `Also, the answer must account for ${dimension.name}: ${value}.`;
    case 'deepen':
      return `Explain how ${dimension.name} (${value}) changes the result.`;
    case 'concretize':
      return `Be specific: the setting involves ${value}.`;
    case 'reasoning':
      return `Work it out in two stages, first for ${value}, then overall.`;
    default:
      return `Use this input: [${value}, ${drawInteger(random, 2, 99)}].`;
  }
}

/** The simulator's answer to a baseline request (evolution step or text-to-persona), from the world. */
export function answerBaseline(request: BaselineRequest, world: LatentWorld, random: () => number): unknown {
  if (request.kind === 'persona') {
    const excerpt = request.text.split(/\s+/).slice(0, 6).join(' ');
    const personas = Array.from({ length: Math.min(request.count, 100) }, () => {
      const dimension = pick(world.dimensions, random);
      return `A ${pick(ROLES, random)} who cares about ${pick(dimension.values, random)} (${dimension.name}), drawn to "${excerpt}"`;
    });
    return { personas };
  }
  const roll = random();
  const third = DEGENERATE_EVOLUTION_RATE / 3;
  if (roll < third) return { instruction: 'Sorry, I cannot rewrite this instruction.' };
  if (roll < 2 * third) return { instruction: `#Rewritten Prompt#: ${request.instruction}` };
  if (roll < DEGENERATE_EVOLUTION_RATE) return { instruction: request.instruction };
  if (request.operation === 'breadth') {
    const field = request.fields[0]!;
    return { instruction: writeSamples(world, [], [field], 1, random)[0]?.[field] ?? request.instruction };
  }
  return { instruction: `${request.instruction} ${depthClause(request.operation, world, random)}` };
}
