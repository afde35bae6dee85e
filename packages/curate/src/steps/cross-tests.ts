import type { CodeSandbox } from '@treesynth/eval';
import type { VerifySettings } from '../pipeline/curation-config.js';
import type { CurationRow, StepContext, StepOutcome } from '../pipeline/curation-step.js';
import { askVotes } from './answer-step.js';
import type { TaskAnswer } from './task-answers.js';

/** The assert lines of a tests field. */
function assertLines(tests: unknown): string[] {
  return typeof tests === 'string' ? tests.split('\n').filter((line) => /^\s*assert\b/.test(line)) : [];
}

/** A program that runs `solution`, then each test on its own, and prints how many passed. */
function countingProgram(solution: string, tests: readonly string[]): string {
  return [
    solution,
    '',
    `_treesynth_tests = ${JSON.stringify(tests.map((line) => line.trim()))}`,
    '_treesynth_passed = 0',
    'for _treesynth_test in _treesynth_tests:',
    '    try:',
    '        exec(_treesynth_test, globals())',
    '        _treesynth_passed += 1',
    '    except Exception:',
    '        pass',
    'print(_treesynth_passed)',
    '',
  ].join('\n');
}

/**
 * CodeT-style cross-testing (docs/curate.md): the row's solution and `samples` more (request seeds
 * 1..n), each run against the pooled, de-duplicated assert lines of all of them; the solution that
 * passes most tests (a tie to the earliest) becomes the row's `output` with its own `tests`, and the
 * row stays when it passes at least `minAgreement` of the pool.
 */
export async function crossTests(
  row: CurationRow,
  answer: TaskAnswer,
  sandbox: CodeSandbox,
  settings: VerifySettings,
  model: string | undefined,
  context: StepContext,
): Promise<StepOutcome> {
  const votes = await askVotes(row, answer, settings, model, context);
  const candidates = [
    { output: row.output, tests: row.tests },
    ...votes.filter((vote) => vote !== undefined),
  ].filter(
    (candidate): candidate is { output: string; tests: unknown } =>
      typeof candidate.output === 'string' && candidate.output.trim() !== '',
  );
  const pool = [
    ...new Set(candidates.flatMap((candidate) => assertLines(candidate.tests).map((line) => line.trim()))),
  ];
  if (candidates.length === 0 || pool.length === 0)
    return { id: row.id, removed: { reason: 'no tests', details: {} } };
  const passed: number[] = [];
  for (const candidate of candidates) {
    const result = await sandbox.run(
      countingProgram(candidate.output, pool),
      { timeoutMs: settings.timeoutMs },
      { signal: context.signal },
    );
    const count = result.status === 'ok' ? Number(result.stdout.trim().split('\n').at(-1)) : 0;
    passed.push(Number.isFinite(count) ? count : 0);
  }
  const best = passed.indexOf(Math.max(...passed));
  const verification = {
    method: 'cross-tests',
    passed: passed[best]!,
    tests: pool.length,
    candidates: candidates.length,
    replaced: best !== 0,
  };
  if (passed[best]! / pool.length < settings.minAgreement)
    return { id: row.id, removed: { reason: 'tests failed', details: { ...verification, scores: passed } } };
  const chosen = candidates[best]!;
  return { id: row.id, row: { ...row, output: chosen.output, tests: chosen.tests, verification } };
}
