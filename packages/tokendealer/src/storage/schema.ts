// Table shapes as the query layer sees them. Times are epoch seconds; lists are JSON text so
// that one schema serves SQLite and PostgreSQL alike.
import type { Generated } from 'kysely';

export interface ClientsTable {
  client_id: string;
  name: string;
  grant_types: string;
  scopes: string;
  audiences: string;
  auth_method: string;
  secret_hash: string | null;
  jwks: string | null;
  jwks_uri: string | null;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: 'next' | 'active' | 'retired';
  public_jwk: string;
  private_key: string;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
}

export interface RevokedTokensTable {
  jti: string;
  client_id: string;
  expires_at: number;
}

export interface UsedAssertionsTable {
  client_id: string;
  jti: string;
  expires_at: number;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface ChangeRevisionTable {
  id: number;
  revision: Generated<number>;
}

export interface Database {
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  revoked_tokens: RevokedTokensTable;
  used_assertions: UsedAssertionsTable;
  settings: SettingsTable;
  change_revision: ChangeRevisionTable;
}
