import { z } from 'zod';

/**
 * Limits on how model calls are made: per-attempt timeout, attempts, and the endpoint's rate limits.
 * The one source of their bounds for the CLI's flags (a timeout above 2^31-1 ms would become 1 ms in
 * Node's timers, and unbounded attempts retry for ever).
 */
export const callLimitsSchema = z
  .object({
    /** Up to a day. */
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(86_400_000)
      .optional()
      .describe('give up on one attempt of a call after this long'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('attempts per call (the first included) on 429, 5xx, timeouts and resets'),
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .optional()
      .describe('requests per minute allowed at the endpoint(s)'),
    /** Below 1 000 no request fits: each is charged at least its expected completion. */
    tokensPerMinute: z
      .number()
      .int()
      .min(1_000)
      .max(10_000_000_000)
      .optional()
      .describe('tokens per minute allowed at the endpoint(s)'),
  })
  .strict();

export type CallLimits = z.output<typeof callLimitsSchema>;
