import type { TokenDealer } from '../../tokendealer.js';
import { newOpaqueToken } from '../../tokens/opaque-token.js';
import { grantsOpenId } from '../openid/issue-id-token.js';
import type { AuthorizationRequest } from './authorization-request.js';

/** RFC 9700 section 4.5 / FAPI 2.0: codes are single use and live at most 60 seconds. */
export const CODE_LIFETIME_SECONDS = 60;

export interface CodeGrant {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  audience: string | string[];
  codeChallenge: string | null;
  authTime: number;
  /** OpenID Connect (null without the openid scope). */
  nonce: string | null;
  sid: string | null;
  idTokenClaims: string[] | null;
}

/** The code's grant for a signed-in user, from a validated request. */
export function codeGrantOf(request: AuthorizationRequest, user: { userId: string; authTime: number; sid: string }): CodeGrant {
  const openId = grantsOpenId(request.scopes);
  return {
    clientId: request.client.clientId,
    userId: user.userId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    audience: request.audience,
    codeChallenge: request.codeChallenge,
    authTime: user.authTime,
    nonce: request.openId.nonce,
    sid: openId ? user.sid : null,
    idTokenClaims: request.openId.idTokenClaims,
  };
}

/** A 256-bit code, stored only as its hash, bound to everything the token request must match. */
export async function issueAuthorizationCode(tokenDealer: TokenDealer, grant: CodeGrant, now: number): Promise<string> {
  const code = newOpaqueToken();
  await tokenDealer.storage.authorizationCodes.create({ codeHash: code.hash, ...grant, createdAt: now, expiresAt: now + CODE_LIFETIME_SECONDS });
  return code.value;
}
