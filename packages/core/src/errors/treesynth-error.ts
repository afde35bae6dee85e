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

  /**
   * `TreeSynthError.isInstance(error)` is true for every toolkit error; a subclass's
   * (`ApiCallError.isInstance(error)`) only for errors of that class, compared by name.
   */
  static isInstance<T extends abstract new (...args: never[]) => TreeSynthError>(
    this: T,
    error: unknown,
  ): error is InstanceType<T> {
    if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[marker] !== true)
      return false;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the check was called on.
    return (this as unknown) === TreeSynthError || (error as Error).name === this.name;
  }
}
