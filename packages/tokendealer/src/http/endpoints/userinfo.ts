import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { ENDPOINT_PATHS } from '../../tokendealer.js';
import type { FormParameters } from '../../oauth/parameters.js';
import { InsufficientScope, InvalidBearerRequest, InvalidToken, MissingBearerToken } from '../../oauth/errors.js';
import { claimsOfScopes, OPENID_SCOPE, userClaims } from '../../oauth/openid/claims.js';
import { readOwnAccessToken } from './own-tokens.js';
import { allowRegisteredOrigin } from '../cors.js';
import { NO_STORE } from './shared.js';

/** RFC 6750 sections 2.1 and 2.2: the Authorization header, or (POST only) the access_token form field; never both. */
function presentedToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const fromBody = request.method === 'POST' ? (request.body as FormParameters | undefined)?.get('access_token') : undefined;
  if (header !== undefined && fromBody !== undefined) throw new InvalidBearerRequest('send the access token in one way only');
  if (fromBody !== undefined) return fromBody;
  if (header === undefined) throw new MissingBearerToken('a bearer access token is required');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw new InvalidBearerRequest('the Authorization header must be "Bearer <access token>"');
  return match[1]!;
}

/**
 * OpenID Connect Core section 5.3: the claims about the user that the access token's scopes
 * release. The token must be one of ours, active, carry `openid`, and name this issuer among
 * its audiences (every token granted with `openid` does, see userTokenAudience).
 */
export function userinfoEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  app.route({
    method: ['GET', 'POST'],
    url: path,
    handler: async (request, reply) => {
      allowRegisteredOrigin(request, reply, tokenDealer);
      const claims = readOwnAccessToken(tokenDealer, presentedToken(request));
      if (!claims || !tokenDealer.isRegistered(claims.client_id) || (await tokenDealer.storage.revocations.isRevoked(claims.jti))) {
        throw new InvalidToken('the access token is invalid, expired or revoked');
      }
      const audiences = [claims.aud].flat();
      if (!audiences.includes(tokenDealer.issuer) && !audiences.includes(tokenDealer.issuer + ENDPOINT_PATHS.userinfo)) {
        throw new InvalidToken('the access token is not meant for the userinfo endpoint');
      }
      const scopes = claims.scope?.split(' ') ?? [];
      if (!scopes.includes(OPENID_SCOPE)) throw new InsufficientScope('the access token lacks the openid scope', OPENID_SCOPE);
      // A client's own token (client_credentials) names no user.
      const user = claims.sub === claims.client_id ? undefined : await tokenDealer.activeUser(claims.sub);
      if (!user) throw new InvalidToken('the user of this access token is no longer active');
      return reply.headers(NO_STORE).send({ sub: user.userId, ...userClaims(user, claimsOfScopes(scopes)) });
    },
  });
}
