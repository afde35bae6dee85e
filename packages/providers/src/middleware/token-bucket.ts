/**
 * A token bucket that refills continuously at `perMinute / 60 000` tokens per millisecond up to
 * `capacity` (one minute's worth). It starts full. Its level may go below zero: a call that used more
 * tokens than it was charged leaves a debt that later calls wait for. Internal to the rate limiter.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly #perMs: number;
  #level: number;
  #updatedAt: number;

  constructor(perMinute: number, now: number) {
    this.capacity = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#level = perMinute;
    this.#updatedAt = now;
  }

  /** Milliseconds until `amount` tokens are in the bucket; 0 when they are there now. */
  waitMs(amount: number, now: number): number {
    this.#refill(now);
    const missing = Math.min(amount, this.capacity) - this.#level;
    return missing <= 0 ? 0 : missing / this.#perMs;
  }

  /** Take `amount` tokens (the caller checked `waitMs` first). */
  take(amount: number, now: number): void {
    this.#refill(now);
    this.#level -= amount;
  }

  /** Put tokens back (a refund), or take more when `amount` is negative (a correction). */
  give(amount: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.capacity, this.#level + amount);
  }

  #refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) this.#level = Math.min(this.capacity, this.#level + elapsed * this.#perMs);
    this.#updatedAt = Math.max(this.#updatedAt, now);
  }
}
