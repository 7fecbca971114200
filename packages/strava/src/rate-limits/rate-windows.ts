// Strava's windows: 15 minutes starting at :00, :15, :30 and :45, and the UTC day.
export const QUARTER_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;

export const quarterOf = (ms: number): number => Math.floor(ms / QUARTER_MS);
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);
export const nextQuarterAt = (ms: number): number => (quarterOf(ms) + 1) * QUARTER_MS;
export const nextMidnightAt = (ms: number): number => (dayOf(ms) + 1) * DAY_MS;
