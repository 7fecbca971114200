export const DEFAULT_DRAIN_MS = 10_000;

export function checkConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new RangeError('concurrency must be an integer from 1 to 1000');
  return value;
}
