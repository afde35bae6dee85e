import { parseOptions, pathUnder } from '../config/parse-options.js';
import { readJsonFile } from '../config/read-json-file.js';
import { ConfigError } from '../errors/config-error.js';
import { codeTask } from './builtin/code.js';
import { genericTask } from './builtin/generic.js';
import { gsm8kTask } from './builtin/gsm8k.js';
import { mathTask } from './builtin/math.js';
import { tomTask } from './builtin/tom.js';
import { type TaskDefinition, type TaskDefinitionInput, taskDefinitionSchema } from './task-definition.js';

export const BUILTIN_TASKS: Readonly<Record<string, TaskDefinitionInput>> = {
  gsm8k: gsm8kTask,
  math: mathTask,
  code: codeTask,
  tom: tomTask,
};

export type BuiltinTaskName = 'gsm8k' | 'math' | 'code' | 'tom' | 'generic';

/** Validate a task object, reporting the field path of the first problem. */
export function parseTask(input: unknown, source = 'task'): TaskDefinition {
  return parseOptions(taskDefinitionSchema, input, pathUnder(source, ': '));
}

/**
 * Resolve `--task`: a built-in name, `generic` with a description, or a JSON file with a task object.
 */
export function loadTask(
  reference: string,
  options: { description?: string; requirements?: string[] } = {},
): TaskDefinition {
  if (reference !== 'generic') {
    // A task that is not generic has its own description and rules: refuse rather than ignore.
    const flag =
      options.description !== undefined
        ? '--description'
        : options.requirements !== undefined
          ? '--requirement'
          : undefined;
    if (flag)
      throw new ConfigError({
        path: flag,
        message: `only --task generic takes ${flag}; "${reference}" has its own (write a task JSON file to change it)`,
      });
  }
  if (reference === 'generic') {
    if (!options.description?.trim()) {
      throw new ConfigError({
        path: '--description',
        message: `${options.description === undefined ? 'missing' : 'is blank'}: the generic task needs a one-line description`,
      });
    }
    return parseTask(genericTask({ description: options.description, requirements: options.requirements }));
  }
  const builtin = BUILTIN_TASKS[reference];
  if (builtin) return parseTask(builtin, reference);
  if (!/[./\\]/.test(reference)) {
    throw new ConfigError({
      path: '--task',
      message: `unknown task "${reference}"; use one of ${[...Object.keys(BUILTIN_TASKS), 'generic'].join(', ')}, or a path to a task JSON file`,
    });
  }
  const json = readJsonFile(reference, 'task file');
  return parseTask(json, reference);
}
