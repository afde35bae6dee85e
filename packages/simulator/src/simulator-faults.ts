import { createRandom, hash32, parseOptions, pathUnder } from '@treesynth/core/internal';
import { z } from 'zod';
import { millisecondsSchema, rateSchema, secondsSchema, seedSchema } from './option-schemas.js';

/**
 * Faults the simulator injects, each with its chance per request attempt; the rates add up to at
 * most 1. A fault is drawn for every valid chat request from its own seeded stream (the fault seed and
 * a request counter), so a retry of the identical request draws afresh and can succeed, while a
 * successful answer stays a pure function of the request.
 */
export const simulatorFaultsSchema = z
  .object({
    /** With an OpenAI-style rate-limit body. */
    rate429: rateSchema.optional().describe('chance per request of a 429 with Retry-After'),
    /** Default 1. */
    retryAfterSeconds: secondsSchema.optional().describe('seconds in the Retry-After header of a 429'),
    /** With an OpenAI-style server-error body. */
    rate500: rateSchema.optional().describe('chance per request of a 500'),
    /** Overloaded, with an OpenAI-style body. */
    rate503: rateSchema.optional().describe('chance per request of a 503'),
    rateHang: rateSchema
      .optional()
      .describe('chance per request of holding it open for the hang time, then a 504'),
    /** Default 10 minutes: past any sensible client timeout. */
    hangMs: millisecondsSchema.optional().describe('how long a hung request is held'),
    /** `finish_reason: length`. */
    rateTruncated: rateSchema
      .optional()
      .describe('chance per request of a 200 whose JSON is cut in the middle'),
    rateMalformed: rateSchema
      .optional()
      .describe('chance per request of a 200 with broken JSON (single quotes, unbalanced braces)'),
    /** A field missing or mistyped. */
    rateSchemaViolation: rateSchema
      .optional()
      .describe('chance per request of a 200 with valid JSON that breaks the schema'),
    seed: seedSchema.optional().describe('seed of the fault stream (default: the simulator seed)'),
  })
  .superRefine((faults, context) => {
    const sum = Object.values(RATE_OPTION).reduce((total, option) => total + (faults[option] ?? 0), 0);
    if (sum > 1 + 1e-9)
      context.addIssue({
        code: 'custom',
        message: `the fault rates add up to ${Number(sum.toFixed(6))}; at most 1 is possible`,
      });
  });

export type SimulatorFaults = z.input<typeof simulatorFaultsSchema>;

/** A kind of injected fault, as counted in the simulator's stats. */
export type SimulatorFaultKind =
  | 'rateLimit'
  | 'serverError'
  | 'unavailable'
  | 'hang'
  | 'truncated'
  | 'malformed'
  | 'schemaViolation';

/** Faults answered with an HTTP error (or no answer at all) rather than a corrupted 200. */
export type HttpFaultKind = Extract<SimulatorFaultKind, 'rateLimit' | 'serverError' | 'unavailable' | 'hang'>;
/** Faults answered 200 with a corrupted content. */
export type ContentFaultKind = Exclude<SimulatorFaultKind, HttpFaultKind>;

/** Every fault kind, in the order the draw tests them. */
export const FAULT_KINDS = [
  'rateLimit',
  'serverError',
  'unavailable',
  'hang',
  'truncated',
  'malformed',
  'schemaViolation',
] as const satisfies readonly SimulatorFaultKind[];

/** The option that sets the rate of each fault kind. */
export const RATE_OPTION = {
  rateLimit: 'rate429',
  serverError: 'rate500',
  unavailable: 'rate503',
  hang: 'rateHang',
  truncated: 'rateTruncated',
  malformed: 'rateMalformed',
  schemaViolation: 'rateSchemaViolation',
} as const satisfies Record<SimulatorFaultKind, keyof SimulatorFaults>;

/** Default hold of a hung request: 10 minutes. */
export const DEFAULT_HANG_MS = 600_000;

/** Fault settings after validation, defaults filled in. */
export interface FaultPlan {
  rates: Record<SimulatorFaultKind, number>;
  retryAfterSeconds: number;
  hangMs: number;
  seed: number;
  /** Whether any rate is above zero. */
  active: boolean;
}

/** An OpenAI-style error body. */
export interface FaultErrorBody {
  error: { message: string; type: string; param: null; code: string | null };
}

/** One draw of the fault stream: the fault, if any, and a random source for its details. */
export interface FaultDraw {
  kind: SimulatorFaultKind | undefined;
  random: () => number;
}

