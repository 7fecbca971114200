// Table shapes as the query layer sees them. Times are epoch seconds; lists are JSON text so
// that one schema serves SQLite and PostgreSQL alike.
import type { Generated } from 'kysely';
import type { GrantTables } from './schema-grants.js';
import type { AuthorizationTables } from './schema-authorization.js';
import type { ThrottleTables } from './schema-throttle.js';

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
  redirect_uris: string;
  allowed_origins: string;
  /** JSON list of the audiences the client serves (migration 014). */
  resource_servers: string;
  require_par: number;
  rotate_refresh_tokens: number;
  /** OpenID Connect (migration 012). */
  post_logout_redirect_uris: string;
  first_party: number;
  id_token_signed_response_alg: string | null;
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

export interface UsersTable {
  user_id: string;
  email: string;
  email_key: string;
  password_hash: string;
  status: 'pending' | 'active' | 'disabled';
  created_at: number;
  confirmed_at: number | null;
  updated_at: number;
  /** Profile claims (migration 012), each optional. */
  name: string | null;
  zoneinfo: string | null;
  locale: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the session id: a leaked table does not hand out live sessions. */
  session_hash: string;
  user_id: string;
  auth_time: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface LinkTokensTable {
  /** SHA-256 of the token mailed out. */
  token_hash: string;
  purpose: 'confirm' | 'reset';
  user_id: string;
  created_at: number;
  expires_at: number;
  /** Confirmation links: the hash of the password chosen at the sign-up that mailed the link (migration 006). */
  password_hash: string | null;
}

/**
 * Account mail waiting to be sent (migration 009). Unlike elsewhere, times are epoch milliseconds:
 * leases and retry delays are options that tests set to fractions of a second.
 */
export interface MailOutboxTable {
  id: string;
  /** The MailMessage as JSON, sealed with the row id bound when a master secret is configured (see mail/mail-outbox.ts). */
  payload: string;
  /** Sends started so far, counted when a courier claims the row. */
  attempts: Generated<number>;
  next_attempt_at: number;
  /** Set while a courier holds the row; null when nobody does. */
  lease_until: number | null;
  created_at: number;
  /** What the last failure was (an error code, never the message). */
  last_error: string | null;
}

export interface Database extends GrantTables, AuthorizationTables, ThrottleTables {
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  revoked_tokens: RevokedTokensTable;
  used_assertions: UsedAssertionsTable;
  settings: SettingsTable;
  change_revision: ChangeRevisionTable;
  users: UsersTable;
  sessions: SessionsTable;
  link_tokens: LinkTokensTable;
  mail_outbox: MailOutboxTable;
}
