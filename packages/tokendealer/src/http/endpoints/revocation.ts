import type { FastifyInstance } from 'fastify';
import { nowSeconds, type TokenDealer } from '../../tokendealer.js';
import { hashOpaqueToken } from '../../tokens/opaque-token.js';
import { UnauthorizedClient } from '../../oauth/errors.js';
import { readOwnAccessToken } from './own-tokens.js';
import { clientAuthRequest, formParameters, NO_STORE, refuseOtherMethods } from './shared.js';
import { allowClientOrigin } from '../cors.js';

/**
 * RFC 7009: a client revokes its own tokens, access tokens (our JWTs) and refresh tokens (section
 * 2: MUST be supported); revoking a refresh token revokes its whole family and the access tokens
 * issued from it (section 2.1). Unknown, expired or already revoked tokens get 200 as the spec
 * asks (section 2.2); another client's token is refused.
 */
export function revocationEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  app.post(path, async (request, reply) => {
    const params = formParameters(request);
    const client = await tokenDealer.authenticateClient(clientAuthRequest(request, params));
    const token = params.require('token');
    // token_type_hint is only a hint (section 2.1): the token's shape tells a JWT access token from an opaque refresh token.
    const claims = readOwnAccessToken(tokenDealer, token);
    if (claims) {
      if (claims.client_id !== client.clientId) throw new UnauthorizedClient('this token was issued to another client');
      await tokenDealer.storage.revocations.revoke(claims.jti, claims.client_id, claims.exp);
      tokenDealer.metrics.tokensRevoked.inc();
      request.log.info({ jti: claims.jti, client_id: client.clientId }, 'access token revoked');
    } else {
      const found = await tokenDealer.storage.refreshTokens.find(hashOpaqueToken(token));
      if (found) {
        if (found.family.clientId !== client.clientId) throw new UnauthorizedClient('this token was issued to another client');
        if (await tokenDealer.storage.refreshTokens.revokeFamilies([found.family.familyId], nowSeconds())) tokenDealer.metrics.tokensRevoked.inc();
        request.log.info({ family: found.family.familyId, client_id: client.clientId }, 'refresh token family revoked');
      }
    }
    if (request.headers.origin !== undefined) allowClientOrigin(request, reply, client);
    return reply.code(200).headers(NO_STORE).send();
  });
  refuseOtherMethods(app, path, 'POST');
}