/** Validate fault options (rates in [0, 1] that sum to at most 1), naming the field that is wrong. */
export function planFaults(faults: SimulatorFaults = {}, simulatorSeed = 0): FaultPlan {
  const checked = parseOptions(simulatorFaultsSchema, faults, pathUnder('faults'));
  const rates = Object.fromEntries(
    FAULT_KINDS.map((kind) => [kind, checked[RATE_OPTION[kind]] ?? 0]),
  ) as Record<SimulatorFaultKind, number>;
  return {
    rates,
    retryAfterSeconds: checked.retryAfterSeconds ?? 1,
    hangMs: checked.hangMs ?? DEFAULT_HANG_MS,
    seed: checked.seed ?? simulatorSeed,
    active: Object.values(rates).some((rate) => rate > 0),
  };
}

/**
 * The fault for request attempt number `sequence` (from 0): a pure function of the fault seed and
 * the counter, never of the request, so the same request retried draws afresh.
 */
export function drawFault(plan: FaultPlan, sequence: number): FaultDraw {
  const random = createRandom(hash32(`${plan.seed}:fault:${sequence}`));
  if (!plan.active) return { kind: undefined, random };
  const draw = random();
  let threshold = 0;
  for (const kind of FAULT_KINDS) {
    threshold += plan.rates[kind];
    if (draw < threshold) return { kind, random };
  }
  return { kind: undefined, random };
}

export function isContentFault(kind: SimulatorFaultKind): kind is ContentFaultKind {
  return kind === 'truncated' || kind === 'malformed' || kind === 'schemaViolation';
}

/** The HTTP reply to an HTTP fault: status, extra headers and an OpenAI-style error body. */
export function faultReply(
  kind: HttpFaultKind,
  plan: Pick<FaultPlan, 'retryAfterSeconds' | 'hangMs'>,
): { status: number; headers: Record<string, string>; body: FaultErrorBody } {
  const error = (message: string, type: string, code: string | null): FaultErrorBody => ({
    error: { message: `${message} (simulated fault)`, type, param: null, code },
  });
  switch (kind) {
    case 'rateLimit':
      return {
        status: 429,
        headers: { 'retry-after': String(plan.retryAfterSeconds) },
        body: error(
          `Rate limit reached for the simulated model. Please try again in ${plan.retryAfterSeconds}s.`,
          'requests',
          'rate_limit_exceeded',
        ),
      };
    case 'serverError':
      return {
        status: 500,
        headers: {},
        body: error('The server had an error while processing your request.', 'server_error', null),
      };
    case 'unavailable':
      return {
        status: 503,
        headers: {},
        body: error(
          'The engine is currently overloaded, please try again later.',
          'server_error',
          'overloaded',
        ),
      };
    case 'hang':
      return {
        status: 504,
        headers: {},
        body: error(`No answer within ${plan.hangMs} ms.`, 'server_error', 'timeout'),
      };
  }
}

/**
 * A JSON answer made unusable:
 * - `truncated`: cut somewhere in its middle third (a strict prefix of a JSON object never parses);
 * - `malformed`: single-quoted strings and a missing closing brace, or unquoted keys and one brace too many;
 * - `schemaViolation`: still valid JSON, but a required field is missing or has the wrong type.
 */
export function corruptContent(content: string, kind: ContentFaultKind, random: () => number): string {
  switch (kind) {
    case 'truncated': {
      const cut = Math.floor(content.length / 3 + random() * (content.length / 3));
      return content.slice(0, Math.min(Math.max(cut, 1), Math.max(content.length - 1, 0)));
    }
    case 'malformed':
      return random() < 0.5
        ? content.replace(/"/g, "'").replace(/}\s*$/, '')
        : `${content.replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1:')}}`;
    case 'schemaViolation':
      return violateSchema(content, random);
  }
}

function violateSchema(content: string, random: () => number): string {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return JSON.stringify({ answer: content });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return JSON.stringify({ unexpected: value });
  }
  const record = { ...(value as Record<string, unknown>) };
  const [firstKey] = Object.keys(record);
  if (firstKey === undefined) return JSON.stringify({ unexpected: true });
  const first = record[firstKey];
  if (random() < 0.5) {
    // A required field missing: from the first item of a list of objects (a sample without its
    // question), else at the top.
    const item = Array.isArray(first) ? first[0] : undefined;
    const itemKey = typeof item === 'object' && item !== null ? Object.keys(item as object)[0] : undefined;
    if (Array.isArray(first) && itemKey !== undefined) {
      const { [itemKey]: _dropped, ...rest } = item as Record<string, unknown>;
      record[firstKey] = [rest, ...first.slice(1)];
    } else {
      delete record[firstKey];
    }
  } else {
    // The wrong type: a number where a string or list belongs, a string where a number does.
    record[firstKey] = typeof first === 'number' ? String(first) : 42;
  }
  return JSON.stringify(record);
}
