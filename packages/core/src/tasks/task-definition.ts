import { z } from 'zod';

/** Names a sample record uses for provenance; a task's own fields may not take them. */
export const RESERVED_FIELD_NAMES = [
  'id',
  'leaf_id',
  'path',
  'drawn',
  'call',
  'fields',
  'origin',
  'method',
] as const;

const fieldName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and underscores, starting with a letter')
  .refine((name) => !(RESERVED_FIELD_NAMES as readonly string[]).includes(name), {
    message: `is reserved for provenance (${RESERVED_FIELD_NAMES.join(', ')})`,
  });

/** Text that says something: not empty, not only spaces. */
const text = z.string().regex(/\S/, 'is blank');

export const sampleFieldSchema = z.object({
  name: fieldName,
  description: text,
});

/** A level of the tree fixed by hand instead of by the criterion stage (MATH's seven subjects). */
export const fixedLevelSchema = z.object({
  dimension: text,
  values: z.array(text).min(2),
});

export const taskDefinitionSchema = z
  .object({
    /** Names the default run folder, runs/<name>-seed<seed>, so it is one safe folder name. */
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'use up to 64 letters, digits, ".", "_" or "-", starting with a letter or digit (it names the run folder)',
      ),
    /** One line: what the data is for. */
    description: text,
    /** The fields every sample has, in order. The first is the sample's main text. */
    fields: z.array(sampleFieldSchema).min(1),
    /** Extra rules every sample must follow. */
    requirements: z.array(text).default([]),
    /** Levels fixed by hand, from the root down. */
    fixedLevels: z.array(fixedLevelSchema).default([]),
    /**
     * What curation's answer step writes for a sample (docs/curate.md): the answer fields, in order,
     * and how to answer. Without it a generic or custom task gets one `answer` field.
     */
    answer: z
      .object({ fields: z.array(sampleFieldSchema).min(1), instructions: text.optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((task, context) => {
    const seen = new Set<string>();
    task.fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        context.addIssue({
          code: 'custom',
          path: ['fields', index, 'name'],
          message: `duplicate field "${field.name}"`,
        });
      }
      seen.add(field.name);
    });
  });

export type TaskDefinition = z.output<typeof taskDefinitionSchema>;
export type TaskDefinitionInput = z.input<typeof taskDefinitionSchema>;

/** The field that holds a sample's main text (used for display, dedup and embedding). */
export function primaryField(task: TaskDefinition): string {
  return task.fields[0]!.name;
}
