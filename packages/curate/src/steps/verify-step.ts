import type { TaskDefinition } from '@treesynth/core';
import { type CodeSandbox, createPythonSandbox } from '@treesynth/eval';
import type { VerifySettings } from '../pipeline/curation-config.js';
import type { CurationRow, CurationStep, StepContext, StepOutcome } from '../pipeline/curation-step.js';
import { askVotes } from './answer-step.js';
import { crossTests } from './cross-tests.js';
import { finalAnswer, majorityVote, sameAnswer } from './final-answer.js';
import { type TaskAnswer, taskAnswer } from './task-answers.js';

/**
 * The verify step (docs/curate.md). GSM8K and MATH: self-consistency, `samples` fresh answers (request
 * seeds 1..n) voted by their final answers; the majority answer and its agreement go on the row, a row
 * under `minAgreement` goes, and a row whose own answer lost the vote takes the majority's first
 * answer. Code: the solution runs against its tests in the Python sandbox; a failure removes the row.
 * Tasks without a checkable answer pass through unchanged.
 */
export function verifyStep(
  settings: VerifySettings,
  task: TaskDefinition,
  answerModel: string | undefined,
  createSandbox: () => CodeSandbox = () => createPythonSandbox(),
): CurationStep {
  const answer = taskAnswer(task);
  let sandbox: CodeSandbox | undefined;
  return {
    id: 'verify',
    kind: 'row',
    settings: { ...settings, model: answerModel ?? null },
    async run(row, context) {
      if (answer?.check === 'code') {
        sandbox ??= createSandbox();
        if (settings.crossTests) return crossTests(row, answer, sandbox, settings, answerModel, context);
        return runTests(row, sandbox, settings, context);
      }
      if (answer?.check === 'gsm8k' || answer?.check === 'math')
        return selfConsistency(row, answer, settings, answerModel, context);
      return { id: row.id, row };
    },
    async close() {
      await sandbox?.close();
      sandbox = undefined;
    },
  };
}

async function selfConsistency(
  row: CurationRow,
  answer: TaskAnswer,
  settings: VerifySettings,
  model: string | undefined,
  context: StepContext,
): Promise<StepOutcome> {
  const votes = await askVotes(row, answer, settings, model, context);
  const finals = votes.map((fields) => (fields ? finalAnswer(answer.check, fields) : null));
  const vote = majorityVote(answer.check, finals);
  const verification = {
    method: 'self-consistency',
    answer: vote.answer,
    agreement: vote.agreement,
    votes: settings.samples,
  };
  if (vote.answer === null || vote.agreement < settings.minAgreement)
    return {
      id: row.id,
      removed: { reason: 'low agreement', details: { ...verification, finals } },
    };
  const own = finalAnswer(answer.check, row);
  const replaced = own === null || !sameAnswer(answer.check, own, vote.answer);
  const majority = votes[vote.members[0]!]!;
  return {
    id: row.id,
    row: { ...row, ...(replaced ? majority : {}), verification: { ...verification, replaced } },
  };
}

async function runTests(
  row: CurationRow,
  sandbox: CodeSandbox,
  settings: VerifySettings,
  context: StepContext,
): Promise<StepOutcome> {
  const output = typeof row.output === 'string' ? row.output : '';
  const tests = typeof row.tests === 'string' ? row.tests : '';
  if (output.trim() === '' || !/\bassert\b/.test(tests))
    return { id: row.id, removed: { reason: 'no tests', details: {} } };
  const result = await sandbox.run(
    `${output}\n\n${tests}\n`,
    { timeoutMs: settings.timeoutMs },
    { signal: context.signal },
  );
  if (result.status === 'ok')
    return { id: row.id, row: { ...row, verification: { method: 'tests', passed: true } } };
  return {
    id: row.id,
    removed: {
      reason: 'tests failed',
      details: { status: result.status, error: result.stderr.trim().split('\n').at(-1) ?? '' },
    },
  };
}
