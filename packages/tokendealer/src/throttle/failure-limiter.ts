// Counts failures per key in fixed windows and refuses a key once it has failed its limit in the
// current window. Bounded in memory: when full, the oldest entry goes (O(1)), and expired entries
// are swept by housekeeping. With shared counts (the database, see shared-failures.ts), a key is
// also refused once all instances together reached the limit.
import type { ThrottleKey, ThrottleKind } from './throttle-key.js';

export interface Window {
  count: number;
  resetAt: number;
}

/** The failures of all instances: what the limiter shares and learns beyond its own window. */
export interface SharedCounts {
  /** Milliseconds until the key may try again by the shared count, or 0; only ever a lookup in memory. */
  blockedFor(key: ThrottleKey, now: number): number;
  /** Adds a failure to the shared count, in the background; at `limit`, the key is blocked everywhere. */
  record(key: ThrottleKey, limit: number, windowMs: number, now: number): void;
  /** Whether an operator cleared the key's failures (`tokendealer throttle clear`) at or after `since`; a lookup in memory. */
  clearedSince(key: ThrottleKey, since: number): boolean;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  /**
   * `limits` gives each kind of key this limiter counts its one limit: a key's limit follows from
   * its kind alone, so every failure of a key, on every instance, is counted against the same
   * limit (as long as the instances share their configuration).
   */
  constructor(
    private readonly windowMs: number,
    private readonly limits: Partial<Record<ThrottleKind, number>>,
    private readonly shared?: SharedCounts,
    private readonly maxKeys = 100_000,
  ) {}

  private limitOf(key: ThrottleKey): number {
    const limit = this.limits[key.kind];
    if (limit === undefined) throw new Error(`no failure limit for ${key.kind} keys`);
    return limit;
  }

  /**
   * Milliseconds until the key may try again, or 0 when it may try now: blocked when this
   * instance's own window or the shared count says so. The own window counts a subset of the
   * shared failures, so it only ever blocks sooner (before the shared count has caught up), and it
   * is what remains when the database is away.
   */
  blockedFor(key: ThrottleKey, now = Date.now()): number {
    return Math.max(this.locallyBlockedFor(key, now), this.shared?.blockedFor(key, now) ?? 0);
  }

  private locallyBlockedFor(key: ThrottleKey, now: number): number {
    const window = this.windows.get(key.id);
    if (!window) return 0;
    if (now >= window.resetAt) {
      this.windows.delete(key.id);
      return 0;
    }
    if (window.count < this.limitOf(key)) return 0;
    // Cleared by an operator after this window began: its failures no longer count.
    if (this.shared?.clearedSince(key, window.resetAt - this.windowMs)) {
      this.windows.delete(key.id);
      return 0;
    }
    return window.resetAt - now;
  }

  /** Counts a failure here and in the shared counts. */
  recordFailure(key: ThrottleKey, now = Date.now()): void {
    this.countHere(key, now);
    this.share(key, now);
  }

  /**
   * Counts a failure in this instance only; the returned window lets `forgive` take it back (an
   * attempt counted before its outcome was known). Once the outcome is a failure, `share` it.
   */
  countHere(key: ThrottleKey, now = Date.now()): Window {
    const window = this.windows.get(key.id);
    if (window && now < window.resetAt) {
      window.count++;
      return window;
    }
    this.windows.delete(key.id);
    if (this.windows.size >= this.maxKeys) {
      // Map keeps insertion order: the first entry is the oldest window.
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
    const fresh = { count: 1, resetAt: now + this.windowMs };
    this.windows.set(key.id, fresh);
    return fresh;
  }

  /** Adds a failure already counted here to the shared counts. */
  share(key: ThrottleKey, now = Date.now()): void {
    this.shared?.record(key, this.limitOf(key), this.windowMs, now);
  }

  /** Takes back one failure counted in `window`, unless that window has ended or been replaced. */
  forgive(key: ThrottleKey, window: Window): void {
    if (this.windows.get(key.id) === window && window.count > 0) window.count--;
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
