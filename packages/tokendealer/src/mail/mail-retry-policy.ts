// When a courier tries a failed message again, and when it gives up.

export interface MailRetryPolicy {
  /** The wait after the first failure; each later wait doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, after which the message is given up. */
  maxAttempts: number;
  /**
   * Age at which a message is given up, sent or not: after a long outage, a day-old "choose a new
   * password" (whose link has expired anyway) would only confuse.
   */
  maxAgeMs: number;
}

/** 30 s, 1 min, 2 min, ... 1 h, 1 h: twelve attempts take about five hours. */
export const DEFAULT_MAIL_RETRY: MailRetryPolicy = {
  firstDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 12,
  maxAgeMs: 24 * 3_600_000,
};

export function isTooOld(policy: MailRetryPolicy, createdAt: number, now: number): boolean {
  return now - createdAt >= policy.maxAgeMs;
}

/** When to try again after `attempts` failed attempts; undefined to give up. */
export function nextAttemptAt(policy: MailRetryPolicy, attempts: number, createdAt: number, now: number): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const at = now + Math.min(policy.firstDelayMs * 2 ** Math.max(attempts - 1, 0), policy.maxDelayMs);
  return isTooOld(policy, createdAt, at) ? undefined : at;
}
