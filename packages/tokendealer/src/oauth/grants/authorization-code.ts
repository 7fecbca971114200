import { hashOpaqueToken } from '../../tokens/opaque-token.js';
import { nowSeconds } from '../../tokendealer.js';
import { InvalidGrant } from '../errors.js';
import { checkCodeVerifier } from '../pkce.js';
import type { Grant } from './grant.js';
import { issueUserAccessToken, issuesRefreshTokens, startRefreshFamily } from './user-tokens.js';

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
    if (code.usedAt !== null) return refuseReplay(codeHash, code.familyId);
    if (code.expiresAt <= now) throw new InvalidGrant('authorization code has expired');
    // RFC 6749 section 4.1.3: the same redirect_uri as in the authorization request.
    if (code.redirectUri !== redirectUri) throw new InvalidGrant('redirect_uri differs from the authorization request');
    checkCodeVerifier(code.codeChallenge, verifier);
    const user = await tokenDealer.activeUser(code.userId);
    if (!user) throw new InvalidGrant('the user of this authorization is no longer active');
    if (!(await codes.markUsed(codeHash, now))) return refuseReplay(codeHash, (await codes.find(codeHash))?.familyId ?? null);

    const grant = { client, userId: code.userId, scopes: code.scopes, audience: code.audience, authTime: code.authTime };
    let refresh: { refreshToken: string; familyId: string } | undefined;
    if (issuesRefreshTokens(client)) {
      refresh = await startRefreshFamily(tokenDealer, grant, now);
      await codes.linkFamily(codeHash, refresh.familyId);
    }
    const response = await issueUserAccessToken(tokenDealer, grant, refresh?.familyId, now);
    return refresh ? { ...response, refresh_token: refresh.refreshToken } : response;

    // A second use: deny, and revoke every token issued from the code (RFC 6749 section 4.1.2, RFC 9700 section 4.5).
    async function refuseReplay(hash: string, familyId: string | null): Promise<never> {
      if (familyId !== null) await tokenDealer.storage.refreshTokens.revokeFamilies([familyId], now);
      tokenDealer.logger.warn({ client_id: client.clientId, code: hash.slice(0, 8) }, 'authorization code replayed: tokens issued from it revoked');
      throw new InvalidGrant('authorization code was already used; the tokens issued from it are revoked');
    }
  },
};
