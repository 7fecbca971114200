import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { isScopeToken } from '../oauth/scope.js';
import { isAbsoluteUri } from '../oauth/audience.js';
import { AUTH_METHODS, GRANT_TYPES, type AuthMethod } from './client.js';
import { ID_TOKEN_ALGORITHMS, type IdTokenAlgorithm } from '../keys/algorithms.js';
import { originOf, redirectUriProblem } from './redirect-uris.js';

export class ClientValidationError extends Error {}

export interface NewClient {
  name: string;
  grantTypes: string[];
  scopes: string[];
  audiences: string[];
  authMethod?: string;
  jwks?: unknown;
  jwksUri?: string;
  redirectUris?: string[];
  allowedOrigins?: string[];
  resourceServers?: string[];
  requirePar?: boolean;
  rotateRefreshTokens?: boolean;
  postLogoutRedirectUris?: string[];
  firstParty?: boolean;
  idTokenSignedResponseAlg?: string;
}

export interface ValidClient {
  name: string;
  grantTypes: string[];
  scopes: string[];
  audiences: string[];
  authMethod: AuthMethod;
  jwks: JSONWebKeySet | null;
  jwksUri: string | null;
  redirectUris: string[];
  allowedOrigins: string[];
  resourceServers: string[];
  requirePar: boolean;
  rotateRefreshTokens: boolean;
  postLogoutRedirectUris: string[];
  firstParty: boolean;
  idTokenSignedResponseAlg: IdTokenAlgorithm;
}

