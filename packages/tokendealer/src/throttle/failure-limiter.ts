// Counts failures per key in fixed windows and refuses a key once it has failed `limit` times
// in the current window. Bounded in memory: when full, the oldest entry goes (O(1)), and
// expired entries are swept by housekeeping. With shared counts (the database, see
// shared-failures.ts), a key is also refused once all instances together reached the limit.

export interface Window {
  count: number;
  resetAt: number;
}

/** The failures of all instances: what the limiter shares and learns beyond its own window. */
export interface SharedCounts {
  /** Milliseconds until the key may try again by the shared count, or 0; only ever a lookup in memory. */
  blockedFor(key: string, now: number): number;
  /** Adds a failure to the shared count, in the background; at `limit`, the key is blocked everywhere. */
  record(key: string, limit: number, windowMs: number, now: number): void;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly shared?: SharedCounts,
    private readonly maxKeys = 100_000,
  ) {}

  /**
   * Milliseconds until the key may try again, or 0 when it may try now: blocked when this
   * instance's own window or the shared count says so. The own window counts a subset of the
   * shared failures, so it only ever blocks sooner (before the shared count has caught up), and it
   * is what remains when the database is away.
   */
  blockedFor(key: string, limit: number, now = Date.now()): number {
    return Math.max(this.locallyBlockedFor(key, limit, now), this.shared?.blockedFor(key, now) ?? 0);
  }

  private locallyBlockedFor(key: string, limit: number, now: number): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    if (now >= window.resetAt) {
      this.windows.delete(key);
      return 0;
    }
    return window.count >= limit ? window.resetAt - now : 0;
  }

  /** Counts a failure here and in the shared counts. */
  recordFailure(key: string, limit: number, now = Date.now()): void {
    this.countHere(key, now);
    this.share(key, limit, now);
  }

  /**
   * Counts a failure in this instance only; the returned window lets `forgive` take it back (an
   * attempt counted before its outcome was known). Once the outcome is a failure, `share` it.
   */
  countHere(key: string, now = Date.now()): Window {
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

  /** Adds a failure already counted here to the shared counts. */
  share(key: string, limit: number, now = Date.now()): void {
    this.shared?.record(key, limit, this.windowMs, now);
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
