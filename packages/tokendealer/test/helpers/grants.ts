// Users, consents and authorization codes made through the stores, as the authorization
// endpoint makes them, for tests of what happens to tokens afterwards.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { challengeOf } from '../../src/oauth/pkce.js';
import { newOpaqueToken } from '../../src/tokens/opaque-token.js';
import { basic, type TestServer } from './test-server.js';

export const GRANT_REDIRECT = 'https://app.example/callback';
export const GRANT_SCOPES = ['runs:read', 'runs:write'];
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export type TestClient = Awaited<ReturnType<TestServer['createClient']>>;

export interface TokenBody {
  access_token: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

/** A confidential client of the authorization code grant (and the refresh token grant unless told otherwise). */
export function createCodeClient(server: TestServer, grantTypes = ['authorization_code', 'refresh_token']): Promise<TestClient> {
  return server.createClient({ grantTypes, redirectUris: [GRANT_REDIRECT], audiences: ['https://api.runnerly.io'] });
}

/**
 * An unredeemed code for the user and client, after recording the user's consent (`consent: false`
 * leaves the consents as they are); returns it with its PKCE verifier.
 */
export async function issueCode(
  server: TestServer,
  client: TestClient,
  userId: string,
  { createdAt = nowSeconds(), consent = true }: { createdAt?: number; consent?: boolean } = {},
): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const code = newOpaqueToken();
  if (consent) await server.tokenDealer.storage.consents.grant(userId, client.client_id, GRANT_SCOPES, createdAt);
  await server.tokenDealer.storage.authorizationCodes.create({
    codeHash: code.hash,
    clientId: client.client_id,
    userId,
    redirectUri: GRANT_REDIRECT,
    scopes: GRANT_SCOPES,
    audience: 'https://api.runnerly.io',
    codeChallenge: challengeOf(verifier),
    authTime: createdAt - 5,
    createdAt,
    expiresAt: createdAt + 60,
  });
  return { code: code.value, verifier };
}

export async function tokenRequest(server: TestServer, client: TestClient, body: Record<string, string>): Promise<{ status: number; body: TokenBody }> {
  const response = await server.post('/oauth/token', body, { authorization: basic(client.client_id, client.client_secret) });
  return { status: response.status, body: (await response.json()) as TokenBody };
}

export function exchangeCode(server: TestServer, client: TestClient, code: { code: string; verifier: string }): Promise<{ status: number; body: TokenBody }> {
  return tokenRequest(server, client, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: GRANT_REDIRECT });
}

export function refresh(server: TestServer, client: TestClient, refreshToken: string): Promise<{ status: number; body: TokenBody }> {
  return tokenRequest(server, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Tokens for the user from a fresh code: fails the test unless the exchange succeeds. */
export async function userTokens(server: TestServer, client: TestClient, userId: string): Promise<TokenBody> {
  const result = await exchangeCode(server, client, await issueCode(server, client, userId));
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return result.body;
}

/** Whether introspection (by the given authenticated client) reports the access token active. */
export async function isActive(server: TestServer, as: TestClient, accessToken: string): Promise<boolean> {
  const response = await server.post('/oauth/introspect', { token: accessToken }, { authorization: basic(as.client_id, as.client_secret) });
  assert.equal(response.status, 200);
  return ((await response.json()) as { active: boolean }).active;
}

export function expectError(result: { status: number; body: TokenBody }, status: number, error: string): void {
  assert.equal(result.status, status, JSON.stringify(result.body));
  assert.equal(result.body.error, error);
}
