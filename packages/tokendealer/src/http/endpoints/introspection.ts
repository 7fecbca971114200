import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { readOwnAccessToken } from './own-tokens.js';
import { InvalidClient } from '../../oauth/errors.js';
import { clientAuthRequest, formParameters, NO_STORE, refuseOtherMethods } from './shared.js';

/**
 * RFC 7662: any authenticated client may ask. Our tokens are JWTs whose claims the holder can
 * read anyway, so the answer reveals only whether the token is still active.
 */
export function introspectionEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  app.post(path, async (request, reply) => {
    const params = formParameters(request);
    const caller = await tokenDealer.authenticateClient(clientAuthRequest(request, params));
    // RFC 7662 section 2.1: the endpoint is for authenticated (confidential) clients.
    if (caller.authMethod === 'none') throw new InvalidClient('a public client may not introspect tokens');
    const token = params.require('token');
    const claims = readOwnAccessToken(tokenDealer, token);
    reply.headers(NO_STORE);
    // A deleted client's tokens die with it.
    if (!claims || !tokenDealer.isRegistered(claims.client_id) || (await tokenDealer.storage.revocations.isRevoked(claims.jti))) {
      return { active: false };
    }
    return {
      active: true,
      token_type: 'Bearer',
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
    };
  });
  refuseOtherMethods(app, path, 'POST');
}
