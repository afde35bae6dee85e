import type { z } from 'zod';
import type { TaskDefinition } from '../tasks/task-definition.js';
import type { ChatCallOptions, ChatResult } from './chat-model.js';
import type { Logger } from './logger.js';
import type { NodeStep, PathStep, SampleFields } from './sample.js';

/** What a stage may use: the model (already scheduled and accounted), a signal, a logger, randomness. */
export interface StageContext {
  /** Ask the model for JSON matching `schema`, with bounded repair. Scheduled with the stage's priority. */
  generateObject<T>(request: StructuredRequest<T>): Promise<StructuredResponse<T>>;
  /** Raw access, for stages that do their own parsing. Also scheduled and accounted. */
  generate(options: ChatCallOptions): Promise<ChatResult>;
  /** Deterministic pseudo-random numbers in [0, 1), seeded by the run seed and the stage input. */
  random(): number;
  signal: AbortSignal;
  logger: Logger;
}

export interface StructuredRequest<T> extends Omit<ChatCallOptions, 'responseFormat'> {
  /** Name sent as the JSON-schema name. */
  schemaName: string;
  schema: z.ZodType<T>;
}

export interface StructuredResponse<T> {
  object: T;
  /** Calls made, repairs included. */
  calls: number;
}

/** A replaceable step of the engine: `{ id, run(input, context) }`. */
export interface Stage<Input, Output> {
  readonly id: string;
  run(input: Input, context: StageContext): Promise<Output>;
}

export interface PivotInput {
  task: TaskDefinition;
  /** The node's constraints, infinite steps already drawn. */
  path: PathStep[];
  count: number;
  temperature: number;
  callKey: string;
}
export interface PivotOutput {
  pivots: SampleFields[];
}

export interface CriterionInput {
  task: TaskDefinition;
  path: PathStep[];
  pivots: SampleFields[];
  usedDimensions: string[];
  /** 0-based attempt number; the engine asks again, up to its bound, when an answer is rejected. */
  attempt: number;
  temperature: number;
  callKey: string;
}
/** A proposed split: the dimension and, for each of its values, the pivots (0-based) that take it. */
export interface CriterionOutput {
  dimension: string;
  assignments: { value: string; pivots: number[] }[];
}

export interface CoverageInput {
  task: TaskDefinition;
  path: PathStep[];
  dimension: string;
  /** Values known so far (from the pivots, then from earlier rounds). */
  values: string[];
  round: number;
  temperature: number;
  callKey: string;
}
export interface CoverageOutput {
  /** `complete`: the list now covers the dimension; `no-new-values`: nothing to add; `open-ended`: ask again. */
  status: 'complete' | 'open-ended' | 'no-new-values';
  newValues: string[];
}

export interface LeafInput {
  task: TaskDefinition;
  /** The leaf's constraints with this call's drawn values. */
  path: PathStep[];
  count: number;
  temperature: number;
  callKey: string;
}
export interface LeafOutput {
  samples: SampleFields[];
}

export interface Stages {
  pivots: Stage<PivotInput, PivotOutput>;
  criterion: Stage<CriterionInput, CriterionOutput>;
  coverage: Stage<CoverageInput, CoverageOutput>;
  leaf: Stage<LeafInput, LeafOutput>;
}

export type { NodeStep };
