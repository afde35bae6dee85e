import { createRequire } from 'node:module';
import type { ComputeEngine, Expression } from '@cortex-js/compute-engine';
import { numbersClose } from './numeric-value.js';

/**
 * Symbolic equivalence of two LaTeX expressions through the Compute Engine
 * (`@cortex-js/compute-engine`, a maintained CAS that parses LaTeX).
 *
 * Both sides are parsed; an equation `a = b` becomes `a − b`. Expressions without unknowns are
 * evaluated numerically (machine precision) and compared with the numeric tolerance; expressions
 * with unknowns are evaluated at three fixed points (each unknown gets a different
 * irrational-looking value, of mixed signs; complex values are compared as complex numbers) and must agree at all three:
 * a difference of polynomials or rational functions that is not identically zero vanishes at
 * three such points only by accident. When evaluation gives no number, the engine's own
 * `isEqual` decides (true only when it says true).
 *
 * Bounds: inputs longer than `maxLength` characters are not sent to the CAS (false), and each
 * comparison runs under `ce.withTimeLimit`, which cancels evaluation past `timeLimitMs`;
 * a cancelled comparison is false. Parsing is not interruptible, hence the length cap.
 * The engine (~0.4 s to load) is required lazily on the first comparison that reaches it.
 */
export interface CasOptions {
  readonly timeLimitMs: number;
  readonly maxLength: number;
  readonly relativeTolerance: number;
  readonly absoluteTolerance: number;
}

type ComputeEngineModule = typeof import('@cortex-js/compute-engine');
let library: ComputeEngineModule | undefined;
let engine: ComputeEngine | undefined;

function computeEngine(): ComputeEngine {
  if (engine === undefined) {
    library = createRequire(import.meta.url)('@cortex-js/compute-engine') as ComputeEngineModule;
    engine = new library.ComputeEngine();
    engine.precision = 'machine';
  }
  return engine;
}

const PARSE_CACHE_SIZE = 4096;
const parsed = new Map<string, Expression | null>();

function parseLatex(ce: ComputeEngine, latex: string): Expression | null {
  const cached = parsed.get(latex);
  if (cached !== undefined) return cached;
  let expression: Expression | null = null;
  try {
    const result = ce.parse(latex);
    expression = result.isValid ? result : null;
  } catch {
    expression = null;
  }
  if (parsed.size >= PARSE_CACHE_SIZE) parsed.clear();
  parsed.set(latex, expression);
  return expression;
}

/** Values given to unknowns: mixed signs, so `|x|` and `\sqrt{x^2}` are not taken for `x`. */
const SAMPLE_VALUES = [0.6180339887, -Math.SQRT2, Math.E, -1.7320508076, 0.5772156649, -3.3166247904];

/** Whether `a` and `b` (already normalised LaTeX) denote the same value for the CAS. */
export function casEquivalent(a: string, b: string, options: CasOptions): boolean {
  if (a.length > options.maxLength || b.length > options.maxLength) return false;
  const ce = computeEngine();
  try {
    return ce.withTimeLimit(options.timeLimitMs, () => compare(ce, a, b, options));
  } catch {
    return false; // a CancellationError (time limit) or an engine failure
  }
}

function compare(ce: ComputeEngine, a: string, b: string, options: CasOptions): boolean {
  const left = parseLatex(ce, a);
  const right = parseLatex(ce, b);
  if (left === null || right === null) return false;
  const equations = Number(left.operator === 'Equal') + Number(right.operator === 'Equal');
  if (equations === 1) return false;
  if (equations === 2) {
    // `a = b` and `c = d` are the same equation when a − b is a constant non-zero multiple of c − d.
    return proportionalAtPoints(difference(ce, left), difference(ce, right), options);
  }
  const verdict = agreeAtPoints(left, right, options);
  if (verdict !== undefined) return verdict;
  return left.isEqual(right) === true;
}

function difference(ce: ComputeEngine, equation: Expression): Expression {
  const [lhs, rhs] = library?.isFunction(equation) ? equation.ops : [];
  return lhs === undefined || rhs === undefined ? equation : ce.box(['Subtract', lhs, rhs]);
}

/** The unknowns of both sides, and their values at sample point `point`. */
function samplePoint(unknowns: readonly string[], point: number): Record<string, number> {
  const substitution: Record<string, number> = {};
  unknowns.forEach((name, index) => {
    substitution[name] = (SAMPLE_VALUES[(3 * index + point) % SAMPLE_VALUES.length] ?? 1) + index / 10;
  });
  return substitution;
}

function proportionalAtPoints(left: Expression, right: Expression, options: CasOptions): boolean {
  const unknowns = [...new Set([...left.unknowns, ...right.unknowns])].sort();
  let ratio: number | undefined;
  for (let point = 0; point < 3; point++) {
    const substitution = samplePoint(unknowns, point);
    const x = left.subs(substitution).N();
    const y = right.subs(substitution).N();
    if (!isNumber(x) || !isNumber(y) || x.im !== 0 || y.im !== 0 || y.re === 0) return false;
    const value = x.re / y.re;
    if (ratio === undefined) ratio = value;
    else if (!numbersClose(ratio, value, options.relativeTolerance, options.absoluteTolerance)) return false;
  }
  return ratio !== undefined && ratio !== 0;
}

/** true/false when both sides evaluate to numbers at every sample point, else undefined. */
function agreeAtPoints(left: Expression, right: Expression, options: CasOptions): boolean | undefined {
  const unknowns = [...new Set([...left.unknowns, ...right.unknowns])].sort();
  const points = unknowns.length === 0 ? 1 : 3;
  for (let point = 0; point < points; point++) {
    const substitution = samplePoint(unknowns, point);
    const x = unknowns.length === 0 ? left.N() : left.subs(substitution).N();
    const y = unknowns.length === 0 ? right.N() : right.subs(substitution).N();
    if (!isNumber(x) || !isNumber(y)) return undefined;
    const close =
      numbersClose(x.re, y.re, options.relativeTolerance, options.absoluteTolerance) &&
      numbersClose(x.im, y.im, options.relativeTolerance, options.absoluteTolerance);
    if (!close) return false;
  }
  return true;
}

function isNumber(value: Expression): boolean {
  return library?.isNumber(value) === true && !Number.isNaN(value.re) && !Number.isNaN(value.im);
}
