import type { ProblemScore, ScoreContext } from '../bench/benchmark.js';

/**
 * Runs a solution's full program in the context's sandbox: `pass@1` is true when it exits 0 within
 * its limits. `extracted` is the solution (the code read from the reply, without the tests).
 */
export async function scoreProgram(
  solution: string,
  program: string,
  context: ScoreContext,
): Promise<ProblemScore> {
  const execution = await context.sandbox.run(program, {}, { signal: context.signal });
  return {
    extracted: solution,
    verdicts: { 'pass@1': execution.status === 'ok' },
    execution,
  };
}
