import { hashOpaqueToken } from '../../tokens/opaque-token.js';
import { nowSeconds } from '../../tokendealer.js';
import { InvalidGrant } from '../errors.js';
import { checkCodeVerifier } from '../pkce.js';
import type { Grant } from './grant.js';
import { grantsOpenId, idTokenFor } from '../openid/issue-id-token.js';
import { issuesRefreshTokens, newRefreshFamily, signUserAccessToken } from './user-tokens.js';

/** RFC 6749 section 4.1.3: a code, bound to client, redirect URI and PKCE challenge, for the user's tokens. */
export const authorizationCodeGrant: Grant = {
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  async handle({ tokenDealer, client, params }) {
    const codeValue = params.require('code');
    const redirectUri = params.require('redirect_uri');
    const verifier = params.get('code_verifier');
    const codes = tokenDealer.storage.authorizationCodes;
    const now = nowSeconds();
    const codeHash = hashOpaqueToken(codeValue);

    const code = await codes.find(codeHash);
    if (!code || code.clientId !== client.clientId) throw new InvalidGrant('authorization code is invalid or was issued to another client');
    if (code.usedAt !== null) return refuseReplay();
    if (code.expiresAt <= now) throw new InvalidGrant('authorization code has expired');
    // RFC 6749 section 4.1.3: the same redirect_uri as in the authorization request.
    if (code.redirectUri !== redirectUri) throw new InvalidGrant('redirect_uri differs from the authorization request');
    checkCodeVerifier(code.codeChallenge, verifier);
    const user = await tokenDealer.activeUser(code.userId);
    if (!user) throw new InvalidGrant('the user of this authorization is no longer active');

    // Signed and prepared first, then recorded with the code's use in one transaction: a replay
    // at any moment finds everything the code led to, the access token included.
    const grant = { client, userId: code.userId, scopes: code.scopes, audience: code.audience, authTime: code.authTime, sid: code.sid, idTokenClaims: code.idTokenClaims };
    const access = signUserAccessToken(tokenDealer, grant, now);
    const idToken = grantsOpenId(code.scopes) ? idTokenFor(tokenDealer, { ...grant, user, nonce: code.nonce }, access.response.access_token, now) : undefined;
    const refresh = issuesRefreshTokens(client) ? newRefreshFamily(tokenDealer, grant, now) : undefined;
    const outcome = await codes.redeem(code, now, {
      accessToken: { jti: access.jti, expiresAt: access.expiresAt },
      ...(refresh ? { family: { family: refresh.family, first: refresh.first } } : {}),
    });
    if (outcome === 'replayed') return refuseReplay();
    if (outcome === 'consent-revoked') {
      tokenDealer.logger.info({ client_id: client.clientId, user_id: code.userId }, 'authorization code refused: the user revoked the app since');
      throw new InvalidGrant('the user has revoked this authorization');
    }
    return { ...access.response, ...(refresh ? { refresh_token: refresh.refreshToken } : {}), ...(idToken ? { id_token: idToken } : {}) };

    // A second use: deny, and revoke every token issued from the code (RFC 6749 section 4.1.2, RFC 9700 section 4.5).
    async function refuseReplay(): Promise<never> {
      await codes.revokeIssued(codeHash, now);
      tokenDealer.logger.warn({ client_id: client.clientId, code: codeHash.slice(0, 8) }, 'authorization code replayed: tokens issued from it revoked');
      throw new InvalidGrant('authorization code was already used; the tokens issued from it are revoked');
    }
  },
};
