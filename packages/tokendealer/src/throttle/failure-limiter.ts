// Counts failures per key in fixed windows and refuses a key once it has failed `limit` times
// in the current window. Bounded in memory: when full, the oldest entry goes (O(1)), and
// expired entries are swept by housekeeping.

export interface Window {
  count: number;
  resetAt: number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds until the key may try again, or 0 when it may try now. */
  blockedFor(key: string, limit: number, now = Date.now()): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    if (now >= window.resetAt) {
      this.windows.delete(key);
      return 0;
    }
    return window.count >= limit ? window.resetAt - now : 0;
  }

  /** Counts a failure; the returned window lets `forgive` take it back (an attempt counted before its outcome was known). */
  recordFailure(key: string, now = Date.now()): Window {
    const window = this.windows.get(key);
    if (window && now < window.resetAt) {
      window.count++;
      return window;
    }
    this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) {
      // Map keeps insertion order: the first entry is the oldest window.
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
    const fresh = { count: 1, resetAt: now + this.windowMs };
    this.windows.set(key, fresh);
    return fresh;
  }

  /** Takes back one failure counted in `window`, unless that window has ended or been replaced. */
  forgive(key: string, window: Window): void {
    if (this.windows.get(key) === window && window.count > 0) window.count--;
  }

  /** Drops windows that have ended. */
  sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(key);
    }
  }

  get size(): number {
    return this.windows.size;
  }
}
