import type { FastifyInstance } from 'fastify';
import { ENDPOINT_PATHS, type TokenDealer } from '../../tokendealer.js';
import { AUTH_METHODS, GRANT_TYPES } from '../../clients/client.js';
import { allowRegisteredOrigin } from '../cors.js';

const CONFIDENTIAL_AUTH_METHODS = AUTH_METHODS.filter((method) => method !== 'none');
const ASSERTION_SIGNING_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'PS384', 'RS256', 'RS384', 'EdDSA'];

/** RFC 8414 section 2: everything a client needs, from the issuer URL alone. */
export function authorizationServerMetadata(tokenDealer: TokenDealer): Record<string, unknown> {
  const issuer = tokenDealer.issuer;
  return {
    issuer,
    authorization_endpoint: issuer + ENDPOINT_PATHS.authorization,
    pushed_authorization_request_endpoint: issuer + ENDPOINT_PATHS.pushedAuthorization,
    token_endpoint: issuer + ENDPOINT_PATHS.token,
    jwks_uri: issuer + ENDPOINT_PATHS.jwks,
    introspection_endpoint: issuer + ENDPOINT_PATHS.introspection,
    revocation_endpoint: issuer + ENDPOINT_PATHS.revocation,
    grant_types_supported: [...GRANT_TYPES],
    // RFC 9700 section 2.1.2: the authorization code only, its response in the query.
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    // RFC 9126 section 5: pushed requests are accepted from every client, required of those registered so.
    require_pushed_authorization_requests: false,
    // RFC 9207 section 3: every authorization response carries iss.
    authorization_response_iss_parameter_supported: true,
    token_endpoint_auth_methods_supported: [...AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGORITHMS,
    introspection_endpoint_auth_methods_supported: CONFIDENTIAL_AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGORITHMS,
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGORITHMS,
    // RFC 9068 tokens: the algorithm resource servers should expect.
    access_token_signing_alg_values_supported: [tokenDealer.config.signingAlg],
  };
}

export function metadataEndpoints(app: FastifyInstance, tokenDealer: TokenDealer): void {
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    app.get(path, async (request, reply) => {
      allowRegisteredOrigin(request, reply, tokenDealer);
      return reply.header('cache-control', 'public, max-age=300').send(authorizationServerMetadata(tokenDealer));
    });
  }
}
