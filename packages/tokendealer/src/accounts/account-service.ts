import type { Logger } from 'pino';
import type { UserStore } from '../storage/user-store.js';
import { randomIdentifier } from '../crypto/random.js';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import { alreadyRegisteredMessage, confirmationMessage, passwordResetMessage } from '../mail/account-messages.js';
import { AccountInputError, InvalidLink } from './account-errors.js';
import { normalizeEmail, type EmailAddress } from './email-address.js';
import { checkPassword, MAX_PASSWORD_LENGTH } from './password-policy.js';
import type { PasswordHasher } from './password-hasher.js';
import type { LinkTokens } from './link-tokens.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import { viewUser, type UserRecord, type UserView } from './user.js';

export type SignInResult =
  | { outcome: 'signed-in'; user: UserRecord }
  | { outcome: 'invalid' | 'unconfirmed' | 'disabled' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

export interface AccountServiceOptions {
  users: UserStore;
  linkTokens: LinkTokens;
  hasher: PasswordHasher;
  /** Absent for the CLI, which mails nothing. */
  mailer?: Mailer;
  throttle?: SignInThrottle;
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

  /** Creates a user; false when the email is taken. Validates and hashes before touching the database. */
  private async insertUser(email: EmailAddress, password: string, status: UserRecord['status'], now: number): Promise<UserRecord | undefined> {
    checkPassword(password, email);
    const user: UserRecord = {
      userId: randomIdentifier(16),
      email: email.email,
      emailKey: email.key,
      passwordHash: await this.options.hasher.hash(password),
      status,
      createdAt: now,
      confirmedAt: status === 'active' ? now : null,
      updatedAt: now,
    };
    return (await this.users.insert(user)) ? user : undefined;
  }

  /**
   * Creates a pending account and mails its confirmation link. For an email that already has an
   * account, the caller sees exactly the same (the password is hashed all the same, so even the
   * time taken says nothing): the owner gets a new confirmation link if still pending, or a
   * "you already have an account" message.
   */
  async signUp(rawEmail: string, password: string, now = nowSeconds()): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const created = await this.insertUser(email, password, 'pending', now);
    if (created) {
      await this.mail(confirmationMessage(created.email, this.link('/confirm', await this.options.linkTokens.issue(created.userId, 'confirm', now))));
      return;
    }
    const existing = await this.users.findByEmailKey(email.key);
    if (existing?.status === 'pending') {
      await this.mail(confirmationMessage(existing.email, this.link('/confirm', await this.options.linkTokens.issue(existing.userId, 'confirm', now))));
    } else if (existing?.status === 'active') {
      await this.mail(alreadyRegisteredMessage(existing.email, this.link('/reset')));
    }
    this.options.logger?.info({ user_id: existing?.userId }, 'sign-up for an existing account');
  }

  /** Follows a confirmation link: the account becomes active. Returns the user. */
  async confirm(token: string, now = nowSeconds()): Promise<UserRecord> {
    const userId = await this.options.linkTokens.consume(token, 'confirm', now);
    await this.users.confirm(userId, now);
    const user = await this.users.get(userId);
    if (!user || user.status !== 'active') throw new InvalidLink();
    return user;
  }

  /** Checks an email and password, throttled (see sign-in-throttle.ts). */
  async signIn(rawEmail: string, password: string, ip: string): Promise<SignInResult> {
    let email: EmailAddress | undefined;
    try {
      email = normalizeEmail(rawEmail);
    } catch {
      email = undefined;
    }
    const key = email?.key ?? rawEmail.trim().toLowerCase().slice(0, 254);
    const throttle = this.options.throttle;
    const blocked = throttle?.blockedFor(key, ip) ?? 0;
    if (blocked > 0) return { outcome: 'throttled', retryAfterSeconds: blocked };

    const user = email ? await this.users.findByEmailKey(email.key) : undefined;
    const tooLong = [...password].length > MAX_PASSWORD_LENGTH * 4;
    const matches = user && !tooLong ? await this.options.hasher.verify(password, user.passwordHash) : await this.options.hasher.verifyDummy(password.slice(0, MAX_PASSWORD_LENGTH));
    if (!user || !matches) {
      throttle?.recordFailure(key, ip);
      return { outcome: 'invalid' };
    }
    if (user.status === 'pending') return { outcome: 'unconfirmed' };
    if (user.status === 'disabled') return { outcome: 'disabled' };
    if (this.options.hasher.needsRehash(user.passwordHash)) {
      // Only now is the password at hand to hash again with today's parameters.
      await this.users.rehashPassword(user.userId, user.passwordHash, await this.options.hasher.hash(password), nowSeconds());
    }
    return { outcome: 'signed-in', user };
  }

  /** Mails a reset link when the email has an account; says nothing either way. */
  async requestPasswordReset(rawEmail: string, now = nowSeconds()): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const user = await this.users.findByEmailKey(email.key);
    if (!user || user.status === 'disabled') {
      this.options.logger?.info({ reason: user ? 'disabled' : 'unknown email' }, 'password reset asked for no usable account');
      return;
    }
    await this.mail(passwordResetMessage(user.email, this.link('/reset/new', await this.options.linkTokens.issue(user.userId, 'reset', now))));
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
    const userId = await this.options.linkTokens.consume(token, 'reset', now);
    if (userId !== user.userId || !(await this.users.resetPassword(userId, hash, now))) throw new InvalidLink();
    return user;
  }

  // Operators (CLI).

  async create(rawEmail: string, password: string, confirmed: boolean, now = nowSeconds()): Promise<UserView> {
    const email = normalizeEmail(rawEmail);
    const user = await this.insertUser(email, password, confirmed ? 'active' : 'pending', now);
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

  async delete(userId: string): Promise<boolean> {
    return this.users.delete(userId);
  }

  private link(path: string, token?: string): string {
    if (!this.options.issuer) throw new Error('account links need the issuer');
    return `${this.options.issuer()}${path}${token === undefined ? '' : `?token=${token}`}`;
  }

  /** A mail that cannot be sent is logged, not shown: the page must look the same either way. */
  private async mail(message: MailMessage): Promise<void> {
    const { mailer, logger } = this.options;
    if (!mailer) return;
    try {
      await mailer.send(message);
      logger?.info({ subject: message.subject }, 'mail sent');
    } catch (error) {
      logger?.error({ err: error, subject: message.subject }, 'sending mail failed');
    }
  }
}