const PLAIN_AUDIENCE = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function hasControlCharacters(value: string): boolean {
  return [...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

function fail(message: string): never {
  throw new ClientValidationError(message);
}

function checkAudience(audience: string, what: string): void {
  const valid = audience.length <= 512 && (PLAIN_AUDIENCE.test(audience) || (isAbsoluteUri(audience) && !audience.includes('#')));
  if (!valid) fail(`invalid ${what} "${audience}": use a plain name such as runnerly.io or an absolute URI without fragment`);
}

export function validateNewClient(input: NewClient): ValidClient {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200 || hasControlCharacters(name)) fail('name must be 1 to 200 printable characters');

  // No grant at all is allowed: such a client (a resource server) may only introspect and revoke.
  for (const grant of input.grantTypes) {
    if (!(GRANT_TYPES as readonly string[]).includes(grant)) fail(`unsupported grant type "${grant}" (supported: ${GRANT_TYPES.join(', ')})`);
  }

  if (input.scopes.length > 100) fail('at most 100 scopes');
  for (const scope of input.scopes) {
    if (!isScopeToken(scope) || scope.length > 128) fail(`invalid scope "${scope}"`);
  }

  if (input.audiences.length === 0 && input.grantTypes.includes('client_credentials')) fail('at least one audience is required for client_credentials');
  if (input.audiences.length > 20) fail('at most 20 audiences');
  for (const audience of input.audiences) checkAudience(audience, 'audience');

  const resourceServers = [...new Set(input.resourceServers ?? [])];
  if (resourceServers.length > 20) fail('at most 20 resource-server audiences');
  for (const audience of resourceServers) checkAudience(audience, 'resource-server audience');

  const authMethod = (input.authMethod ?? 'client_secret_basic') as AuthMethod;
  if (!AUTH_METHODS.includes(authMethod)) fail(`unsupported auth method "${input.authMethod}" (supported: ${AUTH_METHODS.join(', ')})`);

  let jwks: JSONWebKeySet | null = null;
  let jwksUri: string | null = null;
  if (authMethod === 'private_key_jwt') {
    if ((input.jwks === undefined) === (input.jwksUri === undefined)) fail('private_key_jwt needs exactly one of jwks or jwks_uri');
    if (input.jwks !== undefined) jwks = validateJwks(input.jwks);
    if (input.jwksUri !== undefined) jwksUri = validateJwksUri(input.jwksUri);
  } else if (input.jwks !== undefined || input.jwksUri !== undefined) {
    fail(`jwks and jwks_uri are only for private_key_jwt, not ${authMethod}`);
  }

  const redirectUris = [...new Set(input.redirectUris ?? [])];
  if (redirectUris.length > 20) fail('at most 20 redirect URIs');
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) fail(`invalid redirect URI "${uri}": it ${problem}`);
  }
  const usesCode = input.grantTypes.includes('authorization_code');
  if (usesCode && redirectUris.length === 0) fail('authorization_code needs at least one redirect URI');
  if (!usesCode && redirectUris.length > 0) fail('redirect URIs are only for the authorization_code grant');
  if (input.grantTypes.includes('refresh_token') && !usesCode) fail('refresh_token is only issued with authorization_code');
  if (authMethod === 'none') {
    // A public client cannot keep a secret, so it cannot act on its own behalf.
    if (input.grantTypes.includes('client_credentials')) fail('a public client (auth method none) cannot use client_credentials');
    if (!usesCode) fail('a public client (auth method none) must use authorization_code');
  }

  const allowedOrigins = [...new Set(input.allowedOrigins ?? (authMethod === 'none' ? redirectUris.map(originOf).filter((origin) => origin !== undefined) : []))];
  if (allowedOrigins.length > 20) fail('at most 20 allowed origins');
  for (const origin of allowedOrigins) {
    if (originOf(origin) !== origin) fail(`invalid origin "${origin}": use scheme://host[:port] without a path or trailing slash`);
  }

  // OpenID Connect RP-Initiated Logout section 3.1: registered, compared exactly, like redirect URIs.
  const postLogoutRedirectUris = [...new Set(input.postLogoutRedirectUris ?? [])];
  if (postLogoutRedirectUris.length > 20) fail('at most 20 post-logout redirect URIs');
  for (const uri of postLogoutRedirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) fail(`invalid post-logout redirect URI "${uri}": it ${problem}`);
  }
  if (!usesCode && postLogoutRedirectUris.length > 0) fail('post-logout redirect URIs are only for clients that sign users in (authorization_code)');
  const firstParty = input.firstParty ?? false;
  if (firstParty && !usesCode) fail('first party only matters to clients that sign users in (authorization_code)');
  const idTokenSignedResponseAlg = (input.idTokenSignedResponseAlg ?? 'RS256') as IdTokenAlgorithm;
  if (!ID_TOKEN_ALGORITHMS.includes(idTokenSignedResponseAlg)) {
    fail(`unsupported id_token_signed_response_alg "${input.idTokenSignedResponseAlg}" (supported: ${ID_TOKEN_ALGORITHMS.join(', ')})`);
  }

  return {
    name,
    postLogoutRedirectUris,
    firstParty,
    idTokenSignedResponseAlg,
    redirectUris,
    allowedOrigins,
    resourceServers,
    requirePar: input.requirePar ?? false,
    rotateRefreshTokens: input.rotateRefreshTokens ?? true,
    grantTypes: [...new Set(input.grantTypes)],
    scopes: [...new Set(input.scopes)],
    audiences: [...new Set(input.audiences)],
    authMethod,
    jwks,
    jwksUri,
  };
}

/** Keeps only the public part of each key (and its kid, alg, use): private members never get stored or shown. */
function validateJwks(value: unknown): JSONWebKeySet {
  const keys = (value as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 20) fail('jwks must be an object with 1 to 20 keys');
  const publicKeys = (keys as Record<string, unknown>[]).map((key) => {
    if (typeof key !== 'object' || key === null) fail('jwks keys must be objects');
    if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'].some((member) => member in key)) fail('jwks must hold public keys only');
    let exported: Record<string, unknown>;
    try {
      exported = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ format: 'jwk' }) as Record<string, unknown>;
    } catch {
      fail(`jwks key ${typeof key.kid === 'string' ? key.kid : ''} is not a valid public key`);
    }
    for (const member of ['kid', 'alg', 'use'] as const) {
      if (typeof key[member] === 'string') exported[member] = key[member];
    }
    return exported;
  });
  return { keys: publicKeys } as unknown as JSONWebKeySet;
}

function validateJwksUri(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail('jwks_uri must be an absolute URL');
  }
  // Plain http only for the client's own machine (development); keys travel over TLS otherwise.
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure || url.hash || url.username || url.password) fail('jwks_uri must be an https URL without credentials or fragment');
  return url.toString();
}
