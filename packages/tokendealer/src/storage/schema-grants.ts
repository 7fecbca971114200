// Tables of the authorization code and refresh token grants (migration 004).

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scopes: string;
  audience: string;
  code_challenge: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  family_id: string | null;
  /** The access token issued from the code (migration 007), revoked if the code is replayed. */
  access_jti: string | null;
  access_expires_at: number | null;
  /** OpenID Connect (migration 012): the request's nonce, the session id and the claims asked for in the ID token (JSON). */
  nonce: string | null;
  sid: string | null;
  id_token_claims: string | null;
}

export interface RefreshFamiliesTable {
  family_id: string;
  client_id: string;
  user_id: string;
  scopes: string;
  audience: string;
  auth_time: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** OpenID Connect (migration 012): for the ID tokens issued again on refresh. */
  sid: string | null;
  id_token_claims: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  created_at: number;
  idle_expires_at: number;
  rotated_at: number | null;
  /** When the one extra successor allowed within the grace period was issued (migration 008). */
  grace_successor_at: number | null;
  /** The token this one replaced (migration 013); null for a family's first token. */
  parent_hash: string | null;
}

export interface FamilyAccessTokensTable {
  jti: string;
  family_id: string;
  expires_at: number;
}

export interface GrantTables {
  authorization_codes: AuthorizationCodesTable;
  refresh_families: RefreshFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  family_access_tokens: FamilyAccessTokensTable;
}
