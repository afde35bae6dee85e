import { z } from 'zod';

/**
 * Limits on how model calls are made: per-attempt timeout, attempts, and the endpoint's rate limits.
 * The one source of their bounds for the CLI's flags (a timeout above 2^31-1 ms would become 1 ms in
 * Node's timers, and unbounded attempts retry for ever).
 */
export const callLimitsSchema = z
  .object({
    /** Time one attempt of a call may take: up to a day. */
    timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
    /** Attempts per call, the first included. */
    maxAttempts: z.number().int().min(1).max(100).optional(),
    requestsPerMinute: z.number().int().min(1).max(10_000_000).optional(),
    /** Below 1 000 no request fits: each is charged at least its expected completion. */
    tokensPerMinute: z.number().int().min(1_000).max(10_000_000_000).optional(),
  })
  .strict();

export type CallLimits = z.output<typeof callLimitsSchema>;
