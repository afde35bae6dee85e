import { STAGE_SCHEMA_NAMES } from '../prompts/prompt-layout.js';
import { coveragePrompt, criterionPrompt, leafPrompt, pivotPrompt } from '../prompts/stage-prompts.js';
import type {
  CoverageInput,
  CoverageOutput,
  CriterionInput,
  CriterionOutput,
  LeafInput,
  LeafOutput,
  PivotInput,
  PivotOutput,
  Stage,
  Stages,
} from '../spec/stage.js';
import { coverageSchema, criterionSchema, samplesSchema } from './stage-schemas.js';

export const pivotStage: Stage<PivotInput, PivotOutput> = {
  id: 'pivots',
  async run(input, context) {
    const { object } = await context.generateObject({
      messages: pivotPrompt(input),
      schemaName: STAGE_SCHEMA_NAMES.pivots,
      schema: samplesSchema(input.task),
      temperature: input.temperature,
      callKey: input.callKey,
      stage: 'pivots',
    });
    return { pivots: object.samples.slice(0, input.count) };
  },
};

export const criterionStage: Stage<CriterionInput, CriterionOutput> = {
  id: 'criterion',
  async run(input, context) {
    const { object } = await context.generateObject({
      messages: criterionPrompt(input),
      schemaName: STAGE_SCHEMA_NAMES.criterion,
      schema: criterionSchema,
      temperature: input.temperature,
      callKey: input.callKey,
      stage: 'criterion',
    });
    // The prompt numbers pivots from 1; the engine counts from 0.
    return {
      dimension: object.dimension.trim(),
      assignments: object.assignments.map((assignment) => ({
        value: assignment.value.trim(),
        pivots: assignment.pivots.map((number) => number - 1),
      })),
    };
  },
};

export const coverageStage: Stage<CoverageInput, CoverageOutput> = {
  id: 'coverage',
  async run(input, context) {
    const { object } = await context.generateObject({
      messages: coveragePrompt(input),
      schemaName: STAGE_SCHEMA_NAMES.coverage,
      schema: coverageSchema,
      temperature: input.temperature,
      callKey: input.callKey,
      stage: 'coverage',
    });
    return {
      status: object.status,
      newValues: object.new_values.map((value) => value.trim()).filter(Boolean),
    };
  },
};

export const leafStage: Stage<LeafInput, LeafOutput> = {
  id: 'leaf',
  async run(input, context) {
    const { object } = await context.generateObject({
      messages: leafPrompt(input),
      schemaName: STAGE_SCHEMA_NAMES.leaf,
      schema: samplesSchema(input.task),
      temperature: input.temperature,
      callKey: input.callKey,
      stage: 'leaf',
    });
    return { samples: object.samples.slice(0, input.count) };
  },
};

/** The default registration of the four stages; replace any of them by passing your own object. */
export const builtinStages: Stages = {
  pivots: pivotStage,
  criterion: criterionStage,
  coverage: coverageStage,
  leaf: leafStage,
};
