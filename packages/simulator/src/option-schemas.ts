import { z } from 'zod';

/** Longest wait the simulator holds (a day): Node's timers fire at once past about 24.8 days. */
const MAX_WAIT_MS = 86_400_000;

/** A zod error option that says what was expected and what was given. */
function expected(what: string) {
  return { error: (issue: { input?: unknown }) => `expected ${what}, got ${String(issue.input)}` };
}

/** A chance per request. */
export const rateSchema = z
  .number(expected('a rate in [0, 1]'))
  .min(0, expected('a rate in [0, 1]'))
  .max(1, expected('a rate in [0, 1]'));
/** A wait the simulator holds: a timer of whole milliseconds, at most a day. */
export const millisecondsSchema = z
  .number(expected('milliseconds >= 0'))
  .int(expected('whole milliseconds'))
  .min(0, expected('milliseconds >= 0'))
  .max(MAX_WAIT_MS, expected(`at most ${MAX_WAIT_MS} ms (a day)`));
/** A TCP port; 0 picks a free one. */
export const portSchema = z
  .number(expected('a whole number from 0 to 65535'))
  .int(expected('a whole number from 0 to 65535'))
  .min(0, expected('a whole number from 0 to 65535'))
  .max(65_535, expected('a whole number from 0 to 65535'));
/** Seconds >= 0, fractions allowed. */
export const secondsSchema = z
  .number(expected('a number of seconds >= 0'))
  .min(0, expected('a number of seconds >= 0'));
/** A seed, in the engine's range. */
export const seedSchema = z
  .number(expected('an integer'))
  .int(expected('an integer'))
  .min(0, expected('an integer from 0 to 4294967295'))
  .max(0xffff_ffff, expected('an integer from 0 to 4294967295'));
