import { TreeSynthError } from './treesynth-error.js';

/** Invalid configuration or input: names the field path or file and line that was wrong. */
export class ConfigError extends TreeSynthError {
  readonly path: string;
  constructor(options: { path: string; message: string; cause?: unknown }) {
    super({
      code: 'config',
      message: options.path ? `${options.path}: ${options.message}` : options.message,
      cause: options.cause,
    });
    this.name = 'ConfigError';
    this.path = options.path;
  }
}
