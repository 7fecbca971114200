import type { ClientRecord } from '../../clients/client.js';
import type { UserRecord } from '../../accounts/user.js';
import type { TokenDealer } from '../../tokendealer.js';
import { issueIdToken } from '../../tokens/id-token.js';
import { OPENID_SCOPE, userClaims } from './claims.js';

export interface IdTokenGrant {
  client: ClientRecord;
  user: UserRecord;
  scopes: readonly string[];
  authTime: number;
  nonce: string | null;
  sid: string | null;
  /** Claims the authorization request asked for in the ID token (claims parameter), already limited to the scopes. */
  idTokenClaims: readonly string[] | null;
}

export function grantsOpenId(scopes: readonly string[]): boolean {
  return scopes.includes(OPENID_SCOPE);
}

/**
 * The ID token of a code or refresh token grant with `openid`, signed with the client's
 * algorithm. It lives as long as the access token: the key that signed it stays published that
 * long after a rotation. With the `email` scope it carries the email claims (what a sign-in
 * needs); other claims come from the userinfo endpoint, or here when the claims parameter asked.
 */
export function idTokenFor(tokenDealer: TokenDealer, grant: IdTokenGrant, accessToken: string, now: number): string {
  const names = [...(grant.scopes.includes('email') ? ['email', 'email_verified'] : []), ...(grant.idTokenClaims ?? [])];
  return issueIdToken(tokenDealer.keyRing.idTokenKey(grant.client.idTokenSignedResponseAlg), {
    issuer: tokenDealer.issuer,
    subject: grant.user.userId,
    clientId: grant.client.clientId,
    authTime: grant.authTime,
    nonce: grant.nonce,
    sid: grant.sid,
    accessToken,
    userClaims: userClaims(grant.user, [...new Set(names)]),
    lifetimeSeconds: tokenDealer.config.accessTokenTtl,
    now,
  });
}
