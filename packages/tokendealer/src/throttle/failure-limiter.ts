// Counts failures per key in fixed windows and refuses a key once it has failed `limit` times
// in the current window. Bounded in memory: the oldest entries go first when full.

interface Window {
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

  recordFailure(key: string, now = Date.now()): void {
    const window = this.windows.get(key);
    if (window && now < window.resetAt) {
      window.count++;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.evictOldest(now);
    this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
  }

  private evictOldest(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(key);
    }
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
