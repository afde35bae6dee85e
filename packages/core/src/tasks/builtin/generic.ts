import type { TaskDefinitionInput } from '../task-definition.js';

/** Build a task from a one-line description, with optional requirements and output fields. */
export function genericTask(options: {
  description: string;
  requirements?: string[];
  fields?: { name: string; description: string }[];
  name?: string;
}): TaskDefinitionInput {
  return {
    name: options.name ?? 'generic',
    description: options.description,
    fields: options.fields ?? [{ name: 'text', description: 'the sample' }],
    requirements: options.requirements ?? [],
  };
}
