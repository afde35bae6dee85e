import type { SampleFields } from '../spec/sample.js';
import type { TaskDefinition } from '../tasks/task-definition.js';

/** Keep the task's fields only, as strings, in the task's order. */
export function cleanFields(task: TaskDefinition, fields: SampleFields): SampleFields {
  const clean: SampleFields = {};
  for (const field of task.fields) {
    const value = (fields as Record<string, unknown>)[field.name];
    clean[field.name] =
      typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
  }
  return clean;
}
