import { z } from 'zod';
import type { SimulatorStage } from './answer-request.js';
import { millisecondsSchema, portSchema, rateSchema, seedSchema } from './option-schemas.js';
import { type SimulatorFaultKind, simulatorFaultsSchema } from './simulator-faults.js';

/** The options of `startSimulator`: the one source of its defaults and limits. Errors name the option. */
export const simulatorOptionsSchema = z.object({
  seed: seedSchema.default(0).describe('seed of the latent world'),
  /** Chance that a criterion answer picks a large (open-ended) dimension while one is left. Default 0.15. */
  openEndedRate: rateSchema.optional(),
  /**
   * Chance that a shipped benchmark problem (GSM8K, MATH, HumanEval, MBPP) is answered correctly,
   * decided per problem, sample and seed by the rule in docs/simulator.md. A placeholder, not a claim.
   */
  benchAccuracy: rateSchema.default(0.5).describe('chance that a benchmark problem is answered correctly'),
  /**
   * Chance that an answer request of curation gets the right answer, decided per question and vote by
   * the hash rule in docs/simulator.md ("Answers and judgements"). A placeholder, not a claim.
   */
  answerAccuracy: rateSchema
    .default(0.7)
    .describe('chance that a curation answer request is answered correctly'),
  port: portSchema.default(0).describe('port on the loopback address (0 picks a free one)'),
  /** Anything but a loopback address is refused. */
  host: z
    .string()
    .default('127.0.0.1')
    .refine(isLoopbackHost, {
      error: (issue) => `the simulator only listens on loopback, not on ${String(issue.input)}`,
    })
    .describe('loopback address to bind'),
  /** Delay before each answer: fixed, or drawn per request (deterministically) from a range. */
  latencyMs: z
    .union([millisecondsSchema, z.object({ min: millisecondsSchema, max: millisecondsSchema })], {
      error: 'expected whole milliseconds from 0 to 86400000 (a day), or { min, max } of them',
    })
    .default(0)
    .describe('delay before each answer'),
  /** Faults to inject, each with its chance per request attempt. None by default. */
  faults: simulatorFaultsSchema.optional(),
  /**
   * Told about every valid chat request as soon as its outcome is drawn: lets a test count the attempts
   * of each call. Not kept by the simulator, so long runs use no memory for it.
   */
  onRequest: z.custom<(record: SimulatorRequestRecord) => void>().optional(),
});

/** One valid chat or completion request and what the simulator did with it. */
export interface SimulatorRequestRecord {
  /** Position among valid chat requests, from 0; the fault stream's counter. */
  sequence: number;
  stage: SimulatorStage;
  /** `answered` (the true answer, 200), or the fault injected. */
  outcome: 'answered' | SimulatorFaultKind;
  /** Hash of the request body: every retry of one call carries the same key. */
  requestKey: string;
  /**
   * Hash of the conversation up to its first assistant turn, with model, temperature and schema name:
   * a structured-output repair shares it with the call it repairs.
   */
  conversationKey: string;
  /** Assistant turns in the request: 0 for a first call, n for the n-th repair. */
  repairs: number;
}

export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>;
export type ParsedSimulatorOptions = z.output<typeof simulatorOptionsSchema>;

/** Whether a host name or address is on loopback. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(host)
  );
}
