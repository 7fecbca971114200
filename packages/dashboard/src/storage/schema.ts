export interface SessionsTable {
  /** SHA-256 of the cookie value: the database never holds a usable session id. */
  id_hash: string;
  user_id: string;
  email: string | null;
  name: string | null;
  access_token: string;
  access_expires_at: number;
  refresh_token: string | null;
  id_token: string | null;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface LoginAttemptsTable {
  state_hash: string;
  /** SHA-256 of the value of the browser's sign-in cookie: the callback must come from the browser that started. */
  browser_hash: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  expires_at: number;
}

export interface DashboardDatabase {
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
}
