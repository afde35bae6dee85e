import { TreeSynthError } from '@treesynth/core';
import { scrubSecrets } from '@treesynth/core/internal';

/** Exit codes: 0 done, 1 the run failed (endpoint, model), 2 bad input, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export function exitCodeFor(error: unknown): number {
  if (TreeSynthError.isInstance(error)) {
    if (error.code === 'config' || error.code === 'run-store') return EXIT.usage;
    if (error.code === 'aborted') return EXIT.interrupted;
  }
  return EXIT.failed;
}

/** An error as one line, secrets removed. */
export function oneLine(error: unknown, ...secrets: (string | undefined)[]): string {
  const message = error instanceof Error ? error.message : String(error);
  return scrubSecrets(message.split('\n')[0] ?? message, secrets);
}
