// Sign-in, the session it opens, tokens kept fresh, and sign-out. The browser only ever holds a
// random session id in an HttpOnly cookie; the tokens stay here, sealed at rest.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { TokenDealerClient, IssuedTokens } from '../auth/token-dealer-client.js';
import type { SessionStore } from '../storage/session-store.js';
import type { SessionsTable } from '../storage/schema.js';
import { TokenSealer, TokenUnsealError } from './token-sealer.js';

/** A sign-in must come back within this many seconds. */
const LOGIN_LIFETIME = 600;
/** Access tokens are refreshed when they have less than this many seconds left. */
const REFRESH_MARGIN = 60;

const hash = (value: string): string => createHash('sha256').update(value).digest('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface ActiveSession {
  idHash: string;
  userId: string;
  email: string | null;
  name: string | null;
  csrfToken: string;
  accessToken: string;
}

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

const hasControlCharacter = (value: string): boolean => [...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

/** A path on this site to return to after sign-in: never another origin (no open redirect). */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512 || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || hasControlCharacter(value)) return '/';
  return value;
}

export class SessionService {
  readonly #sealer: TokenSealer;
  readonly #refreshing = new Map<string, Promise<ActiveSession | undefined>>();

  constructor(
    private readonly store: SessionStore,
    private readonly tokenDealer: TokenDealerClient,
    sessionKey: string,
    private readonly lifetimes: { session: number; idle: number },
    private readonly logger: Logger,
  ) {
    this.#sealer = new TokenSealer(sessionKey);
  }

  /** Starts a sign-in for the browser holding `browserBinding` (a random cookie value): the authorization URL. */
  async startSignIn(returnTo: unknown, browserBinding: string): Promise<string> {
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const stateHash = hash(state);
    await this.store.saveLoginAttempt({
      state_hash: stateHash,
      browser_hash: hash(browserBinding),
      code_verifier: this.#sealer.seal(stateHash, codeVerifier),
      nonce,
      return_to: safeReturnPath(returnTo),
      expires_at: nowSeconds() + LOGIN_LIFETIME,
    });
    return this.tokenDealer.authorizationUrl(state, nonce, codeVerifier);
  }

