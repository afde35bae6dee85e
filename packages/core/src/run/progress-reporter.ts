import type { RunProgress } from '../engine/tree-synth-engine.js';
import type { Logger } from '../spec/logger.js';

export interface ProgressReporterOptions {
  /** Put before every progress line, e.g. the program's name. */
  label: string;
  /** No progress and no info lines; warnings still print. */
  quiet?: boolean;
  /** Default `process.stderr`. A terminal gets one line rewritten in place. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Print the logger's debug lines. */
  debug?: boolean;
}

export interface ProgressReporter {
  /** Pass as `onProgress` (openRun's `run`, `runTreeSynth`, `balanceDataset`, ...). */
  update(progress: RunProgress): void;
  /** Prints the last progress line and stops the timer; call once the work ends. */
  stop(): void;
  /** Writes between progress lines without mixing with them. */
  logger: Logger;
}

function compact(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${Math.round(value / 1e3)}k`;
  return String(value);
}

/** One line of a run's progress: elapsed, tree, leaf calls, samples, calls and tokens. */
export function formatProgress(progress: RunProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(1);
  const tree = progress.treeComplete
    ? `tree done: ${progress.nodesSplit} split, ${progress.leaves} leaves`
    : `tree: ${progress.nodesSplit} split, ${progress.nodesPending} pending, ${progress.leaves} leaves`;
  const failed = progress.leafCallsFailed > 0 ? ` (${progress.leafCallsFailed} failed)` : '';
  return `${seconds}s  ${tree}  leaf calls ${progress.leafCallsDone}/${progress.leafCallsPlanned}${failed}  samples ${compact(progress.samples)}  calls ${compact(progress.calls)}${progress.cachedCalls ? ` +${compact(progress.cachedCalls)} cached` : ''}  tokens ${compact(progress.tokens)}`;
}

/**
 * Progress of a long job on a stream (stderr by default): one line rewritten in place on a terminal,
 * a line every few seconds otherwise (logs, CI), and a logger whose warnings always get their own line.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
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
    if (onLine) stream.write('\n');
    onLine = false;
  };
  const timer = setInterval(() => print(false), interval);
  timer.unref();
  let stopped = false;

  return {
    update(progress) {
      latest = progress;
      print(false);
    },
    stop() {
      if (stopped) return;
      stopped = true;
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
        if (!options.debug) return;
        clearLine();
        stream.write(`debug: ${message}\n`);
      },
    },
  };
}
