import { createHash } from 'node:crypto';
import type { LinkTokenStore, StoredLinkToken } from '../storage/link-token-store.js';
import { randomToken } from '../crypto/random.js';
import { InvalidLink } from './account-errors.js';

export type LinkPurpose = StoredLinkToken['purpose'];

/** How long a mailed link works. */
export const LINK_LIFETIMES: Record<LinkPurpose, number> = { confirm: 24 * 3600, reset: 3600 };

/** 256 bits of randomness, base64url: the only shape a link token can have. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** Only this hash is stored: whoever reads the database cannot follow the links. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Single-use, expiring tokens for the links mailed to users. */
export class LinkTokens {
  constructor(private readonly store: LinkTokenStore) {}

  async issue(userId: string, purpose: LinkPurpose, now: number): Promise<string> {
    const token = randomToken(32);
    await this.store.insert({ token_hash: hashToken(token), purpose, user_id: userId, created_at: now, expires_at: now + LINK_LIFETIMES[purpose], password_hash: null });
    return token;
  }

  /**
   * A confirmation link carrying the password hash of the sign-up that asked for it. Confirming
   * asks for that password and sets it, so an account somebody else signed up for with the owner's
   * address (before or after them) ends up with the owner's password. Earlier links stay valid,
   * each for its own sign-up's password: voiding them would let whoever signs up again with the
   * address keep the owner from ever confirming. Confirming voids them all.
   */
  async issueConfirmation(userId: string, passwordHash: string, now: number): Promise<string> {
    const token = randomToken(32);
    await this.store.insert({ token_hash: hashToken(token), purpose: 'confirm', user_id: userId, created_at: now, expires_at: now + LINK_LIFETIMES.confirm, password_hash: passwordHash });
    return token;
  }

  /** Uses the token up and returns its user (and the password hash it carries); throws InvalidLink when it is unknown, used or expired. */
  async consume(token: string, purpose: LinkPurpose, now: number): Promise<{ userId: string; passwordHash: string | null }> {
    if (!isWellFormedToken(token)) throw new InvalidLink();
    const found = await this.store.consume(hashToken(token), purpose);
    if (!found) throw new InvalidLink();
    if (found.expiresAt <= now) throw new InvalidLink(true);
    return { userId: found.userId, passwordHash: found.passwordHash };
  }

  /** The user of a live token, leaving it unused; throws InvalidLink otherwise. */
  async peek(token: string, purpose: LinkPurpose, now: number): Promise<string> {
    return (await this.peekLink(token, purpose, now)).userId;
  }

  /** The user of a live confirmation link and the password hash of its sign-up, leaving it unused. */
  async peekConfirmation(token: string, now: number): Promise<{ userId: string; passwordHash: string }> {
    const { userId, passwordHash } = await this.peekLink(token, 'confirm', now);
    if (passwordHash === null) throw new InvalidLink();
    return { userId, passwordHash };
  }

  private async peekLink(token: string, purpose: LinkPurpose, now: number): Promise<{ userId: string; passwordHash: string | null }> {
    const found = isWellFormedToken(token) ? await this.store.peek(hashToken(token), purpose) : undefined;
    if (found === undefined) throw new InvalidLink();
    if (found.expiresAt <= now) throw new InvalidLink(true);
    return { userId: found.userId, passwordHash: found.passwordHash };
  }
}
