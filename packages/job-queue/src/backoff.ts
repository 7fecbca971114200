// How long a job waits after a failed run before the next one.

export type Backoff = (attempt: number) => number;

const FIRST_DELAY_MS = 5_000;
const MAX_DELAY_MS = 60 * 60_000;
/** Each wait is spread over ±20% of its nominal value, so jobs that failed together do not retry together. */
const JITTER = 0.2;

/** 5 s after the first failed attempt, doubling with each further one, capped at 1 h, with jitter. */
export function exponentialBackoff(attempt: number, random: () => number = Math.random): number {
  const nominal = Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1), MAX_DELAY_MS);
  return Math.min(Math.round(nominal * (1 - JITTER + 2 * JITTER * random())), MAX_DELAY_MS);
}
