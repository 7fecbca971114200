import type { ClientRecord } from '../../clients/client.js';
import { issueAccessToken } from '../../tokens/jwt-access-token.js';
import { newOpaqueToken } from '../../tokens/opaque-token.js';
import { randomIdentifier } from '../../crypto/random.js';
import type { TokenDealer } from '../../tokendealer.js';
import type { RefreshFamilyRecord, RefreshTokenRecord } from '../../storage/refresh-token-store.js';
import type { TokenResponse } from './grant.js';
import { grantsOpenId } from '../openid/issue-id-token.js';

export interface UserGrant {
  client: ClientRecord;
  userId: string;
  scopes: string[];
  audience: string | string[];
  authTime: number;
  /** OpenID Connect: the session the grant started in and the claims asked for in ID tokens. */
  sid?: string | null;
  idTokenClaims?: string[] | null;
}

/**
 * With `openid`, the access token is also for the userinfo endpoint: its audience names the
 * issuer next to the resources the client asked for.
 */
export function userTokenAudience(tokenDealer: TokenDealer, grant: Pick<UserGrant, 'audience' | 'scopes'>): string | string[] {
  if (!grantsOpenId(grant.scopes)) return grant.audience;
  const audience = [...new Set([...[grant.audience].flat(), tokenDealer.issuer])];
  return audience.length === 1 ? audience[0]! : audience;
}

/** Whether a client gets refresh tokens: it must be registered for the refresh_token grant. */
export function issuesRefreshTokens(client: ClientRecord): boolean {
  return client.grantTypes.includes('refresh_token');
}

/** Public clients always rotate (RFC 9700 section 2.2.2); confidential ones follow their policy. */
export function rotatesRefreshTokens(client: ClientRecord): boolean {
  return client.authMethod === 'none' || client.rotateRefreshTokens;
}

/** An access token acting for the user (sub = the user's stable id), signed but not yet recorded anywhere. */
export function signUserAccessToken(tokenDealer: TokenDealer, grant: UserGrant, now: number): { response: TokenResponse; jti: string; expiresAt: number } {
  const lifetime = tokenDealer.config.accessTokenTtl;
  const issued = issueAccessToken(tokenDealer.keyRing.signingKey, {
    issuer: tokenDealer.issuer,
    subject: grant.userId,
    clientId: grant.client.clientId,
    audience: userTokenAudience(tokenDealer, grant),
    scopes: grant.scopes,
    lifetimeSeconds: lifetime,
    now,
  });
  return {
    response: {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: lifetime,
      ...(grant.scopes.length > 0 ? { scope: grant.scopes.join(' ') } : {}),
    },
    jti: issued.jti,
    expiresAt: issued.expiresAt,
  };
}

/** A refresh token family for a fresh authorization, not yet stored: the records and the token to hand out. */
export function newRefreshFamily(tokenDealer: TokenDealer, grant: UserGrant, now: number): { family: RefreshFamilyRecord; first: RefreshTokenRecord; refreshToken: string } {
  const { config } = tokenDealer;
  const family: RefreshFamilyRecord = {
    familyId: randomIdentifier(16),
    clientId: grant.client.clientId,
    userId: grant.userId,
    scopes: grant.scopes,
    audience: grant.audience,
    authTime: grant.authTime,
    createdAt: now,
    expiresAt: now + config.refreshTokenLifetime,
    revokedAt: null,
    sid: grant.sid ?? null,
    idTokenClaims: grant.idTokenClaims ?? null,
  };
  const token = newOpaqueToken();
  const first: RefreshTokenRecord = {
    tokenHash: token.hash,
    familyId: family.familyId,
    createdAt: now,
    idleExpiresAt: Math.min(now + config.refreshTokenIdleTimeout, family.expiresAt),
    rotatedAt: null,
  };
  return { family, first, refreshToken: token.value };
}
