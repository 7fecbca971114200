import type { FastifyInstance } from 'fastify';
import { nowSeconds, type TokenDealer } from '../../tokendealer.js';
import type { ClientRecord } from '../../clients/client.js';
import { readOwnAccessToken } from './own-tokens.js';
import { InvalidClient } from '../../oauth/errors.js';
import { mayIntrospectAccessToken } from '../../oauth/introspection-rights.js';
import { hashOpaqueToken } from '../../tokens/opaque-token.js';
import { clientAuthRequest, formParameters, NO_STORE, refuseOtherMethods } from './shared.js';

const INACTIVE = { active: false } as const;

/**
 * RFC 7662, for authenticated (confidential) clients. An access token is reported active only to
 * the resource server of one of its audiences or to the client it was issued to, a refresh token
 * only to its client; everyone else gets `active: false`, as for a token that does not exist
 * (section 4: the answer must not tell a caller about tokens it has no business with).
 */
export function introspectionEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  app.post(path, async (request, reply) => {
    const params = formParameters(request);
    const caller = await tokenDealer.authenticateClient(clientAuthRequest(request, params));
    // RFC 7662 section 2.1: the endpoint is for authenticated (confidential) clients.
    if (caller.authMethod === 'none') throw new InvalidClient('a public client may not introspect tokens');
    const token = params.require('token');
    reply.headers(NO_STORE);
    const claims = readOwnAccessToken(tokenDealer, token);
    if (!claims) return introspectRefreshToken(tokenDealer, caller, token);
    // A deleted client's tokens die with it.
    if (!mayIntrospectAccessToken(caller, claims) || !tokenDealer.isRegistered(claims.client_id) || (await tokenDealer.storage.revocations.isRevoked(claims.jti))) {
      return INACTIVE;
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

/** A refresh token is active for its own client while it would be accepted: not rotated, revoked or expired. */
async function introspectRefreshToken(tokenDealer: TokenDealer, caller: ClientRecord, token: string): Promise<Record<string, unknown>> {
  const found = await tokenDealer.storage.refreshTokens.find(hashOpaqueToken(token));
  if (!found || found.family.clientId !== caller.clientId) return INACTIVE;
  const { token: record, family } = found;
  const now = nowSeconds();
  if (family.revokedAt !== null || record.rotatedAt !== null || family.expiresAt <= now || record.idleExpiresAt <= now) return INACTIVE;
  return {
    active: true,
    scope: family.scopes.join(' '),
    client_id: family.clientId,
    sub: family.userId,
    aud: family.audience,
    iss: tokenDealer.issuer,
    exp: Math.min(family.expiresAt, record.idleExpiresAt),
    iat: record.createdAt,
  };
}
