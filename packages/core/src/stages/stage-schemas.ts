import { z } from 'zod';
import type { TaskDefinition } from '../tasks/task-definition.js';

/** `{ samples: [{ <field>: string, ... }] }` for a task's fields; used by the pivot and leaf stages. */
export function samplesSchema(task: TaskDefinition) {
  const shape: Record<string, z.ZodString> = {};
  for (const field of task.fields) shape[field.name] = z.string();
  return z.object({ samples: z.array(z.object(shape).strict()) }).strict();
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
