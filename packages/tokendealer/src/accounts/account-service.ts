import type { Logger } from 'pino';
import type { UserStore } from '../storage/user-store.js';
import { randomIdentifier } from '../crypto/random.js';
import type { MailMessage } from '@runnerly/mail';
import type { MailQueue } from '../mail/mail-queue.js';
import { alreadyRegisteredMessage, confirmationMessage, passwordResetMessage } from '../mail/account-messages.js';
import { AccountInputError, InvalidLink } from './account-errors.js';
import { normalizeEmail, type EmailAddress } from './email-address.js';
import { checkPassword, MAX_PASSWORD_LENGTH } from './password-policy.js';
import type { PasswordHasher } from './password-hasher.js';
import { hashToken, LINK_LIFETIMES, type LinkTokens } from './link-tokens.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import type { MailRequestThrottle } from './mail-request-throttle.js';
import { EMPTY_PROFILE, viewUser, type UserRecord, type UserView } from './user.js';
import { throttleSubject } from '../throttle/throttle-key.js';

export type SignInResult =
  | { outcome: 'signed-in'; user: UserRecord }
  | { outcome: 'invalid' | 'unconfirmed' | 'disabled' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

export type ConfirmResult =
  | { outcome: 'confirmed'; user: UserRecord }
  | { outcome: 'wrong-password' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

/** A sign-up or a reset request: taken (whatever the email), or over a limit. */
export type MailRequestResult = { outcome: 'accepted' } | { outcome: 'throttled'; retryAfterSeconds: number };

export interface AccountServiceOptions {
  users: UserStore;
  linkTokens: LinkTokens;
  hasher: PasswordHasher;
  /** Absent for the CLI, which mails nothing. */
  mailQueue?: MailQueue;
  throttle?: SignInThrottle;
  /** Limits sign-ups and reset requests per email and per address. */
  mailThrottle?: MailRequestThrottle;
  /** The issuer URL, known once the server listens: mailed links start with it. */
  issuer?: () => string;
  logger?: Logger;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Sign-up, confirmation, sign-in, password reset, and the operators' user management. */
export class AccountService {
  constructor(private readonly options: AccountServiceOptions) {}

  private get users(): UserStore {
    return this.options.users;
  }

  /** Checks the password against the policy and hashes it, before anything touches the database. */
  private async hashNewPassword(password: string, email: EmailAddress): Promise<string> {
    checkPassword(password, email);
    return this.options.hasher.hash(password);
  }

  /** Creates a user; undefined when the email is taken. */
  private async insertUser(email: EmailAddress, passwordHash: string, status: UserRecord['status'], now: number): Promise<UserRecord | undefined> {
    const user: UserRecord = {
      userId: randomIdentifier(16),
      email: email.email,
      emailKey: email.key,
      passwordHash,
      status,
      createdAt: now,
      confirmedAt: status === 'active' ? now : null,
      updatedAt: now,
      profile: EMPTY_PROFILE,
    };
    return (await this.users.insert(user)) ? user : undefined;
  }

  /**
   * Creates a pending account and mails its confirmation link. For an email that already has an
   * account, the caller sees exactly the same: the password is checked and hashed all the same,
   * and everything that depends on the email (the lookups, the link, the mail) happens after the
   * answer, on the mail queue, so not even the time taken tells. The owner gets a new
   * confirmation link if still pending, or a "you already have an account" message. The
   * confirmation link carries the hash of the password chosen at this sign-up (and voids earlier
   * links): a pending account somebody else created with this address gets the owner's password
   * when the owner confirms.
   */
  async signUp(rawEmail: string, password: string, ip: string, now = nowSeconds()): Promise<MailRequestResult> {
    const email = normalizeEmail(rawEmail);
    checkPassword(password, email);
    const retryAfterSeconds = this.options.mailThrottle?.take('sign-up', email.key, ip) ?? 0;
    if (retryAfterSeconds > 0) return { outcome: 'throttled', retryAfterSeconds };
    const passwordHash = await this.options.hasher.hash(password);
    this.later('sign-up', async () => {
      const created = await this.insertUser(email, passwordHash, 'pending', now);
      const expiresAt = (now + LINK_LIFETIMES.confirm) * 1000;
      if (created) return { ...confirmationMessage(created.email, this.link('/confirm', await this.options.linkTokens.issueConfirmation(created.userId, passwordHash, now))), expiresAt };
      const existing = await this.users.findByEmailKey(email.key);
      this.options.logger?.info({ user_id: existing?.userId }, 'sign-up for an existing account');
      if (existing?.status === 'pending') {
        return { ...confirmationMessage(existing.email, this.link('/confirm', await this.options.linkTokens.issueConfirmation(existing.userId, passwordHash, now))), expiresAt };
      }
      return existing?.status === 'active' ? alreadyRegisteredMessage(existing.email, this.link('/reset')) : undefined;
    });
    return { outcome: 'accepted' };
  }

  /** The email of the pending account a confirmation link is for, checking the link without using it. */
  async confirmationLinkEmail(token: string, now = nowSeconds()): Promise<string> {
    return (await this.pendingUserOf(token, now)).user.email;
  }

  /**
   * Activates an account with its mailed link and the password chosen at the sign-up that mailed
   * it, which becomes the account's password. Asking for that password closes two gaps of a bare
   * link: somebody who signed up with another's address after them cannot get their own password
   * activated by the owner following the latest mail, and a mail scanner that opens links cannot
   * spend the token. A wrong password is throttled like a failed sign-in and leaves the link usable.
   */
  async confirm(token: string, password: string, ip: string, now = nowSeconds()): Promise<ConfirmResult> {
    const { user, passwordHash } = await this.pendingUserOf(token, now);
    // Counted per link (and address), not per account: only the link's holder can guess here, and
    // failed sign-ins of the email elsewhere must not keep its owner from confirming.
    const reservation = this.options.throttle?.reserve(throttleSubject.confirmationLink(hashToken(token)), ip);
    if (reservation && 'retryAfterSeconds' in reservation) return { outcome: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };
    const attempt = reservation?.attempt;
    try {
      const tooLong = [...password].length > MAX_PASSWORD_LENGTH * 4;
      if (tooLong || !(await this.options.hasher.verify(password, passwordHash))) return { outcome: 'wrong-password' };
      attempt?.succeeded();
      const used = await this.options.linkTokens.consume(token, 'confirm', now);
      if (used.userId !== user.userId || used.passwordHash !== passwordHash || !(await this.users.confirm(user.userId, passwordHash, now))) throw new InvalidLink();
      const confirmed = await this.users.get(user.userId);
      if (!confirmed || confirmed.status !== 'active') throw new InvalidLink();
      return { outcome: 'confirmed', user: confirmed };
    } finally {
      attempt?.finished();
    }
  }

  private async pendingUserOf(token: string, now: number): Promise<{ user: UserRecord; passwordHash: string }> {
    const { userId, passwordHash } = await this.options.linkTokens.peekConfirmation(token, now);
    const user = await this.users.get(userId);
    if (!user || user.status !== 'pending') throw new InvalidLink();
    return { user, passwordHash };
  }

  /** Checks an email and password, throttled (see sign-in-throttle.ts). */
  async signIn(rawEmail: string, password: string, ip: string): Promise<SignInResult> {
    let email: EmailAddress | undefined;
    try {
      email = normalizeEmail(rawEmail);
    } catch {
      email = undefined;
    }
    // Input that is no email is counted too (under a subject of its own: it never names an account's count).
    const account = email ? throttleSubject.email(email.key) : throttleSubject.unparsedEmail(rawEmail.trim().toLowerCase().slice(0, 254));
    // The attempt is counted before the password is checked (see SignInThrottle.reserve).
    const reservation = this.options.throttle?.reserve(account, ip);
    if (reservation && 'retryAfterSeconds' in reservation) return { outcome: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };
    const attempt = reservation?.attempt;
    try {
      const user = email ? await this.users.findByEmailKey(email.key) : undefined;
      const tooLong = [...password].length > MAX_PASSWORD_LENGTH * 4;
      const matches = user && !tooLong ? await this.options.hasher.verify(password, user.passwordHash) : await this.options.hasher.verifyDummy(password.slice(0, MAX_PASSWORD_LENGTH));
      if (!user || !matches) return { outcome: 'invalid' };
      attempt?.succeeded();
      if (user.status === 'pending') return { outcome: 'unconfirmed' };
      if (user.status === 'disabled') return { outcome: 'disabled' };
      if (this.options.hasher.needsRehash(user.passwordHash)) {
        // Only now is the password at hand to hash again with today's parameters.
        await this.users.rehashPassword(user.userId, user.passwordHash, await this.options.hasher.hash(password), nowSeconds());
      }
      return { outcome: 'signed-in', user };
    } finally {
      attempt?.finished();
    }
  }

  /**
   * Mails a reset link when the email has an account; says nothing either way. As for sign-up,
   * the lookup and the mail happen after the answer, so known and unknown emails take the same path.
   */
  async requestPasswordReset(rawEmail: string, ip: string, now = nowSeconds()): Promise<MailRequestResult> {
    const email = normalizeEmail(rawEmail);
    const retryAfterSeconds = this.options.mailThrottle?.take('reset', email.key, ip) ?? 0;
    if (retryAfterSeconds > 0) return { outcome: 'throttled', retryAfterSeconds };
    this.later('password reset', async () => {
      const user = await this.users.findByEmailKey(email.key);
      if (!user || user.status === 'disabled') {
        this.options.logger?.info({ reason: user ? 'disabled' : 'unknown email' }, 'password reset asked for no usable account');
        return undefined;
      }
      const expiresAt = (now + LINK_LIFETIMES.reset) * 1000;
      return { ...passwordResetMessage(user.email, this.link('/reset/new', await this.options.linkTokens.issue(user.userId, 'reset', now))), expiresAt };
    });
    return { outcome: 'accepted' };
  }

  /** The email of the account a reset link is for, checking the link without using it. */
  async resetLinkEmail(token: string, now = nowSeconds()): Promise<string> {
    const user = await this.users.get(await this.options.linkTokens.peek(token, 'reset', now));
    if (!user || user.status === 'disabled') throw new InvalidLink();
    return user.email;
  }

  /**
   * Sets a new password with a reset link. The password is checked before the link is used, so a
   * refused password does not spend it; afterwards every session of the account ends.
   */
  async resetPassword(token: string, password: string, now = nowSeconds()): Promise<UserRecord> {
    const user = await this.users.get(await this.options.linkTokens.peek(token, 'reset', now));
    if (!user) throw new InvalidLink();
    checkPassword(password, { email: user.email, key: user.emailKey });
    const hash = await this.options.hasher.hash(password);
    const { userId } = await this.options.linkTokens.consume(token, 'reset', now);
    if (userId !== user.userId || !(await this.users.resetPassword(userId, hash, now))) throw new InvalidLink();
    return user;
  }

  // Operators (CLI).

  async create(rawEmail: string, password: string, confirmed: boolean, now = nowSeconds()): Promise<UserView> {
    const email = normalizeEmail(rawEmail);
    const user = await this.insertUser(email, await this.hashNewPassword(password, email), confirmed ? 'active' : 'pending', now);
    if (!user) throw new AccountInputError('email', `an account with the email ${email.email} already exists`);
    return viewUser(user);
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(viewUser);
  }

  /** A user by id, or by email when the argument has an @. */
  async find(idOrEmail: string): Promise<UserRecord | undefined> {
    if (!idOrEmail.includes('@')) return this.users.get(idOrEmail);
    try {
      return await this.users.findByEmailKey(normalizeEmail(idOrEmail).key);
    } catch {
      return undefined;
    }
  }

  async disable(userId: string, now = nowSeconds()): Promise<boolean> {
    return this.users.disable(userId, now);
  }

  async delete(userId: string, now = nowSeconds()): Promise<boolean> {
    return this.users.delete(userId, now);
  }

  private link(path: string, token?: string): string {
    if (!this.options.issuer) throw new Error('account links need the issuer');
    return `${this.options.issuer()}${path}${token === undefined ? '' : `?token=${token}`}`;
  }

  /** Work that mails somebody, done after the page has answered (see MailQueue). */
  private later(what: string, job: () => Promise<MailMessage | undefined>): void {
    if (!this.options.mailQueue) throw new Error('account mail needs the mail queue');
    this.options.mailQueue.enqueue(what, job);
  }
}
