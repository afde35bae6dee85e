import {
  BASELINE_SCHEMA_NAMES,
  type EvolutionOperation,
  evolveAnswerSchema,
  evolvePrompt,
  type Generator,
  type RunStore,
  type RunSummary,
  type TaskDefinition,
} from '@treesynth/core';
import { createRandom, pick, primaryField, seededSample } from '@treesynth/core/internal';
import { runBaseline } from './baseline-run.js';
import { checkMethod } from './check-method.js';
import { type EliminationReason, eliminationReason } from './elimination.js';
import { dataSize, readSeedTexts } from './plan-inputs.js';

/** One instruction of the pool: a seed, or the survivor of an evolution. */
interface PoolMember {
  text: string;
  /** `seed:<line>` or the sample id it was written as. */
  id: string;
}

/** In-depth operations; complicating the input only where a task has code or inputs. */
function depthOperations(task: TaskDefinition): EvolutionOperation[] {
  const base: EvolutionOperation[] = ['constraints', 'deepen', 'concretize', 'reasoning'];
  const hasInput = task.name === 'code' || task.fields.some((field) => /input|code/i.test(field.name));
  return hasInput ? [...base, 'complicate-input'] : base;
}

/** Generations at most: the configured ones, then as many again while eliminations left the set short. */
const EXTRA_GENERATIONS = 1;

/**
 * Evol-Instruct: a pool of seed instructions (ceil(size / generations) of them, drawn from the seed
 * file by the run's seed) evolves generation by generation; each member takes one step, in-breadth
 * with probability `breadthShare`, else one in-depth operation. A step that fails the elimination
 * rules is dropped and its parent stays in the pool for the next generation. Every survivor is a
 * sample (seeds are not), with its generation, parent and operation in provenance, until the data size.
 */
export const evolGenerator: Generator<RunStore, RunSummary> = {
  id: 'evol',
  check: checkMethod,
  generate: (context) => {
    const method = context.config.method;
    if (method?.name !== 'evol') throw new Error('evolGenerator needs config.method.name evol');
    const { task, config } = context;
    return runBaseline(context, method, async (run) => {
      const size = dataSize(config, 'evol');
      const texts = await readSeedTexts(method.seeds, method.seedField, 'evol', (m) => run.logger.warn(m));
      const count = Math.ceil(size / method.generations);
      const pool: PoolMember[] = seededSample(texts.length, count, `${config.seed}:evol-seeds`).map(
        (index) => ({
          text: texts[index]!.text,
          id: `seed:${texts[index]!.line}`,
        }),
      );
      const field = primaryField(task);
      const eliminated: Partial<Record<EliminationReason, number>> = {};
      let kept = 0;
      const last = method.generations * (1 + EXTRA_GENERATIONS);
      for (let generation = 1; generation <= last && kept < size; generation++) {
        const results: ({ member: PoolMember; operation: EvolutionOperation } | undefined)[] = pool.map(
          () => undefined,
        );
        await run.each(
          pool,
          (index) => `evol:${generation}:${index}`,
          async (parent, index) => {
            const key = `evol:${generation}:${index}`;
            const random = createRandom(`${config.seed}:${key}`);
            const operation: EvolutionOperation =
              random() < method.breadthShare ? 'breadth' : pick(depthOperations(task), random);
            const { object } = await run.stage(key).generateObject({
              messages: evolvePrompt({ task, operation, instruction: parent.text }),
              schemaName: BASELINE_SCHEMA_NAMES.evolve,
              schema: evolveAnswerSchema,
              temperature: method.temperature,
              callKey: key,
              stage: 'evolve',
            });
            const text = object.instruction.replace(/\s+/g, ' ').trim();
            const reason = eliminationReason(parent.text, text);
            if (reason) eliminated[reason] = (eliminated[reason] ?? 0) + 1;
            else results[index] = { member: { text, id: `evol-g${generation}.${index}.0` }, operation };
            return reason ? 0 : 1;
          },
        );
        // Survivors in pool order, cut at the data size: the same rows whatever order calls finished in.
        const records = [];
        for (const [index, result] of results.entries()) {
          if (!result || kept >= size) continue;
          kept++;
          const parent = pool[index]!;
          records.push({
            id: result.member.id,
            leaf_id: `evol-g${generation}`,
            path: [],
            drawn: {},
            call: run.call(index),
            fields: Object.fromEntries(
              task.fields.map((f) => [f.name, f.name === field ? result.member.text : '']),
            ),
            method: { name: 'evol', generation, parent: parent.id, operation: result.operation },
          });
          pool[index] = result.member;
        }
        await run.keep(records);
      }
      const dropped = Object.entries(eliminated).map(([reason, count]) => `${reason} ${count}`);
      await run.describe(
        { generations: method.generations, pool: pool.length, kept, eliminated },
        `${kept} evolved instructions from ${pool.length} seeds; eliminated: ${dropped.join(', ') || 'none'}`,
      );
      if (kept < size)
        run.logger.warn(`evol: ${kept} of ${size} rows survived elimination in ${last} generations`);
    });
  },
};
