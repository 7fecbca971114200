import { randomBytes } from 'node:crypto';
import type { StravaScope } from './scopes.js';

/** An athlete's authorization of an application, which webhooks and deauthorization act on. */
export interface Grant {
  athleteId: number;
  clientId: string;
  scopes: StravaScope[];
}

export interface AccessToken {
  token: string;
  athleteId: number;
  clientId: string;
  scopes: StravaScope[];
  /** Epoch seconds. */
  expiresAt: number;
}

interface RefreshToken {
  token: string;
  athleteId: number;
  clientId: string;
  scopes: StravaScope[];
  /** The access token last handed out with it. */
  accessToken: string;
}

interface AuthorizationCode {
  clientId: string;
  athleteId: number;
  scopes: StravaScope[];
  /** Epoch seconds. */
  expiresAt: number;
}

export interface IssuedTokens {
  access: AccessToken;
  refreshToken: string;
}

/** Codes live ten minutes and are single use. */
export const CODE_TTL_SECONDS = 600;
/** Strava hands out the same access token on refresh until it has less than an hour left. */
export const REUSE_ACCESS_TOKEN_ABOVE_SECONDS = 3600;

const SWEEP_ABOVE = 10_000;

/** 40 hex digits, the shape of Strava's tokens; 160 random bits. */
function newToken(): string {
  return randomBytes(20).toString('hex');
}

const grantKey = (athleteId: number, clientId: string) => `${clientId}:${athleteId}`;

export class TokenStore {
  private readonly grants = new Map<string, Grant>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(
    private readonly clock: () => number,
    private readonly tokenTtlSeconds: number,
  ) {}

  private now(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** The athlete approved the application: record the grant and hand out a code. */
  authorize(clientId: string, athleteId: number, scopes: StravaScope[]): string {
    this.grants.set(grantKey(athleteId, clientId), { athleteId, clientId, scopes });
    const code = newToken();
    this.codes.set(code, { clientId, athleteId, scopes, expiresAt: this.now() + CODE_TTL_SECONDS });
    return code;
  }

  grant(athleteId: number, clientId: string): Grant | undefined {
    return this.grants.get(grantKey(athleteId, clientId));
  }

  grantsOf(athleteId: number): Grant[] {
    return [...this.grants.values()].filter((grant) => grant.athleteId === athleteId);
  }

  /** Exchanges a code once; an unknown, used, expired or other application's code gives undefined. */
  redeemCode(clientId: string, code: string): IssuedTokens | undefined {
    const entry = this.codes.get(code);
    if (!entry || entry.clientId !== clientId) return undefined;
    this.codes.delete(code);
    if (entry.expiresAt <= this.now() || !this.grants.has(grantKey(entry.athleteId, clientId))) return undefined;
    const access = this.mintAccessToken(entry.clientId, entry.athleteId, entry.scopes);
    const refreshToken = newToken();
    this.refreshTokens.set(refreshToken, { token: refreshToken, athleteId: entry.athleteId, clientId, scopes: entry.scopes, accessToken: access.token });
    return { access, refreshToken };
  }

  /**
   * Rotates the refresh token (the old one stops working at once) and returns the current access
   * token while it has at least an hour left, a new one otherwise (Strava's documented rule).
   */
  refresh(clientId: string, refreshToken: string): IssuedTokens | undefined {
    const entry = this.refreshTokens.get(refreshToken);
    if (!entry || entry.clientId !== clientId) return undefined;
    this.refreshTokens.delete(refreshToken);
    const current = this.accessTokens.get(entry.accessToken);
    const access =
      current && current.expiresAt - this.now() >= REUSE_ACCESS_TOKEN_ABOVE_SECONDS ? current : this.mintAccessToken(clientId, entry.athleteId, entry.scopes);
    const rotated = newToken();
    this.refreshTokens.set(rotated, { ...entry, token: rotated, accessToken: access.token });
    return { access, refreshToken: rotated };
  }

  /** The access token's record, expired or not (the caller decides), or undefined when unknown. */
  accessToken(token: string): AccessToken | undefined {
    return this.accessTokens.get(token);
  }

  isExpired(access: AccessToken): boolean {
    return access.expiresAt <= this.now();
  }

  /** Ends the link: the grant, its codes, access and refresh tokens. Returns whether there was one. */
  deauthorize(athleteId: number, clientId: string): boolean {
    const existed = this.grants.delete(grantKey(athleteId, clientId));
    const belongs = (entry: { athleteId: number; clientId: string }) => entry.athleteId === athleteId && entry.clientId === clientId;
    for (const [key, entry] of this.codes) if (belongs(entry)) this.codes.delete(key);
    for (const [key, entry] of this.accessTokens) if (belongs(entry)) this.accessTokens.delete(key);
    for (const [key, entry] of this.refreshTokens) if (belongs(entry)) this.refreshTokens.delete(key);
    return existed;
  }

  /** Makes the athlete's access tokens expire now (for one application or all); refresh tokens still work. */
  expireAccessTokens(athleteId: number, clientId?: string): number {
    let count = 0;
    for (const entry of this.accessTokens.values()) {
      if (entry.athleteId === athleteId && (clientId === undefined || entry.clientId === clientId) && entry.expiresAt > this.now()) {
        entry.expiresAt = this.now();
        count++;
      }
    }
    return count;
  }

  /** Forgets codes and access tokens a day past expiry, so a long-running sandbox stays small. */
  private sweep(): void {
    if (this.accessTokens.size + this.codes.size < SWEEP_ABOVE) return;
    const horizon = this.now() - 86_400;
    for (const [key, entry] of this.accessTokens) if (entry.expiresAt < horizon) this.accessTokens.delete(key);
    for (const [key, entry] of this.codes) if (entry.expiresAt < horizon) this.codes.delete(key);
  }

  private mintAccessToken(clientId: string, athleteId: number, scopes: StravaScope[]): AccessToken {
    this.sweep();
    const access: AccessToken = { token: newToken(), athleteId, clientId, scopes, expiresAt: this.now() + this.tokenTtlSeconds };
    this.accessTokens.set(access.token, access);
    return access;
  }
}
