import { STAGE_SCHEMA_NAMES, StructuredOutputError, type TaskDefinition } from '@treesynth/core';
import { generateObject, judgePrompt } from '@treesynth/core/internal';
import { z } from 'zod';
import type { JudgeSettings } from '../pipeline/curation-config.js';
import type { CurationRow, CurationStep, StepOutcome } from '../pipeline/curation-step.js';
import { sampleFields } from './answer-step.js';
import { taskAnswer } from './task-answers.js';

const score = z.number().int().min(1).max(5);

/** The row's task fields and answer fields, what the judge reads. */
function judgedFields(task: TaskDefinition, row: CurationRow): Record<string, string> {
  const answerFields = taskAnswer(task)?.fields.map((field) => field.name) ?? ['answer'];
  const fields = sampleFields(task, row);
  for (const name of answerFields) if (typeof row[name] === 'string') fields[name] = row[name] as string;
  return fields;
}

/**
 * The judge step: the model scores each row 1-5 on every rubric criterion (structured output through
 * core's generateObject); a row whose mean score is under `threshold` goes. Scores stay on the row.
 */
export function judgeStep(settings: JudgeSettings, task: TaskDefinition): CurationStep {
  const schema = z
    .object({
      scores: z
        .object(Object.fromEntries(settings.criteria.map((criterion) => [criterion.name, score])))
        .strict(),
    })
    .strict();
  return {
    id: 'judge',
    kind: 'row',
    settings,
    async run(row, context): Promise<StepOutcome> {
      const model = context.model(settings.model);
      const path = Array.isArray(row.path) ? (row.path as { dimension: string; value: string }[]) : [];
      let scores: Record<string, number>;
      try {
        const { object } = await generateObject({
          generate: (options) => model.doGenerate(options),
          schema,
          schemaName: STAGE_SCHEMA_NAMES.judge,
          messages: judgePrompt({ task, path, criteria: settings.criteria, sample: judgedFields(task, row) }),
          temperature: settings.temperature,
          callKey: `curate:judge:${row.id}`,
          stage: 'judge',
          signal: context.signal,
        });
        scores = object.scores as Record<string, number>;
      } catch (error) {
        if (StructuredOutputError.isInstance(error))
          return { id: row.id, removed: { reason: 'unusable judgement' } };
        throw error;
      }
      const values = settings.criteria.map((criterion) => scores[criterion.name]!);
      const mean = values.reduce((total, value) => total + value, 0) / values.length;
      const judge = { scores, mean };
      if (mean < settings.threshold)
        return { id: row.id, removed: { reason: 'low judge score', details: judge } };
      return { id: row.id, row: { ...row, judge } };
    },
  };
}
