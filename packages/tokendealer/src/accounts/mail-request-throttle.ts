import { FailureLimiter } from '../throttle/failure-limiter.js';
import { addressGroup } from '../throttle/address-group.js';
import type { SharedFailures } from '../throttle/shared-failures.js';

/** Requests that mail an address per email and kind (sign-up, password reset), in a window. */
export const MAIL_REQUESTS_PER_EMAIL = 5;
/** The same requests per client address (IPv6 per /64), over all emails. */
export const MAIL_REQUESTS_PER_ADDRESS = 30;
export const MAIL_REQUEST_WINDOW_SECONDS = 3600;

/**
 * Sign-ups and reset requests cost a mail and (sign-up) a password hash, so both are counted,
 * every request (not only failures), per email and kind and per address: one inbox cannot be
 * flooded, and one address cannot spend the server's scrypt time. Known and unknown emails count
 * alike. Sign-ups and resets have separate per-email budgets, so whoever spends an email's sign-ups
 * cannot also keep its owner from resetting the password. With shared failures, the counts are
 * those of all instances.
 */
export type MailRequestKind = 'sign-up' | 'reset';

export class MailRequestThrottle {
  private readonly limiter: FailureLimiter;

  constructor(
    shared?: SharedFailures,
    private readonly perEmail = MAIL_REQUESTS_PER_EMAIL,
    private readonly perAddress = MAIL_REQUESTS_PER_ADDRESS,
    windowSeconds = MAIL_REQUEST_WINDOW_SECONDS,
  ) {
    this.limiter = new FailureLimiter(windowSeconds * 1000, shared?.scope('mail-request'));
  }

  /** Counts the request and returns 0, or returns the seconds to wait (and counts nothing). */
  take(kind: MailRequestKind, emailKey: string, ip: string, now = Date.now()): number {
    const keys: [string, number][] = [
      [`${kind}:email:${emailKey}`, this.perEmail],
      [`ip:${addressGroup(ip)}`, this.perAddress],
    ];
    const blockedMs = Math.max(...keys.map(([key, limit]) => this.limiter.blockedFor(key, limit, now)));
    if (blockedMs > 0) return Math.ceil(blockedMs / 1000);
    for (const [key, limit] of keys) this.limiter.recordFailure(key, limit, now);
    return 0;
  }

  sweep(now = Date.now()): void {
    this.limiter.sweep(now);
  }
}
