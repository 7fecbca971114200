import { FailureLimiter } from '../throttle/failure-limiter.js';
import { addressGroup } from '../throttle/address-group.js';

/** An account may fail this many times the per-address limit in a window, from all addresses together. */
const ACCOUNT_LIMIT_FACTOR = 10;
/** An address may fail this many times the limit, over all the accounts it tries. */
const ADDRESS_LIMIT_FACTOR = 5;

/**
 * Failed sign-ins are counted three ways, for known and unknown emails alike (so the lockout
 * itself reveals nothing about which accounts exist):
 * - per account and address (IPv6 per /64), `limit` failures: guessing from one place stops
 *   there, while the owner signing in from anywhere else is not affected;
 * - per account over all addresses, ten times the limit: a distributed guess against one account
 *   locks it for the rest of the window, even for the right password. That window is the price
 *   of stopping the guessing; it ends by itself, and a password reset still works meanwhile;
 * - per address over all accounts, five times the limit: one address trying many accounts
 *   (credential stuffing) stops.
 * While blocked, a sign-in is refused before the password is checked, so a correct password
 * tells the attacker nothing either.
 */
export class SignInThrottle {
  private readonly limiter: FailureLimiter;

  constructor(
    private readonly limit: number,
    windowSeconds: number,
  ) {
    this.limiter = new FailureLimiter(windowSeconds * 1000);
  }

  private keys(emailKey: string, ip: string): [string, number][] {
    const address = addressGroup(ip);
    return [
      [`account:${emailKey}|ip:${address}`, this.limit],
      [`account:${emailKey}`, this.limit * ACCOUNT_LIMIT_FACTOR],
      [`ip:${address}`, this.limit * ADDRESS_LIMIT_FACTOR],
    ];
  }

  /** Seconds until this account may try again from this address, or 0. */
  blockedFor(emailKey: string, ip: string, now = Date.now()): number {
    const ms = Math.max(...this.keys(emailKey, ip).map(([key, limit]) => this.limiter.blockedFor(key, limit, now)));
    return Math.ceil(ms / 1000);
  }

  recordFailure(emailKey: string, ip: string, now = Date.now()): void {
    for (const [key] of this.keys(emailKey, ip)) this.limiter.recordFailure(key, now);
  }

  sweep(now = Date.now()): void {
    this.limiter.sweep(now);
  }
}
