// Strava's rate-limit headers: "X-RateLimit-Limit: 200,2000" and "X-RateLimit-Usage: 12,340"
// (15-minute window, day), and the same for reads with X-ReadRateLimit-*.

export type WindowPair = [fifteenMinutes: number, day: number];

export interface RateLimitReading {
  overall?: { limit: WindowPair; usage: WindowPair };
  read?: { limit: WindowPair; usage: WindowPair };
}

function pair(raw: string | null): WindowPair | undefined {
  if (raw === null) return undefined;
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.length !== 2 || !parts.every((part) => /^\d{1,12}$/.test(part))) return undefined;
  return [Number(parts[0]), Number(parts[1])];
}

export function readRateLimitHeaders(headers: Headers): RateLimitReading {
  const reading: RateLimitReading = {};
  const overallLimit = pair(headers.get('x-ratelimit-limit'));
  const overallUsage = pair(headers.get('x-ratelimit-usage'));
  if (overallLimit && overallUsage) reading.overall = { limit: overallLimit, usage: overallUsage };
  const readLimit = pair(headers.get('x-readratelimit-limit'));
  const readUsage = pair(headers.get('x-readratelimit-usage'));
  if (readLimit && readUsage) reading.read = { limit: readLimit, usage: readUsage };
  return reading;
}
