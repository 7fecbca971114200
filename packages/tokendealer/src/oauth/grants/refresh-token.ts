import { hashOpaqueToken, newOpaqueToken } from '../../tokens/opaque-token.js';
import { nowSeconds } from '../../tokendealer.js';
import { InvalidGrant } from '../errors.js';
import { grantScopes } from '../scope.js';
import type { Grant, TokenResponse } from './grant.js';
import { grantsOpenId, idTokenFor } from '../openid/issue-id-token.js';
import { rotatesRefreshTokens, signUserAccessToken } from './user-tokens.js';

/**
 * RFC 6749 section 6, with RFC 9700 section 4.14: refresh tokens rotate on every use; a rotated
 * token presented again revokes its whole family, except once within a short grace period, so
 * that two concurrent refreshes of one client do not log the user out. Only once, and only while
 * its successors are unused: every further use would start another chain that lives on after the
 * grace period (a thief's, for instance), and a use after the successor was used is a replay.
 */
export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope'],
  async handle({ tokenDealer, client, params }) {
    const presented = params.require('refresh_token');
    const store = tokenDealer.storage.refreshTokens;
    const { config } = tokenDealer;
    const now = nowSeconds();
    const tokenHash = hashOpaqueToken(presented);

    const found = await store.find(tokenHash);
    if (!found || found.family.clientId !== client.clientId) throw new InvalidGrant('refresh token is invalid or was issued to another client');
    const { token, family } = found;
    if (family.revokedAt !== null) throw new InvalidGrant('refresh token has been revoked');
    if (family.expiresAt <= now || token.idleExpiresAt <= now) throw new InvalidGrant('refresh token has expired');
    if (token.rotatedAt !== null && now - token.rotatedAt > config.refreshTokenGracePeriod) return revokeOnReplay();
    const user = await tokenDealer.activeUser(family.userId);
    if (!user) throw new InvalidGrant('the user of this authorization is no longer active');
    // A refresh may narrow the scope, never widen it (RFC 6749 section 6).
    const scopes = grantScopes(params.get('scope'), family.scopes);
    const grant = { client, userId: family.userId, scopes, audience: family.audience, authTime: family.authTime };
    const idleExpiresAt = Math.min(now + config.refreshTokenIdleTimeout, family.expiresAt);

    // Signed first, handed out only if the store records it with the renewal: a revocation that
    // commits before the renewal voids the refresh, one that commits after finds it to revoke.
    const access = signUserAccessToken(tokenDealer, grant, now);
    // OpenID Connect Core section 12.2: a new ID token, for the same authentication (auth_time) and without nonce.
    const idToken = grantsOpenId(scopes)
      ? idTokenFor(tokenDealer, { ...grant, user, nonce: null, sid: family.sid ?? null, idTokenClaims: family.idTokenClaims ?? null }, access.response.access_token, now)
      : undefined;
    const withIdToken = (response: TokenResponse): TokenResponse => (idToken ? { ...response, id_token: idToken } : response);
    const issued = { jti: access.jti, expiresAt: access.expiresAt };
    if (!rotatesRefreshTokens(client)) {
      if ((await store.touch(token, idleExpiresAt, issued, now)) === 'family-revoked') return familyRevoked();
      return withIdToken(access.response);
    }
    const successor = newOpaqueToken();
    const record = { tokenHash: successor.hash, familyId: family.familyId, createdAt: now, idleExpiresAt, rotatedAt: null, parentHash: tokenHash };
    // A concurrent refresh may rotate the token first; then this use is the grace case: the one
    // extra successor the rotated token may have, or a replay.
    let outcome = token.rotatedAt === null ? await store.rotate(tokenHash, record, issued, now) : 'used';
    if (outcome === 'used') outcome = await store.addGraceSuccessor(tokenHash, record, issued, now);
    if (outcome === 'family-revoked') return familyRevoked();
    if (outcome === 'used') return revokeOnReplay();
    return withIdToken({ ...access.response, refresh_token: successor.value });

    // The family was revoked after it was read above (a replay caught by another request, the
    // app revoked, a password reset): nothing was renewed, and the signed token is never shown.
    function familyRevoked(): never {
      throw new InvalidGrant('refresh token has been revoked');
    }

    async function revokeOnReplay(): Promise<never> {
      await store.revokeFamilies([family.familyId], now);
      tokenDealer.logger.warn({ client_id: client.clientId, family: family.familyId }, 'rotated refresh token replayed: family revoked');
      throw new InvalidGrant('refresh token was already used; all tokens of this authorization are revoked');
    }
  },
};
