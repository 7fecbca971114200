import type { JSONWebKeySet } from 'jose';
import type { IdTokenAlgorithm } from '../keys/algorithms.js';

/** 'none' is a public client (a single-page or native app): no secret, PKCE required. */
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export interface ClientRecord {
  clientId: string;
  name: string;
  grantTypes: string[];
  scopes: string[];
  /** Plain names such as runnerly.io or absolute URIs such as https://api.runnerly.io; the first is the default. */
  audiences: string[];
  authMethod: AuthMethod;
  secretHash: string | null;
  jwks: JSONWebKeySet | null;
  jwksUri: string | null;
  /** Exact redirect URIs for the authorization code grant (RFC 9700 section 2.1). */
  redirectUris: string[];
  /** Browser origins allowed to call the token and revocation endpoints (CORS). */
  allowedOrigins: string[];
  /** Audiences this client serves as a resource server: it may introspect tokens for them (RFC 7662 section 4). */
  resourceServers: string[];
  /** Authorization requests only through pushed authorization requests (RFC 9126). */
  requirePar: boolean;
  /** Whether a confidential client's refresh tokens rotate on use (public clients' always do). */
  rotateRefreshTokens: boolean;
  /** OpenID Connect RP-Initiated Logout: where the end-session endpoint may send the user back (exact match). */
  postLogoutRedirectUris: string[];
  /** The installation's own app (the dashboard): no consent page, the consent is still recorded. */
  firstParty: boolean;
  /** How its ID tokens are signed (OpenID Connect Dynamic Client Registration metadata of the same name). */
  idTokenSignedResponseAlg: IdTokenAlgorithm;
  createdAt: number;
  updatedAt: number;
}

/** What is safe to show of a client: never its secret hash. */
export interface ClientView {
  client_id: string;
  client_name: string;
  grant_types: string[];
  scope: string;
  audiences: string[];
  token_endpoint_auth_method: AuthMethod;
  jwks?: JSONWebKeySet;
  jwks_uri?: string;
  redirect_uris: string[];
  allowed_origins: string[];
  resource_servers: string[];
  require_pushed_authorization_requests: boolean;
  rotate_refresh_tokens: boolean;
  post_logout_redirect_uris: string[];
  first_party: boolean;
  id_token_signed_response_alg: IdTokenAlgorithm;
  created_at: string;
  updated_at: string;
}

export function viewClient(client: ClientRecord): ClientView {
  return {
    client_id: client.clientId,
    client_name: client.name,
    grant_types: client.grantTypes,
    scope: client.scopes.join(' '),
    audiences: client.audiences,
    token_endpoint_auth_method: client.authMethod,
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    redirect_uris: client.redirectUris,
    allowed_origins: client.allowedOrigins,
    resource_servers: client.resourceServers,
    require_pushed_authorization_requests: client.requirePar,
    rotate_refresh_tokens: client.authMethod === 'none' || client.rotateRefreshTokens,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    first_party: client.firstParty,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    created_at: new Date(client.createdAt * 1000).toISOString(),
    updated_at: new Date(client.updatedAt * 1000).toISOString(),
  };
}
