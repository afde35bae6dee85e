import { setMaxListeners } from 'node:events';

/**
 * Ctrl-C (SIGINT) or SIGTERM aborts the work cleanly: in-flight calls stop, the run folder is marked
 * interrupted and stays resumable. A second Ctrl-C exits at once.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
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
