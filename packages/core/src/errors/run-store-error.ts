import { TreeSynthError } from './treesynth-error.js';

/** The run folder cannot be used as asked (exists without --resume, config changed, corrupt file). */
export class RunStoreError extends TreeSynthError {
  readonly file: string;
  constructor(options: { file: string; message: string; cause?: unknown }) {
    super({ code: 'run-store', message: `${options.file}: ${options.message}`, cause: options.cause });
    this.name = 'RunStoreError';
    this.file = options.file;
  }
}
