/** [requests per 15 minutes, requests per day]. */
export type LimitPair = [fifteenMinutes: number, daily: number];

/** Strava's limits per application: all requests, and of those the reads (GET). */
export interface RateLimits {
  overall: LimitPair;
  read: LimitPair;
}

export const STRAVA_DEFAULT_RATE_LIMITS: RateLimits = { overall: [200, 2000], read: [100, 1000] };

/** What the headers say when limits are off: numbers no test reaches. */
export const UNLIMITED: RateLimits = { overall: [1_000_000_000, 1_000_000_000], read: [1_000_000_000, 1_000_000_000] };

const FIFTEEN_MINUTES_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

interface Usage {
  quarter: number;
  day: number;
  overall: LimitPair;
  read: LimitPair;
}

export interface Metered {
  headers: Record<string, string>;
  exceeded: boolean;
}

export function validateRateLimits(limits: RateLimits): RateLimits {
  for (const pair of [limits.overall, limits.read]) {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new RangeError('rate limits are [15-minute, daily] pairs of non-negative integers');
    }
  }
  return { overall: [limits.overall[0], limits.overall[1]], read: [limits.read[0], limits.read[1]] };
}

/**
 * Counts requests per application in fixed windows that reset at :00, :15, :30 and :45 and at
 * midnight UTC of the clock (Strava's windows). A refused request still counts.
 */
export class UsageMeter {
  private readonly usage = new Map<string, Usage>();
  private limits: RateLimits | false;

  constructor(
    private readonly clock: () => number,
    limits: RateLimits | false,
  ) {
    this.limits = limits === false ? false : validateRateLimits(limits);
  }

  setLimits(limits: RateLimits | false): void {
    this.limits = limits === false ? false : validateRateLimits(limits);
  }

  currentLimits(): RateLimits | false {
    return this.limits;
  }

  /** Forgets the usage of one application, or of all. */
  reset(clientId?: string): void {
    if (clientId === undefined) this.usage.clear();
    else this.usage.delete(clientId);
  }

  /** The usage in the current windows. */
  current(clientId: string): { overall: LimitPair; read: LimitPair } {
    const usage = this.rolled(clientId);
    return { overall: [...usage.overall], read: [...usage.read] };
  }

  record(clientId: string, isRead: boolean): Metered {
    const usage = this.rolled(clientId);
    usage.overall[0]++;
    usage.overall[1]++;
    if (isRead) {
      usage.read[0]++;
      usage.read[1]++;
    }
    const limits = this.limits === false ? UNLIMITED : this.limits;
    const over = (used: LimitPair, limit: LimitPair) => used[0] > limit[0] || used[1] > limit[1];
    const exceeded = this.limits !== false && (over(usage.overall, limits.overall) || (isRead && over(usage.read, limits.read)));
    return {
      exceeded,
      headers: {
        'x-ratelimit-limit': limits.overall.join(','),
        'x-ratelimit-usage': usage.overall.join(','),
        'x-readratelimit-limit': limits.read.join(','),
        'x-readratelimit-usage': usage.read.join(','),
      },
    };
  }

  private rolled(clientId: string): Usage {
    const now = this.clock();
    const quarter = Math.floor(now / FIFTEEN_MINUTES_MS);
    const day = Math.floor(now / DAY_MS);
    let usage = this.usage.get(clientId);
    if (!usage) {
      usage = { quarter, day, overall: [0, 0], read: [0, 0] };
      this.usage.set(clientId, usage);
    }
    if (usage.day !== day) {
      usage.day = day;
      usage.overall[1] = 0;
      usage.read[1] = 0;
    }
    if (usage.quarter !== quarter) {
      usage.quarter = quarter;
      usage.overall[0] = 0;
      usage.read[0] = 0;
    }
    return usage;
  }
}
