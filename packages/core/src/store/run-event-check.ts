import { leafReasonSchema } from '../tree/tree-schema.js';
import type { RunEvent } from './run-events.js';
import { runStatusSchema } from './run-manifest.js';

/**
 * A quick check of the common events (calls, leaf calls, splits, leaves, run start and end, budget)
 * for `readJsonl`, which replays tens of thousands of them on every resume: true only when
 * `runEventSchema` would accept the value and return it unchanged (the same fields, in the schema's
 * order, no extra key). Everything else, a bad line included, goes to the schema, so errors and
 * what the schema strips or reorders stay its own.
 */
export function isPlainRunEvent(value: unknown): value is RunEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'call':
      return (
        hasKeys(value, CALL_KEYS) &&
        typeof value.stage === 'string' &&
        typeof value.key === 'string' &&
        isUsage(value.usage) &&
        typeof value.cached === 'boolean' &&
        isNumber(value.ms)
      );
    case 'leaf-call':
      return (
        hasKeys(value, LEAF_CALL_KEYS) &&
        typeof value.leaf === 'string' &&
        isInteger(value.index) &&
        isInteger(value.samples) &&
        (value.size === undefined || isInteger(value.size)) &&
        (value.rowsEnd === undefined || (isInteger(value.rowsEnd) && value.rowsEnd >= 0))
      );
    case 'node-split':
      return hasKeys(value, NODE_SPLIT_KEYS) && typeof value.node === 'string' && isNodeSplit(value.split);
    case 'node-leaf':
      return (
        hasKeys(value, NODE_LEAF_KEYS) &&
        typeof value.node === 'string' &&
        LEAF_REASONS.has(value.reason as string) &&
        (value.detail === undefined || isStringArray(value.detail))
      );
    case 'run-start':
      return (
        hasKeys(value, RUN_START_KEYS) && typeof value.at === 'string' && typeof value.resumed === 'boolean'
      );
    case 'run-end':
      return (
        hasKeys(value, RUN_END_KEYS) &&
        typeof value.at === 'string' &&
        END_STATUSES.has(value.status as string) &&
        (value.error === undefined || typeof value.error === 'string')
      );
    case 'budget':
      return (
        hasKeys(value, BUDGET_KEYS) &&
        isNumber(value.maxSamples) &&
        isNumber(value.demand) &&
        isNumber(value.planned) &&
        isNumber(value.leaves)
      );
    default:
      return false;
  }
}

/** An object's keys in order; `?` marks one that may be absent. */
type Keys = readonly (readonly [name: string, optional: boolean])[];

const keys = (...names: string[]): Keys =>
  names.map((name): readonly [string, boolean] =>
    name.endsWith('?') ? [name.slice(0, -1), true] : [name, false],
  );

const CALL_KEYS = keys('type', 'stage', 'key', 'usage', 'cached', 'ms');
const USAGE_KEYS = keys('promptTokens', 'completionTokens', 'cachedPromptTokens?');
const LEAF_CALL_KEYS = keys('type', 'leaf', 'index', 'samples', 'size?', 'rowsEnd?');
const NODE_SPLIT_KEYS = keys('type', 'node', 'split');
const SPLIT_KEYS = keys(
  'dimension',
  'values',
  'infinite',
  'fixed',
  'pivots',
  'assignments',
  'coverageRounds',
  'rejections',
);
const ASSIGNMENT_KEYS = keys('value', 'pivots');
const NODE_LEAF_KEYS = keys('type', 'node', 'reason', 'detail?');
const RUN_START_KEYS = keys('type', 'at', 'resumed');
const RUN_END_KEYS = keys('type', 'at', 'status', 'error?');
const BUDGET_KEYS = keys('type', 'maxSamples', 'demand', 'planned', 'leaves');

const LEAF_REASONS: ReadonlySet<string> = new Set(leafReasonSchema.options);
const END_STATUSES: ReadonlySet<string> = new Set(
  runStatusSchema.options.filter((status) => status !== 'running'),
);

/** A plain object (what `JSON.parse` makes), not an array. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object's own keys are exactly the required ones plus any of the optional ones, in `expected`'s
 * order (the order the schema gives its output); a key present with `undefined` (never from JSON)
 * does not count as present.
 */
function hasKeys(value: Record<string, unknown>, expected: Keys): boolean {
  let at = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    while (at < expected.length && expected[at]![0] !== key) {
      if (!expected[at]![1]) return false;
      at++;
    }
    if (at === expected.length || value[key] === undefined) return false;
    at++;
  }
  for (; at < expected.length; at++) if (!expected[at]![1]) return false;
  return true;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** What `z.number().int()` accepts. */
function isInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function isUsage(value: unknown): boolean {
  return (
    isObject(value) &&
    hasKeys(value, USAGE_KEYS) &&
    isNumber(value.promptTokens) &&
    isNumber(value.completionTokens) &&
    (value.cachedPromptTokens === undefined || isNumber(value.cachedPromptTokens))
  );
}

function isNodeSplit(value: unknown): boolean {
  if (!isObject(value) || !hasKeys(value, SPLIT_KEYS)) return false;
  if (typeof value.dimension !== 'string' || !isStringArray(value.values)) return false;
  if (typeof value.infinite !== 'boolean' || typeof value.fixed !== 'boolean') return false;
  if (!isInteger(value.coverageRounds) || !isStringArray(value.rejections)) return false;
  if (!Array.isArray(value.pivots) || !Array.isArray(value.assignments)) return false;
  for (const pivot of value.pivots) if (!isStringRecord(pivot)) return false;
  for (const assignment of value.assignments) {
    if (!isObject(assignment) || !hasKeys(assignment, ASSIGNMENT_KEYS)) return false;
    if (typeof assignment.value !== 'string' || !Array.isArray(assignment.pivots)) return false;
    for (const pivot of assignment.pivots) if (!isInteger(pivot)) return false;
  }
  return true;
}

/**
 * `z.record(z.string(), z.string())` with nothing it would drop: a `__proto__` key (an own key after
 * `JSON.parse`) is left to the schema.
 */
function isStringRecord(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key === '__proto__' || typeof value[key] !== 'string') return false;
  }
  return true;
}
