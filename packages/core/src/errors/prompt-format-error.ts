import { TreeSynthError } from './treesynth-error.js';

/** A stage request whose messages do not follow the prompt format (see `prompts/prompt-format.ts`). */
export class PromptFormatError extends TreeSynthError {
  /** The structured-output schema name of the request, e.g. `treesynth_leaf`. */
  readonly schemaName: string;
  /** The section that is missing or malformed, when one is to blame. */
  readonly section: string | undefined;
  constructor(options: { schemaName: string; section?: string; message: string }) {
    super({
      code: 'prompt-format',
      message: `${options.schemaName} request: ${options.section ? `section "${options.section}": ` : ''}${options.message}`,
    });
    this.name = 'PromptFormatError';
    this.schemaName = options.schemaName;
    this.section = options.section;
  }
}
