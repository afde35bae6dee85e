import { TreeSynthError } from './treesynth-error.js';

/** Work stopped because its AbortSignal fired (Ctrl-C, a timeout). The run stays resumable. */
export class AbortedError extends TreeSynthError {
  constructor(reason?: unknown) {
    super({ code: 'aborted', message: 'aborted', cause: reason });
    this.name = 'AbortedError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}
