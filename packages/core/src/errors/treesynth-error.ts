const marker = Symbol.for('treesynth.error');

/**
 * Base of every error the toolkit throws on purpose. `isInstance` works across duplicated installs,
 * where `instanceof` does not. `code` is stable and maps to the CLI's exit code.
 */
export class TreeSynthError extends Error {
  readonly [marker] = true;
  readonly code: string;

  constructor(options: { code: string; message: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'TreeSynthError';
    this.code = options.code;
  }

  static isInstance(error: unknown): error is TreeSynthError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