  /** Completes a sign-in from the callback URL: the new session's cookie value and where to go. */
  async finishSignIn(callbackUrl: URL, browserBinding: string | undefined): Promise<{ sessionId: string; returnTo: string; tokens: IssuedTokens }> {
    const state = callbackUrl.searchParams.get('state');
    if (!state || state.length > 512) throw new SignInError('the sign-in answer carries no state');
    const stateHash = hash(state);
    const attempt = await this.store.takeLoginAttempt(stateHash, nowSeconds());
    if (!attempt) throw new SignInError('this sign-in has expired or was already used; please sign in again');
    // Login CSRF: a callback carrying someone else's code and state must not sign this browser in.
    const presented = Buffer.from(hash(browserBinding ?? ''));
    if (!timingSafeEqual(presented, Buffer.from(attempt.browser_hash))) throw new SignInError('this sign-in was started in another browser; please sign in again');
    const error = callbackUrl.searchParams.get('error');
    if (error) throw new SignInError(error === 'access_denied' ? 'sign-in was cancelled' : `sign-in failed (${error.slice(0, 64)})`);
    const tokens = await this.tokenDealer.exchange(callbackUrl, { state, nonce: attempt.nonce, codeVerifier: this.#sealer.open(stateHash, attempt.code_verifier) });
    const sessionId = randomBytes(32).toString('base64url');
    const idHash = hash(sessionId);
    const now = nowSeconds();
    await this.store.createSession({
      id_hash: idHash,
      user_id: tokens.sub,
      email: tokens.email,
      name: tokens.name,
      access_token: this.#sealer.seal(idHash, tokens.accessToken),
      access_expires_at: tokens.accessExpiresAt,
      refresh_token: tokens.refreshToken ? this.#sealer.seal(idHash, tokens.refreshToken) : null,
      id_token: tokens.idToken ? this.#sealer.seal(idHash, tokens.idToken) : null,
      csrf_token: randomBytes(32).toString('base64url'),
      created_at: now,
      last_seen_at: now,
      expires_at: now + this.lifetimes.session,
    });
    return { sessionId, returnTo: attempt.return_to, tokens };
  }

  /** The session of a cookie value, with an access token good for at least a minute; undefined when signed out. */
  async current(sessionId: string | undefined): Promise<ActiveSession | undefined> {
    if (!sessionId || sessionId.length > 128) return undefined;
    const idHash = hash(sessionId);
    const now = nowSeconds();
    const row = await this.store.findSession(idHash, now, this.lifetimes.idle);
    if (!row) return undefined;
    try {
      return await this.#fresh(row, idHash, now);
    } catch (error) {
      if (!(error instanceof TokenUnsealError)) throw error;
      // Sealed under another key (rotated) or damaged: the session cannot be used; the runner signs in again.
      this.logger.warn({ reason: error.message }, 'a session could not be opened; ended');
      await this.store.deleteSession(idHash);
      return undefined;
    }
  }

  async #fresh(row: SessionsTable, idHash: string, now: number): Promise<ActiveSession | undefined> {
    if (row.last_seen_at < now - 30) await this.store.touch(idHash, now);
    if (row.access_expires_at - REFRESH_MARGIN > now) return this.#active(row);
    // One refresh per session at a time in this process; other requests wait for it.
    let pending = this.#refreshing.get(idHash);
    if (!pending) {
      pending = this.#refresh(row).finally(() => this.#refreshing.delete(idHash));
      this.#refreshing.set(idHash, pending);
    }
    return pending;
  }

  async #refresh(row: SessionsTable): Promise<ActiveSession | undefined> {
    if (!row.refresh_token) return undefined;
    let tokens: IssuedTokens;
    try {
      tokens = await this.tokenDealer.refresh(this.#sealer.open(row.id_hash, row.refresh_token));
    } catch (error) {
      // A refused refresh (revoked, expired) ends the session: the runner signs in again.
      if (error instanceof oidc.ResponseBodyError) {
        this.logger.info({ error: error.error }, 'refresh refused; session ended');
        await this.store.deleteSession(row.id_hash);
        return undefined;
      }
      throw error;
    }
    const updated = {
      access_token: this.#sealer.seal(row.id_hash, tokens.accessToken),
      access_expires_at: tokens.accessExpiresAt,
      refresh_token: tokens.refreshToken ? this.#sealer.seal(row.id_hash, tokens.refreshToken) : row.refresh_token,
    };
    if (!(await this.store.replaceTokens(row.id_hash, row.refresh_token, updated))) {
      // Another instance refreshed first: use what it stored.
      const winner = await this.store.findSession(row.id_hash, nowSeconds(), this.lifetimes.idle);
      return winner ? this.#active(winner) : undefined;
    }
    return this.#active({ ...row, ...updated });
  }

  #active(row: SessionsTable): ActiveSession {
    return { idHash: row.id_hash, userId: row.user_id, email: row.email, name: row.name, csrfToken: row.csrf_token, accessToken: this.#sealer.open(row.id_hash, row.access_token) };
  }

  /** Compares a request's CSRF token with the session's in constant time. */
  csrfMatches(session: ActiveSession, presented: unknown): boolean {
    if (typeof presented !== 'string' || presented.length !== session.csrfToken.length) return false;
    return timingSafeEqual(Buffer.from(presented), Buffer.from(session.csrfToken));
  }

  /** Ends the session and revokes its refresh token; returns TokenDealer's end-session URL when it has one. */
  async signOut(session: ActiveSession, postLogoutRedirectUri: string): Promise<string | undefined> {
    const row = await this.store.deleteSession(session.idHash);
    if (!row) return undefined;
    if (row.refresh_token) {
      try {
        await this.tokenDealer.revoke(this.#sealer.open(row.id_hash, row.refresh_token));
      } catch (error) {
        this.logger.warn({ err: error }, 'revoking the refresh token at sign-out failed');
      }
    }
    try {
      return await this.tokenDealer.endSessionUrl(row.id_token ? this.#sealer.open(row.id_hash, row.id_token) : null, postLogoutRedirectUri);
    } catch {
      return undefined;
    }
  }
}
