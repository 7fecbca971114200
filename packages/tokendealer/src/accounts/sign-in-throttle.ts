import { FailureLimiter, type SharedCounts, type Window } from '../throttle/failure-limiter.js';
import { addressGroup } from '../throttle/address-group.js';
import { throttleKey, type ThrottleKey } from '../throttle/throttle-key.js';

/** An account may fail this many times the per-address limit in a window, from all addresses together. */
const ACCOUNT_LIMIT_FACTOR = 10;
/** An address may fail this many times the limit, over all the accounts it tries. */
const ADDRESS_LIMIT_FACTOR = 5;
/** Sign-ins of one account from one address being checked at once; more wait (429) for these to end. */
export const MAX_SIGN_INS_IN_FLIGHT = 2;
/** What a sign-in refused for being beyond MAX_SIGN_INS_IN_FLIGHT is told to wait. */
const IN_FLIGHT_RETRY_SECONDS = 1;

/** An attempt counted before its password is checked. */
export interface SignInAttempt {
  /** The password was right: the attempt is not a failure after all. */
  succeeded(): void;
  /** The check is over (whatever its outcome); always called. */
  finished(): void;
}

export type SignInReservation = { attempt: SignInAttempt } | { retryAfterSeconds: number };

/**
 * Failed sign-ins are counted three ways, for known and unknown emails alike (so the lockout
 * itself reveals nothing about which accounts exist), under keys that no input can make equal to
 * another's (see throttle-key.ts):
 * - per account and address (IPv6 per /64), `limit` failures: guessing from one place stops
 *   there, while the owner signing in from anywhere else is not affected;
 * - per account over all addresses, ten times the limit: a distributed guess against one account
 *   locks it for the rest of the window, even for the right password. That window is the price
 *   of stopping the guessing; it ends by itself, and a password reset still works meanwhile;
 * - per address over all accounts, five times the limit: one address trying many accounts
 *   (credential stuffing) stops.
 * While blocked, a sign-in is refused before the password is checked, so a correct password
 * tells the attacker nothing either. Each attempt is counted as a failure before its password is
 * checked (and given back when it was right): checking takes long enough (scrypt) that attempts
 * sent together would otherwise all pass the limit before the first failure is counted. For the
 * same reason at most MAX_SIGN_INS_IN_FLIGHT sign-ins per account and address are checked at once.
 * With shared failures, the three counts are those of all instances: a failure is shared once its
 * password turned out wrong (right ones cost no database write), and the other instances refuse
 * the key from their next poll on. The pre-count and MAX_SIGN_INS_IN_FLIGHT stay per instance (a
 * database round trip per attempt would buy little): N instances check at most N times that many
 * at once, so a guesser spread over them may get those, and what arrives before the next poll,
 * beyond the limit, but never N times the budget.
 */
export class SignInThrottle {
  private readonly limiter: FailureLimiter;
  private readonly inFlight = new Map<string, number>();

  constructor(limit: number, windowSeconds: number, shared?: SharedCounts) {
    this.limiter = new FailureLimiter(
      windowSeconds * 1000,
      { 'sign-in:account-address': limit, 'sign-in:account': limit * ACCOUNT_LIMIT_FACTOR, 'sign-in:address': limit * ADDRESS_LIMIT_FACTOR },
      shared,
    );
  }

  /** `account` is a throttleSubject: an email, input that is no email, or a confirmation link. */
  private keys(account: string, ip: string): ThrottleKey[] {
    const address = addressGroup(ip);
    return [throttleKey('sign-in:account-address', account, address), throttleKey('sign-in:account', account, null), throttleKey('sign-in:address', null, address)];
  }

  /** Seconds until this account may try again from this address, or 0. */
  blockedFor(account: string, ip: string, now = Date.now()): number {
    const ms = Math.max(...this.keys(account, ip).map((key) => this.limiter.blockedFor(key, now)));
    return Math.ceil(ms / 1000);
  }

  /**
   * Counts an attempt before its password is checked, or says how long to wait: while blocked,
   * or while MAX_SIGN_INS_IN_FLIGHT sign-ins of this account from this address are being checked.
   * Synchronous, so that concurrent requests see each other's reservations.
   */
  reserve(account: string, ip: string, now = Date.now()): SignInReservation {
    const blocked = this.blockedFor(account, ip, now);
    if (blocked > 0) return { retryAfterSeconds: blocked };
    const keys = this.keys(account, ip);
    const flightKey = keys[0]!.id;
    const flying = this.inFlight.get(flightKey) ?? 0;
    if (flying >= MAX_SIGN_INS_IN_FLIGHT) return { retryAfterSeconds: IN_FLIGHT_RETRY_SECONDS };
    this.inFlight.set(flightKey, flying + 1);
    const counted: [ThrottleKey, Window][] = keys.map((key) => [key, this.limiter.countHere(key, now)]);
    let succeeded = false;
    let finished = false;
    return {
      attempt: {
        succeeded: () => {
          if (succeeded) return;
          succeeded = true;
          for (const [key, window] of counted) this.limiter.forgive(key, window);
        },
        finished: () => {
          if (finished) return;
          finished = true;
          try {
            if (!succeeded) for (const key of keys) this.limiter.share(key);
          } finally {
            // Whatever sharing did, the attempt is no longer in flight.
            const left = (this.inFlight.get(flightKey) ?? 1) - 1;
            if (left > 0) this.inFlight.set(flightKey, left);
            else this.inFlight.delete(flightKey);
          }
        },
      },
    };
  }

  sweep(now = Date.now()): void {
    this.limiter.sweep(now);
  }
}
