import { STAGE_SCHEMA_NAMES, StructuredOutputError, type TaskDefinition } from '@treesynth/core';
import { answerPrompt, generateObject } from '@treesynth/core/internal';
import { z } from 'zod';
import type { AnswerSettings, VerifySettings } from '../pipeline/curation-config.js';
import type { CurationRow, CurationStep, StepContext, StepOutcome } from '../pipeline/curation-step.js';
import { type TaskAnswer, taskAnswer, tomAnswer } from './task-answers.js';

const schemas = new WeakMap<TaskAnswer, z.ZodType<Record<string, string>>>();

function answerSchema(answer: TaskAnswer): z.ZodType<Record<string, string>> {
  let schema = schemas.get(answer);
  if (!schema) {
    schema = z
      .object(Object.fromEntries(answer.fields.map((field) => [field.name, z.string().min(1)])))
      .strict() as unknown as z.ZodType<Record<string, string>>;
    schemas.set(answer, schema);
  }
  return schema;
}

/** The task's own fields of a row, as strings, in the task's order. */
export function sampleFields(task: TaskDefinition, row: CurationRow): Record<string, string> {
  return Object.fromEntries(task.fields.map((field) => [field.name, String(row[field.name] ?? '')]));
}

/**
 * One answer to a row: its answer fields, or `undefined` when the model's reply stayed unusable
 * after its repair. `vote` is the request's seed: 0 for the answer step, 1..n for verification's votes.
 */
export async function askAnswer(
  row: CurationRow,
  answer: TaskAnswer,
  context: StepContext,
  call: { model?: string; temperature: number; vote: number; stage: string },
): Promise<Record<string, string> | undefined> {
  const path = Array.isArray(row.path) ? (row.path as { dimension: string; value: string }[]) : [];
  const model = context.model(call.model);
  try {
    const { object } = await generateObject({
      generate: (options) => model.doGenerate(options),
      schema: answerSchema(answer),
      schemaName: STAGE_SCHEMA_NAMES.answer,
      messages: answerPrompt({
        task: context.task,
        path,
        answerFields: answer.fields,
        instructions: answer.instructions,
        sample: sampleFields(context.task, row),
      }),
      temperature: call.temperature,
      seed: call.vote,
      callKey: `curate:${call.stage}:${row.id}:${call.vote}`,
      stage: call.stage,
      signal: context.signal,
    });
    return object;
  } catch (error) {
    if (StructuredOutputError.isInstance(error)) return undefined;
    throw error;
  }
}

/** The answer step: each row gets its task's answer fields (tom rows their right candidate, no call). */
export function answerStep(settings: AnswerSettings, task: TaskDefinition): CurationStep {
  const answer = taskAnswer(task);
  return {
    id: 'answer',
    kind: 'row',
    settings: { ...settings, fields: answer?.fields ?? 'tom' },
    async run(row, context): Promise<StepOutcome> {
      if (!answer) {
        const text = tomAnswer(row);
        return text === undefined
          ? { id: row.id, removed: { reason: 'no answer', details: { correct: row.correct ?? null } } }
          : { id: row.id, row: { ...row, answer: text } };
      }
      const fields = await askAnswer(row, answer, context, {
        model: settings.model,
        temperature: settings.temperature,
        vote: 0,
        stage: 'answer',
      });
      if (!fields) return { id: row.id, removed: { reason: 'unusable answer' } };
      return { id: row.id, row: { ...row, ...fields } };
    },
  };
}

/** Verification's n votes on a row (seeds 1..n), asked at once; an unusable reply is `undefined`. */
export function askVotes(
  row: CurationRow,
  answer: TaskAnswer,
  settings: VerifySettings,
  model: string | undefined,
  context: StepContext,
) {
  return Promise.all(
    Array.from({ length: settings.samples }, (_, index) =>
      askAnswer(row, answer, context, {
        model,
        temperature: settings.temperature,
        vote: index + 1,
        stage: 'verify',
      }),
    ),
  );
}
