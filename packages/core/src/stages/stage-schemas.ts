import { z } from 'zod';
import type { TaskDefinition } from '../tasks/task-definition.js';

function buildSamplesSchema(task: TaskDefinition) {
  const shape: Record<string, z.ZodString> = {};
  for (const field of task.fields) shape[field.name] = z.string();
  return z.object({ samples: z.array(z.object(shape).strict()) }).strict();
}

const samplesSchemas = new WeakMap<TaskDefinition, ReturnType<typeof buildSamplesSchema>>();

/**
 * `{ samples: [{ <field>: string, ... }] }` for a task's fields; used by the pivot and leaf stages.
 * Built once per task object: leaf calls run by the million.
 */
export function samplesSchema(task: TaskDefinition) {
  let schema = samplesSchemas.get(task);
  if (!schema) {
    schema = buildSamplesSchema(task);
    samplesSchemas.set(task, schema);
  }
  return schema;
}

export const criterionSchema = z
  .object({
    dimension: z.string().min(1),
    assignments: z
      .array(z.object({ value: z.string().min(1), pivots: z.array(z.number().int()) }).strict())
      .min(1),
  })
  .strict();

export const coverageSchema = z
  .object({
    status: z.enum(['complete', 'open-ended', 'no-new-values']),
    new_values: z.array(z.string()),
  })
  .strict();

/** A route answer: the option chosen, copied from the prompt's Options section. */
export const routeSchema = z.object({ value: z.string() }).strict();
