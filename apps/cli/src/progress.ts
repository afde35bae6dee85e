import type { Logger, RunProgress } from '@treesynth/core';

export interface ProgressReporter {
  update(progress: RunProgress): void;
  stop(): void;
  logger: Logger;
}

function compact(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${Math.round(value / 1e3)}k`;
  return String(value);
}

export function formatProgress(progress: RunProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(1);
  const tree = progress.treeComplete
    ? `tree done: ${progress.nodesSplit} split, ${progress.leaves} leaves`
    : `tree: ${progress.nodesSplit} split, ${progress.nodesPending} pending, ${progress.leaves} leaves`;
  const failed = progress.leafCallsFailed > 0 ? ` (${progress.leafCallsFailed} failed)` : '';
  return `${seconds}s  ${tree}  leaf calls ${progress.leafCallsDone}/${progress.leafCallsPlanned}${failed}  samples ${compact(progress.samples)}  calls ${compact(progress.calls)}${progress.cachedCalls ? ` +${compact(progress.cachedCalls)} cached` : ''}  tokens ${compact(progress.tokens)}`;
}

/**
 * Progress on stderr: one line rewritten in place on a terminal, a line every few seconds otherwise
 * (logs, CI). Warnings always get their own line.
 */
export function createProgressReporter(options: { quiet: boolean; label: string }): ProgressReporter {
  const stream = process.stderr;
  const tty = stream.isTTY === true;
  let latest: RunProgress | undefined;
  let lastPrinted = 0;
  let onLine = false;
  const interval = tty ? 200 : 5000;

  const print = (force: boolean) => {
    if (options.quiet || !latest) return;
    const now = Date.now();
    if (!force && now - lastPrinted < interval) return;
    lastPrinted = now;
    const line = `${options.label}  ${formatProgress(latest)}`;
    if (tty) {
      stream.write(`\r\x1b[2K${line}`);
      onLine = true;
    } else stream.write(`${line}\n`);
  };
  const clearLine = () => {
    if (onLine) {
      stream.write('\n');
      onLine = false;
    }
  };
  const timer = setInterval(() => print(false), interval);
  timer.unref();

  return {
    update(progress) {
      latest = progress;
      print(false);
    },
    stop() {
      clearInterval(timer);
      print(true);
      clearLine();
    },
    logger: {
      info(message) {
        if (options.quiet) return;
        clearLine();
        stream.write(`${message}\n`);
      },
      warn(message) {
        clearLine();
        stream.write(`warning: ${message}\n`);
      },
      debug(message) {
        if (process.env.TREESYNTH_DEBUG) {
          clearLine();
          stream.write(`debug: ${message}\n`);
        }
      },
    },
  };
}
