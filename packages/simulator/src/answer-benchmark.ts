import { applyStops, type BenchEndpoint, benchAnswer, benchDraw } from './bench-answers.js';
import type { BenchIndex } from './bench-index.js';

/** What the simulator needs to answer benchmark prompts. */
export interface BenchAnswerOptions {
  seed?: number;
  /** Chance that a recognised benchmark problem is answered correctly (see `benchDraw`). */
  benchAccuracy?: number;
  /** The shipped benchmark sets; loaded by the server on the first request that may need them. */
  bench?: BenchIndex;
}

/** The default of `benchAccuracy`: a placeholder, not a claim about any model. */
export const DEFAULT_BENCH_ACCURACY = 0.5;

/**
 * The answer to a benchmark prompt (`text`: the last user message, or a completion prompt), or
 * undefined when it holds no shipped problem. The request's `seed` is the sample index; its `stop`
 * sequences cut the answer as an endpoint would.
 */
export function answerBenchmarkPrompt(
  text: string,
  endpoint: BenchEndpoint,
  request: { seed?: unknown; stop?: unknown },
  options: BenchAnswerOptions,
): string | undefined {
  const entry = options.bench?.recognise(text);
  if (!entry) return undefined;
  const sample = typeof request.seed === 'number' && Number.isInteger(request.seed) ? request.seed : 0;
  const draw = benchDraw(
    options.seed ?? 0,
    entry.id,
    sample,
    options.benchAccuracy ?? DEFAULT_BENCH_ACCURACY,
  );
  const stops =
    typeof request.stop === 'string' ? [request.stop] : Array.isArray(request.stop) ? request.stop : [];
  return applyStops(
    benchAnswer(entry, draw, endpoint, text),
    stops.filter((stop): stop is string => typeof stop === 'string'),
  );
}
