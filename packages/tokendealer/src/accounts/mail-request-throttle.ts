import { FailureLimiter, type SharedCounts } from '../throttle/failure-limiter.js';
import { addressGroup } from '../throttle/address-group.js';
import { throttleKey, throttleSubject } from '../throttle/throttle-key.js';

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

  constructor(shared?: SharedCounts, perEmail = MAIL_REQUESTS_PER_EMAIL, perAddress = MAIL_REQUESTS_PER_ADDRESS, windowSeconds = MAIL_REQUEST_WINDOW_SECONDS) {
    this.limiter = new FailureLimiter(windowSeconds * 1000, { 'mail:sign-up-email': perEmail, 'mail:reset-email': perEmail, 'mail:address': perAddress }, shared);
  }

  /** Counts the request and returns 0, or returns the seconds to wait (and counts nothing). */
  take(kind: MailRequestKind, emailKey: string, ip: string, now = Date.now()): number {
    const keys = [
      throttleKey(kind === 'sign-up' ? 'mail:sign-up-email' : 'mail:reset-email', throttleSubject.email(emailKey), null),
      throttleKey('mail:address', null, addressGroup(ip)),
    ];
    const blockedMs = Math.max(...keys.map((key) => this.limiter.blockedFor(key, now)));
    if (blockedMs > 0) return Math.ceil(blockedMs / 1000);
    for (const key of keys) this.limiter.recordFailure(key, now);
    return 0;
  }

  sweep(now = Date.now()): void {
    this.limiter.sweep(now);
  }
}
