import { setMaxListeners } from 'node:events';
import { createProgressReporter, type Logger, type RunProgress } from '@treesynth/core';
import type { ParsedValues } from './command.js';

/**
 * Ctrl-C (SIGINT) or SIGTERM aborts the work cleanly: in-flight calls stop, the run folder is marked
 * interrupted and stays resumable. A second Ctrl-C exits at once.
 */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${name}: stopping; press Ctrl-C again to quit at once\n`);
    controller.abort(new Error(name));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** What a command's job gets: Ctrl-C as a signal, and progress on stderr (none with --quiet). */
export interface JobContext {
  signal: AbortSignal;
  logger: Logger;
  onProgress(progress: RunProgress): void;
  /** Ends the progress line, before the result is printed. */
  stopProgress(): void;
}

/** Run a command's job with Ctrl-C handling and a progress reporter labelled `label`, both released after. */
export async function runJob<T>(
  values: ParsedValues,
  label: string,
  job: (context: JobContext) => Promise<T>,
): Promise<T> {
  const interrupt = interruptSignal();
  const reporter = createProgressReporter({
    quiet: values.quiet === true,
    label,
    debug: Boolean(process.env.TREESYNTH_DEBUG),
  });
  try {
    return await job({
      signal: interrupt.signal,
      logger: reporter.logger,
      onProgress: reporter.update,
      stopProgress: reporter.stop,
    });
  } finally {
    reporter.stop();
    interrupt.dispose();
  }
}

/** A command's result on stdout: `json` as JSON with --json, else the text. */
export function printResult(values: ParsedValues, json: unknown, text: () => string): void {
  process.stdout.write(values.json === true ? `${JSON.stringify(json, null, 2)}\n` : text());
}
