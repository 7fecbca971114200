// Tables of the authorization endpoint (migration 005).

export interface PushedAuthorizationRequestsTable {
  /** SHA-256 of the random part of the request_uri. */
  request_hash: string;
  client_id: string;
  /** The pushed authorization parameters, as JSON (name to values). */
  parameters: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface PendingAuthorizationsTable {
  /** SHA-256 of the id carried by the consent form. */
  pending_hash: string;
  session_hash: string;
  /** The validated authorization request, as JSON. */
  request: string;
  created_at: number;
  expires_at: number;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  scopes: string;
  created_at: number;
  updated_at: number;
}

export interface AuthorizationTables {
  pushed_authorization_requests: PushedAuthorizationRequestsTable;
  pending_authorizations: PendingAuthorizationsTable;
  consents: ConsentsTable;
}
