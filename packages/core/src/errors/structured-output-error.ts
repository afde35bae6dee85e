import { TreeSynthError } from './treesynth-error.js';

/** The model's answer was not JSON matching the requested schema, after the bounded repairs. */
export class StructuredOutputError extends TreeSynthError {
  readonly schemaName: string;
  readonly attempts: number;
  readonly lastText: string;
  constructor(options: { schemaName: string; attempts: number; reason: string; lastText: string }) {
    super({
      code: 'structured-output',
      message: `${options.schemaName}: no valid answer after ${options.attempts} attempt(s): ${options.reason}`,
    });
    this.name = 'StructuredOutputError';
    this.schemaName = options.schemaName;
    this.attempts = options.attempts;
    this.lastText = options.lastText;
  }
}
