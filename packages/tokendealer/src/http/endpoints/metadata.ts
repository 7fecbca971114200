import type { FastifyInstance } from 'fastify';
import { ENDPOINT_PATHS, type TokenDealer } from '../../tokendealer.js';
import { AUTH_METHODS, GRANT_TYPES } from '../../clients/client.js';
import { allowRegisteredOrigin } from '../cors.js';
import { ID_TOKEN_ALGORITHMS } from '../../keys/algorithms.js';
import { OPENID_SCOPE, SCOPE_CLAIMS, USER_CLAIMS } from '../../oauth/openid/claims.js';

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

/**
 * OpenID Connect Discovery 1.0 section 3: the OpenID Provider metadata, the RFC 8414 metadata
 * with what OpenID Connect adds (userinfo, end session, ID token algorithms, claims).
 */
export function openIdProviderMetadata(tokenDealer: TokenDealer): Record<string, unknown> {
  const issuer = tokenDealer.issuer;
  return {
    ...authorizationServerMetadata(tokenDealer),
    userinfo_endpoint: issuer + ENDPOINT_PATHS.userinfo,
    // OpenID Connect RP-Initiated Logout 1.0 section 2.1.
    end_session_endpoint: issuer + ENDPOINT_PATHS.endSession,
    // The OpenID Connect scopes; a client may also hold the API scopes it was registered with.
    scopes_supported: [OPENID_SCOPE, ...Object.keys(SCOPE_CLAIMS)],
    subject_types_supported: ['public'],
    // Section 3: RS256 must be offered; it is the default of every client.
    id_token_signing_alg_values_supported: [...ID_TOKEN_ALGORITHMS],
    claims_supported: ['iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid', 'amr', ...USER_CLAIMS],
    claims_parameter_supported: true,
    // Request objects are not supported; request_uri only names a pushed request (RFC 9126).
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent'],
    display_values_supported: ['page'],
    claim_types_supported: ['normal'],
    frontchannel_logout_supported: false,
    backchannel_logout_supported: false,
  };
}

export function metadataEndpoints(app: FastifyInstance, tokenDealer: TokenDealer): void {
  const documents = {
    '/.well-known/oauth-authorization-server': authorizationServerMetadata,
    '/.well-known/openid-configuration': openIdProviderMetadata,
  };
  for (const [path, document] of Object.entries(documents)) {
    app.get(path, async (request, reply) => {
      allowRegisteredOrigin(request, reply, tokenDealer);
      return reply.header('cache-control', 'public, max-age=300').send(document(tokenDealer));
    });
  }
}
