import { EMPTY_PROFILE } from '../src/accounts/user.js';
// The token endpoint's half of three-legged OAuth: authorization codes (with PKCE) and refresh
// tokens. Codes are created through the store, as the authorization endpoint creates them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKENDS } from './helpers/databases.js';
import { basic, decodePart, startTestServer, type TestServer } from './helpers/test-server.js';
import { challengeOf } from '../src/oauth/pkce.js';
import { newOpaqueToken } from '../src/tokens/opaque-token.js';

const REDIRECT = 'https://app.example/callback';
const now = () => Math.floor(Date.now() / 1000);

interface TokenBody {
  access_token: string;
  refresh_token?: string;
  scope?: string;
  error?: string;
  error_description?: string;
}

for (const backend of BACKENDS) {
  describe(`authorization_code and refresh_token grants (${backend.name})`, () => {
    let server: TestServer;
    let confidential: Awaited<ReturnType<TestServer['createClient']>>;
    let publicClient: Awaited<ReturnType<TestServer['createClient']>>;
    let userId: string;

    before(async () => {
      server = await startTestServer(backend, { refreshTokenGracePeriod: 2 });
      confidential = await server.createClient({
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [REDIRECT],
        audiences: ['https://api.runnerly.io'],
      });
      publicClient = await server.createClient({
        authMethod: 'none',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://spa.example/cb'],
        audiences: ['https://api.runnerly.io'],
      });
      userId = await createUser(server, 'runner@example.com');
    });
    after(() => server.stop());

    async function createUser(target: TestServer, email: string): Promise<string> {
      const id = randomBytes(8).toString('hex');
      const at = now();
      await target.tokenDealer.storage.users.insert({ userId: id, email, emailKey: email, passwordHash: 'x', status: 'active', createdAt: at, confirmedAt: at, updatedAt: at , profile: EMPTY_PROFILE});
      return id;
    }

    /** A code as the authorization endpoint would issue it, after the user's consent; returns the code and its PKCE verifier. */
    async function issueCode(options: { clientId?: string; redirectUri?: string; pkce?: boolean; expiresIn?: number; user?: string } = {}) {
      const verifier = randomBytes(32).toString('base64url');
      const code = newOpaqueToken();
      // Redemption requires the consent the code was issued under (it is gone once the user revokes the app).
      await server.tokenDealer.storage.consents.grant(options.user ?? userId, options.clientId ?? confidential.client_id, ['runs:read', 'runs:write'], now());
      await server.tokenDealer.storage.authorizationCodes.create({
        codeHash: code.hash,
        clientId: options.clientId ?? confidential.client_id,
        userId: options.user ?? userId,
        redirectUri: options.redirectUri ?? REDIRECT,
        scopes: ['runs:read', 'runs:write'],
        audience: 'https://api.runnerly.io',
        codeChallenge: options.pkce === false ? null : challengeOf(verifier),
        authTime: now() - 5,
        createdAt: now(),
        expiresAt: now() + (options.expiresIn ?? 60),
      });
      return { code: code.value, verifier };
    }

    /** `auth` null: no Authorization header (public clients). */
    async function token(body: Record<string, string>, auth: string | null = basic(confidential.client_id, confidential.client_secret), headers: Record<string, string> = {}) {
      const response = await server.post('/oauth/token', body, { ...(auth ? { authorization: auth } : {}), ...headers });
      return { status: response.status, headers: response.headers, body: (await response.json()) as TokenBody };
    }

    const exchange = (code: string, verifier: string | undefined, extra: Record<string, string> = {}, auth?: string | null) =>
      token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...(verifier ? { code_verifier: verifier } : {}), ...extra }, auth);
    const refresh = (refreshToken: string, extra: Record<string, string> = {}, auth?: string | null) => token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, auth);
    const introspect = async (accessToken: string) =>
      (await (await server.post('/oauth/introspect', { token: accessToken }, { authorization: basic(confidential.client_id, confidential.client_secret) })).json()) as { active: boolean };

    function expectError(result: { status: number; body: TokenBody }, status: number, error: string): void {
      assert.equal(result.status, status, JSON.stringify(result.body));
      assert.equal(result.body.error, error);
    }

    it('exchanges a code and its PKCE verifier for an access token acting for the user and a refresh token', async () => {
      const { code, verifier } = await issueCode();
      const result = await exchange(code, verifier);
      assert.equal(result.status, 200, JSON.stringify(result.body));
      assert.equal(result.headers.get('cache-control'), 'no-store');
      assert.match(result.body.refresh_token ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(result.body.scope, 'runs:read runs:write');
      const claims = decodePart(result.body.access_token, 1);
      assert.equal(claims.sub, userId);
      assert.equal(claims.client_id, confidential.client_id);
      assert.equal(claims.aud, 'https://api.runnerly.io');
      assert.equal((await introspect(result.body.access_token)).active, true);
    });

    it('refuses a second use of a code and revokes every token issued from it', async () => {
      const { code, verifier } = await issueCode();
      const first = await exchange(code, verifier);
      assert.equal(first.status, 200);
      expectError(await exchange(code, verifier), 400, 'invalid_grant');
      assert.equal((await introspect(first.body.access_token)).active, false);
      expectError(await refresh(first.body.refresh_token!), 400, 'invalid_grant');
    });

    it('refuses expired codes, codes of other clients, other redirect URIs and bad PKCE with the standard errors', async () => {
      const expired = await issueCode({ expiresIn: -1 });
      expectError(await exchange(expired.code, expired.verifier), 400, 'invalid_grant');
      const foreign = await issueCode({ clientId: publicClient.client_id });
      expectError(await exchange(foreign.code, foreign.verifier), 400, 'invalid_grant');
      const redirect = await issueCode();
      expectError(await exchange(redirect.code, redirect.verifier, { redirect_uri: 'https://app.example/other' }), 400, 'invalid_grant');
      expectError(await token({ grant_type: 'authorization_code', code: redirect.code, code_verifier: redirect.verifier }), 400, 'invalid_request');
      expectError(await exchange(redirect.code, randomBytes(32).toString('base64url')), 400, 'invalid_grant');
      expectError(await exchange(redirect.code, undefined), 400, 'invalid_request');
      expectError(await exchange(redirect.code, 'short'), 400, 'invalid_grant');
      // None of the refusals above used the code up.
      assert.equal((await exchange(redirect.code, redirect.verifier)).status, 200);
      expectError(await exchange('no-such-code', redirect.verifier), 400, 'invalid_grant');
    });

    it('refuses a code_verifier when the authorization request had no code_challenge (downgrade)', async () => {
      const { code, verifier } = await issueCode({ pkce: false });
      expectError(await exchange(code, verifier), 400, 'invalid_grant');
      assert.equal((await exchange(code, undefined)).status, 200);
    });

    it('lets a public client redeem with its client_id alone, and refuses a confidential client that omits its secret', async () => {
      const { code, verifier } = await issueCode({ clientId: publicClient.client_id, redirectUri: 'https://spa.example/cb' });
      const result = await token({ grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example/cb', code_verifier: verifier, client_id: publicClient.client_id }, null);
      assert.equal(result.status, 200, JSON.stringify(result.body));
      assert.ok(result.body.refresh_token);
      const other = await issueCode();
      expectError(await token({ grant_type: 'authorization_code', code: other.code, redirect_uri: REDIRECT, code_verifier: other.verifier, client_id: confidential.client_id }, null), 401, 'invalid_client');
      // Public clients cannot introspect.
      const introspection = await server.post('/oauth/introspect', { token: result.body.access_token, client_id: publicClient.client_id });
      assert.equal(introspection.status, 401);
      assert.equal(((await introspection.json()) as { error: string }).error, 'invalid_client');
    });

    it('rotates refresh tokens: the new one works, the old one only within the grace period, then reuse revokes the family', async () => {
      const { code, verifier } = await issueCode();
      const first = (await exchange(code, verifier)).body;
      const second = await refresh(first.refresh_token!);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.notEqual(second.body.refresh_token, first.refresh_token);
      // A concurrent refresh with the old token inside the grace period still succeeds.
      const concurrent = await refresh(first.refresh_token!);
      assert.equal(concurrent.status, 200);
      await sleep(3100);
      expectError(await refresh(first.refresh_token!), 400, 'invalid_grant');
      // The replay revoked the whole family, including tokens issued after the first rotation.
      expectError(await refresh(second.body.refresh_token!), 400, 'invalid_grant');
      expectError(await refresh(concurrent.body.refresh_token!), 400, 'invalid_grant');
      assert.equal((await introspect(second.body.access_token)).active, false);
    });

    it('narrows the scope on refresh but never widens it', async () => {
      const { code, verifier } = await issueCode();
      const first = (await exchange(code, verifier)).body;
      const narrowed = await refresh(first.refresh_token!, { scope: 'runs:read' });
      assert.equal(narrowed.status, 200);
      assert.equal(narrowed.body.scope, 'runs:read');
      expectError(await refresh(narrowed.body.refresh_token!, { scope: 'runs:read admin' }), 400, 'invalid_scope');
    });

    it("refuses another client's refresh token and a disabled user's", async () => {
      const { code, verifier } = await issueCode();
      const first = (await exchange(code, verifier)).body;
      const stranger = await server.createClient({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], audiences: ['x'] });
      expectError(await refresh(first.refresh_token!, {}, basic(stranger.client_id, stranger.client_secret)), 400, 'invalid_grant');
      const disabledUser = await createUser(server, 'gone@example.com');
      const theirs = await issueCode({ user: disabledUser });
      const tokens = (await exchange(theirs.code, theirs.verifier)).body;
      await server.tokenDealer.storage.users.disable(disabledUser, now());
      expectError(await refresh(tokens.refresh_token!), 400, 'invalid_grant');
    });

    it('keeps a non-rotating confidential client on its refresh token', async () => {
      const steady = await server.createClient({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], audiences: ['x'], rotateRefreshTokens: false });
      const auth = basic(steady.client_id, steady.client_secret);
      const { code, verifier } = await issueCode({ clientId: steady.client_id });
      const first = (await exchange(code, verifier, {}, auth)).body;
      for (let i = 0; i < 2; i++) {
        const again = await refresh(first.refresh_token!, {}, auth);
        assert.equal(again.status, 200);
        assert.equal(again.body.refresh_token, undefined);
      }
    });

    it('issues no refresh token to a client without the refresh_token grant', async () => {
      const codeOnly = await server.createClient({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT], audiences: ['x'] });
      const { code, verifier } = await issueCode({ clientId: codeOnly.client_id });
      const result = await exchange(code, verifier, {}, basic(codeOnly.client_id, codeOnly.client_secret));
      assert.equal(result.status, 200);
      assert.equal(result.body.refresh_token, undefined);
      expectError(await refresh('anything', {}, basic(codeOnly.client_id, codeOnly.client_secret)), 400, 'unauthorized_client');
    });

    it('answers CORS only for registered origins, and lets only the client’s own origin read its tokens', async () => {
      const preflight = await fetch(`${server.url}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'https://spa.example', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://spa.example');
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/);
      const stranger = await fetch(`${server.url}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(stranger.headers.get('access-control-allow-origin'), null);
      const { code, verifier } = await issueCode({ clientId: publicClient.client_id, redirectUri: 'https://spa.example/cb' });
      const response = await server.post('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example/cb', code_verifier: verifier, client_id: publicClient.client_id }, { origin: 'https://spa.example' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), 'https://spa.example');
      const metadata = await fetch(`${server.url}/.well-known/oauth-authorization-server`, { headers: { origin: 'https://spa.example' } });
      assert.equal(metadata.headers.get('access-control-allow-origin'), 'https://spa.example');
      const confidentialTokens = await exchange((await issueCode()).code, undefined);
      assert.equal(confidentialTokens.headers.get('access-control-allow-origin'), null);
    });
  });
}
