/** A step of `compareDatasets` or `buildReport`, with a one-line `message` ready to show. */
export type CompareProgress =
  | { kind: 'rows-skipped'; dataset: string; skipped: number; message: string }
  | { kind: 'rows'; dataset: string; done: number; total: number; etaMs: number; message: string }
  | { kind: 'embedded'; dataset: string; texts: number; milliseconds: number; message: string }
  | { kind: 'scored'; dataset: string; milliseconds: number; message: string }
  | { kind: 'tsne-iteration'; iteration: number; iterations: number; message: string }
  | { kind: 'tsne-done'; points: number; kl: number; milliseconds: number; message: string };

export const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)}s`;

/**
 * An `onProgress` that writes each event's message, but t-SNE iterations at most once per `everyMs`
 * (they come many a second).
 */
export function compareProgressWriter(
  write: (line: string) => void,
  everyMs = 5000,
): (event: CompareProgress) => void {
  let lastIteration = Number.NEGATIVE_INFINITY;
  return (event) => {
    if (event.kind === 'tsne-iteration') {
      if (performance.now() - lastIteration < everyMs) return;
      lastIteration = performance.now();
    }
    write(event.message);
  };
}
