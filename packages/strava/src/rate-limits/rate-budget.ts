// The application's Strava budget, one per process, learned from the rate-limit headers of every
// response (both windows, overall and reads). Background work (imports, sweeps) stops `margin`
// requests short of each limit, so webhook fetches, links and unlinks still get through, and
// pauses until the window resets instead of running into a 429.
import type { RateLimitReading, WindowPair } from '../strava-client/rate-limit-headers.js';
import { dayOf, nextMidnightAt, nextQuarterAt, quarterOf } from './rate-windows.js';

/** Strava's documented defaults, assumed until the first response says otherwise. */
export const DEFAULT_LIMITS = { overall: [200, 2000] as WindowPair, read: [100, 1000] as WindowPair };

interface Meter {
  limit: WindowPair;
  usage: WindowPair;
  /** Requests sent and not yet answered: they count before their answer does. */
  inFlight: number;
}

export interface Reservation {
  release(): void;
}

export class RateBudget {
  private readonly meters: { overall: Meter; read: Meter };
  private quarter: number;
  private day: number;
  /** Whether a response of the current 15-minute window has been read. */
  private heardThisWindow = false;

  constructor(
    private readonly clock: () => number,
    readonly margin: number,
  ) {
    this.meters = {
      overall: { limit: [...DEFAULT_LIMITS.overall], usage: [0, 0], inFlight: 0 },
      read: { limit: [...DEFAULT_LIMITS.read], usage: [0, 0], inFlight: 0 },
    };
    const now = clock();
    this.quarter = quarterOf(now);
    this.day = dayOf(now);
  }

  /**
   * Counts one request if the budget allows it, or answers when it will (epoch ms). Background
   * requests keep the margin free; others may use it, but not beyond the limit.
   */
  reserve(isRead: boolean, background: boolean): Reservation | { blockedUntil: number } {
    const now = this.clock();
    this.roll(now);
    const meters = isRead ? [this.meters.overall, this.meters.read] : [this.meters.overall];
    const keep = background ? this.margin : 0;
    let blockedUntil = 0;
    // Limits learned in an earlier window may be stale (a 429 with a limit since raised): the
    // first request of a window, alone, goes out to read them again.
    const probe = !this.heardThisWindow && meters.every((meter) => meter.inFlight === 0) && meters.every((meter) => meter.usage[1] + keep < meter.limit[1]);
    for (const meter of probe ? [] : meters) {
      if (meter.usage[0] + meter.inFlight + keep >= meter.limit[0]) blockedUntil = Math.max(blockedUntil, nextQuarterAt(now));
      if (meter.usage[1] + meter.inFlight + keep >= meter.limit[1]) blockedUntil = Math.max(blockedUntil, nextMidnightAt(now));
    }
    if (blockedUntil > 0) return { blockedUntil };
    for (const meter of meters) meter.inFlight += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        for (const meter of meters) meter.inFlight -= 1;
      },
    };
  }

  /** What a response's headers say; within one window the higher usage wins (answers may arrive out of order). */
  observe(reading: RateLimitReading): void {
    this.roll(this.clock());
    if (reading.overall || reading.read) this.heardThisWindow = true;
    for (const kind of ['overall', 'read'] as const) {
      const seen = reading[kind];
      if (!seen) continue;
      const meter = this.meters[kind];
      meter.limit = [...seen.limit];
      meter.usage = [Math.max(meter.usage[0], seen.usage[0]), Math.max(meter.usage[1], seen.usage[1])];
    }
  }

  /** A 429 came: the window its usage filled is spent, whatever we counted. Returns when it resets. */
  exhausted(isRead: boolean): number {
    const now = this.clock();
    this.roll(now);
    const meters = isRead ? [this.meters.overall, this.meters.read] : [this.meters.overall];
    const daySpent = meters.some((meter) => meter.usage[1] >= meter.limit[1]);
    for (const meter of meters) {
      if (daySpent) meter.usage[1] = Math.max(meter.usage[1], meter.limit[1]);
      else meter.usage[0] = Math.max(meter.usage[0], meter.limit[0]);
    }
    return daySpent ? nextMidnightAt(now) : nextQuarterAt(now);
  }

  snapshot(): { overall: { limit: WindowPair; usage: WindowPair }; read: { limit: WindowPair; usage: WindowPair } } {
    this.roll(this.clock());
    const copy = (meter: Meter) => ({ limit: [...meter.limit] as WindowPair, usage: [...meter.usage] as WindowPair });
    return { overall: copy(this.meters.overall), read: copy(this.meters.read) };
  }

  private roll(now: number): void {
    const quarter = quarterOf(now);
    const day = dayOf(now);
    if (day !== this.day) {
      this.day = day;
      this.meters.overall.usage[1] = 0;
      this.meters.read.usage[1] = 0;
    }
    if (quarter !== this.quarter) {
      this.quarter = quarter;
      this.heardThisWindow = false;
      this.meters.overall.usage[0] = 0;
      this.meters.read.usage[0] = 0;
    }
  }
}
