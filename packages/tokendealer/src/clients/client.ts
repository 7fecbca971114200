import type { JSONWebKeySet } from 'jose';

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const GRANT_TYPES = ['client_credentials'] as const;
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
    created_at: new Date(client.createdAt * 1000).toISOString(),
    updated_at: new Date(client.updatedAt * 1000).toISOString(),
  };
}
