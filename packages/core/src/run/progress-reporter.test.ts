import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../engine/tree-synth-engine.js';
import { createProgressReporter, formatProgress } from './progress-reporter.js';

const PROGRESS: RunProgress = {
  nodesSplit: 3,
  nodesPending: 2,
  leaves: 7,
  leafCallsDone: 4,
  leafCallsFailed: 1,
  leafCallsPlanned: 9,
  samples: 12_345,
  calls: 40,
  cachedCalls: 5,
  tokens: 2_500_000,
  elapsedMs: 1500,
  treeComplete: false,
};

/** A stream that keeps what is written to it. */
function collector(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

describe('formatProgress', () => {
  it('puts elapsed time, tree, leaf calls, samples, calls and tokens on one line', () => {
    expect(formatProgress(PROGRESS)).toBe(
      '1.5s  tree: 3 split, 2 pending, 7 leaves  leaf calls 4/9 (1 failed)  samples 12k  calls 40 +5 cached  tokens 2.5M',
    );
    expect(formatProgress({ ...PROGRESS, treeComplete: true, leafCallsFailed: 0, cachedCalls: 0 })).toBe(
      '1.5s  tree done: 3 split, 7 leaves  leaf calls 4/9  samples 12k  calls 40  tokens 2.5M',
    );
  });
});

describe('createProgressReporter', () => {
  it('prints the latest progress with its label, and log lines on their own lines', async () => {
    const stream = collector(false);
    const reporter = createProgressReporter({ label: 'job', stream });
    reporter.update(PROGRESS);
    reporter.logger.warn('slow endpoint');
    reporter.logger.debug('hidden');
    reporter.stop();
    reporter.stop();
    const lines = stream.text().split('\n');
    expect(lines[0]).toBe(`job  ${formatProgress(PROGRESS)}`);
    expect(lines).toContain('warning: slow endpoint');
    expect(stream.text()).not.toContain('hidden');
    expect(lines.filter((line) => line.startsWith('job  '))).toHaveLength(2);
  });

  it('rewrites one line on a terminal and ends it before a log line', () => {
    const stream = collector(true);
    const reporter = createProgressReporter({ label: 'job', stream, debug: true });
    reporter.update(PROGRESS);
    reporter.logger.debug('shown');
    reporter.stop();
    expect(stream.text().startsWith('\r\u001b[2Kjob  1.5s')).toBe(true);
    expect(stream.text()).toContain('\ndebug: shown\n');
  });

  it('quiet: no progress and no info, warnings still', () => {
    const stream = collector(false);
    const reporter = createProgressReporter({ label: 'job', stream, quiet: true });
    reporter.update(PROGRESS);
    reporter.logger.info('info');
    reporter.logger.warn('careful');
    reporter.stop();
    expect(stream.text()).toBe('warning: careful\n');
  });
});
