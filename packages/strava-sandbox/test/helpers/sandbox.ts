import { createStravaSandbox, type StravaSandbox, type StravaSandboxOptions } from '../../src/index.js';

export const CLIENT_ID = '1000';
export const CLIENT_SECRET = 'sandbox-secret';

/** A clock tests move by hand: token expiry and rate-limit windows follow it, not the wall. */
export class TestClock {
  constructor(public now: number) {}
  readonly read = () => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface RunningSandbox {
  sandbox: StravaSandbox;
  url: string;
  close(): Promise<void>;
}

export async function startSandbox(options: StravaSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = createStravaSandbox({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], ...options });
  const url = await sandbox.listen({ host: '127.0.0.1', port: 0 });
  return { sandbox, url, close: () => sandbox.close() };
}

export interface TokenResponse {
  token_type: string;
  access_token: string;
  refresh_token: string;
  expires_at: number;
  expires_in: number;
  athlete?: { id: number; username: string; resource_state: number };
}

export async function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

export async function exchangeCode(url: string, code: string): Promise<TokenResponse> {
  const { status, body } = await postForm(`${url}/oauth/token`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code' });
  if (status !== 200) throw new Error(`code exchange answered ${status}: ${JSON.stringify(body)}`);
  return body as unknown as TokenResponse;
}

/** Links an athlete to the test application through the admin API and the real token endpoint. */
export async function linkAthlete(running: RunningSandbox, scopes: string[], athleteIndex = 0): Promise<TokenResponse & { athleteId: number }> {
  const athlete = running.sandbox.admin.athletes()[athleteIndex]!;
  const { code } = running.sandbox.admin.authorize({ clientId: CLIENT_ID, athleteId: athlete.id, scopes });
  return { ...(await exchangeCode(running.url, code)), athleteId: athlete.id };
}

export async function apiGet(url: string, path: string, token?: string) {
  const response = await fetch(`${url}/api/v3${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
