// The authorization endpoint over real HTTP: the pipeline of checks, where its errors go (a page
// before the redirect URI is checked, the client's redirect URI after), sign-in and prompt,
// consent (remembered, denied, CSRF, single use) and revocation from the account page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKENDS } from './helpers/databases.js';
import { decodePart, startTestServer, type TestServer } from './helpers/test-server.js';
import { WebClient, type PageResponse } from './helpers/web-client.js';
import { authorizeQuery, PASSWORD, pendingIdOf, pkcePair, redirectOf, signedInBrowser } from './helpers/authorization.js';
import { hashOpaqueToken } from '../src/tokens/opaque-token.js';

const REDIRECT = 'https://app.example/callback';
const LOOPBACK = 'http://127.0.0.1/callback';
const API = 'https://api.runnerly.io';

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  scope?: string;
  error?: string;
}

for (const backend of BACKENDS) {
  describe(`authorization endpoint (${backend.name})`, () => {
    let server: TestServer;
    let app: Awaited<ReturnType<TestServer['createClient']>>;
    let pkce: { verifier: string; challenge: string };

    before(async () => {
      server = await startTestServer(backend);
      app = await server.createClient({
        name: 'Runnerly Dashboard',
        authMethod: 'none',
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['runs:read', 'runs:write', 'profile'],
        audiences: [API],
        redirectUris: [REDIRECT, LOOPBACK],
        allowedOrigins: ['https://app.example'],
      });
      pkce = pkcePair();
    });
    after(() => server.stop());

    const defaults = () => ({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: REDIRECT,
      scope: 'runs:read',
      state: 'st-' + randomBytes(6).toString('hex'),
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
    const authorizePath = (overrides: Record<string, string | null> = {}) => `/oauth/authorize?${authorizeQuery(defaults(), overrides)}`;

    /** An error sent back to the client: status, target, error code, state and iss. */
    function expectRedirectError(response: PageResponse, error: string, state?: string): URL {
      const location = redirectOf(response, server.url);
      assert.equal(location.origin + location.pathname, REDIRECT);
      assert.equal(location.searchParams.get('error'), error, location.href);
      assert.ok(location.searchParams.get('error_description'));
      assert.equal(location.searchParams.get('iss'), server.url);
      if (state !== undefined) assert.equal(location.searchParams.get('state'), state);
      assert.equal(location.searchParams.get('code'), null);
      return location;
    }

    /** A refusal shown to the user: 400, an HTML page, and no redirect anywhere. */
    function expectErrorPage(response: PageResponse, pattern?: RegExp): void {
      assert.equal(response.status, 400, response.body.slice(0, 300));
      assert.equal(response.headers.get('location'), null);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(response.body, /Cannot continue to the app/);
      if (pattern) assert.match(response.body, pattern);
    }

    async function exchange(code: string, verifier = pkce.verifier, redirectUri = REDIRECT) {
      const response = await server.post('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: app.client_id });
      return { status: response.status, body: (await response.json()) as TokenBody };
    }

    /** Signs in, authorizes and allows: the code and the browser. */
    async function authorizedCode(scope = 'runs:read') {
      const { browser, userId } = await signedInBrowser(server);
      const state = 'st-' + randomBytes(6).toString('hex');
      const consent = await browser.get(authorizePath({ scope, state }));
      assert.equal(consent.status, 200, consent.body.slice(0, 300));
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const location = redirectOf(allowed, server.url);
      return { browser, userId, code: location.searchParams.get('code')!, state, location };
    }

    it('signs in, asks consent, redirects with code, state and iss, and the code with its verifier buys tokens for the user', async () => {
      const { browser, userId } = await signedInBrowser(server);
      const state = 'xyz-state';
      const consent = await browser.get(authorizePath({ state, scope: 'runs:read runs:write' }));
      assert.equal(consent.status, 200);
      assert.equal(consent.headers.get('cache-control'), 'no-store');
      assert.equal(consent.headers.get('x-frame-options'), 'DENY');
      // Browsers apply form-action to the redirect after the post: the client's origin must be allowed, nothing else.
      assert.match(consent.headers.get('content-security-policy') ?? '', /form-action 'self' https:\/\/app\.example;/);
      assert.match(consent.body, /<strong>Runnerly Dashboard<\/strong>/);
      assert.match(consent.body, /<li>See your runs<\/li>/);
      assert.match(consent.body, /<li>Add and change your runs<\/li>/);
      assert.match(consent.body, /<button type="submit" name="decision" value="allow">Allow<\/button>/);
      assert.match(consent.body, /value="deny" class="secondary">Deny<\/button>/);

      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const location = redirectOf(allowed, server.url);
      assert.equal(location.origin + location.pathname, REDIRECT);
      assert.equal(location.searchParams.get('state'), state);
      assert.equal(location.searchParams.get('iss'), server.url);
      const code = location.searchParams.get('code')!;
      assert.match(code, /^[A-Za-z0-9_-]{43}$/, '256 random bits');

      // Stored only hashed, bound to everything, for 60 seconds.
      assert.equal(await server.tokenDealer.storage.authorizationCodes.find(code), undefined);
      const stored = (await server.tokenDealer.storage.authorizationCodes.find(hashOpaqueToken(code)))!;
      assert.equal(stored.clientId, app.client_id);
      assert.equal(stored.userId, userId);
      assert.equal(stored.redirectUri, REDIRECT);
      assert.equal(stored.codeChallenge, pkce.challenge);
      assert.deepEqual(stored.scopes, ['runs:read', 'runs:write']);
      assert.equal(stored.audience, API);
      assert.equal(stored.expiresAt - stored.createdAt, 60);
      assert.ok(Math.abs(stored.authTime - Math.floor(Date.now() / 1000)) < 10);

      const tokens = await exchange(code);
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      assert.equal(tokens.body.scope, 'runs:read runs:write');
      assert.ok(tokens.body.refresh_token);
      const claims = decodePart(tokens.body.access_token!, 1);
      assert.equal(claims.sub, userId);
      assert.equal(claims.aud, API);
      assert.equal(claims.client_id, app.client_id);
    });

    it('accepts POST with a form body with the same meaning as GET', async () => {
      const { browser } = await signedInBrowser(server);
      const consent = await browser.post('/oauth/authorize', authorizeQuery(defaults()));
      assert.equal(consent.status, 200);
      assert.match(consent.body, /See your runs/);
      const refused = await browser.post('/oauth/authorize', authorizeQuery(defaults(), { response_type: 'token', state: 's1' }));
      expectRedirectError(refused, 'unsupported_response_type', 's1');
    });

    it('shows an unknown or missing client_id on a page, never redirecting', async () => {
      const browser = new WebClient(server.url);
      expectErrorPage(await browser.get(authorizePath({ client_id: 'no-such-client' })), /unknown client_id/);
      expectErrorPage(await browser.get(authorizePath({ client_id: null })), /client_id/);
      expectErrorPage(await browser.get(`${authorizePath()}&client_id=${app.client_id}`), /repeated/);
    });

    it('shows a missing, unregistered or inexact redirect_uri on a page with no Location (no open redirector)', async () => {
      const browser = new WebClient(server.url);
      for (const redirectUri of [null, 'https://evil.example/callback', `${REDIRECT}/`, `${REDIRECT}?x=1`, 'https://app.example/callback#f', 'http://127.0.0.1:8080/other', 'https://APP.example/callback']) {
        expectErrorPage(await browser.get(authorizePath({ redirect_uri: redirectUri })), /redirect_uri/);
      }
      // Even with every other parameter wrong, nothing is redirected.
      expectErrorPage(await browser.get(authorizePath({ redirect_uri: 'https://evil.example/', response_type: 'token', code_challenge: null })));
    });

    it('accepts any port on a registered loopback redirect URI (RFC 8252 section 7.3)', async () => {
      const { browser } = await signedInBrowser(server);
      const consent = await browser.get(authorizePath({ redirect_uri: 'http://127.0.0.1:51234/callback' }));
      assert.equal(consent.status, 200);
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const location = redirectOf(allowed, server.url);
      assert.equal(location.origin, 'http://127.0.0.1:51234');
      const tokens = await exchange(location.searchParams.get('code')!, pkce.verifier, 'http://127.0.0.1:51234/callback');
      assert.equal(tokens.status, 200);
    });

    it('redirects response_type token, id_token or none with unsupported_response_type, and a missing one with invalid_request', async () => {
      const browser = new WebClient(server.url);
      for (const responseType of ['token', 'id_token', 'code id_token', 'code token']) {
        expectRedirectError(await browser.get(authorizePath({ response_type: responseType, state: 'rt' })), 'unsupported_response_type', 'rt');
      }
      expectRedirectError(await browser.get(authorizePath({ response_type: null, state: 'rt' })), 'invalid_request', 'rt');
      expectRedirectError(await browser.get(authorizePath({ response_mode: 'fragment' })), 'invalid_request');
    });

    it('requires PKCE with S256: missing, plain, default method or malformed challenges get invalid_request', async () => {
      const browser = new WebClient(server.url);
      expectRedirectError(await browser.get(authorizePath({ code_challenge: null, code_challenge_method: null, state: 'p' })), 'invalid_request', 'p');
      expectRedirectError(await browser.get(authorizePath({ code_challenge_method: 'plain' })), 'invalid_request');
      expectRedirectError(await browser.get(authorizePath({ code_challenge_method: null })), 'invalid_request');
      expectRedirectError(await browser.get(authorizePath({ code_challenge: 'too-short' })), 'invalid_request');
      expectRedirectError(await browser.get(authorizePath({ code_challenge: null })), 'invalid_request');
    });

    it('refuses scopes the client may not have (invalid_scope) and resources it may not address (invalid_target)', async () => {
      const browser = new WebClient(server.url);
      expectRedirectError(await browser.get(authorizePath({ scope: 'runs:read admin', state: 's' })), 'invalid_scope', 's');
      expectRedirectError(await browser.get(authorizePath({ scope: 'bad"scope' })), 'invalid_scope');
      expectRedirectError(await browser.get(authorizePath({ resource: 'https://evil.example' })), 'invalid_target');
      expectRedirectError(await browser.get(authorizePath({ resource: 'relative/path' })), 'invalid_target');
      expectRedirectError(await browser.get(authorizePath({ audience: 'elsewhere' })), 'invalid_target');
    });

    it('binds the requested resource as the audience of the code', async () => {
      const { browser } = await signedInBrowser(server);
      const consent = await browser.get(authorizePath({ resource: API }));
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const code = redirectOf(allowed, server.url).searchParams.get('code')!;
      assert.equal((await server.tokenDealer.storage.authorizationCodes.find(hashOpaqueToken(code)))!.audience, API);
    });

    it('refuses repeated parameters (invalid_request), ignores unknown ones, and refuses request objects', async () => {
      const browser = new WebClient(server.url);
      expectRedirectError(await browser.get(`${authorizePath({ state: 'r' })}&scope=runs:write`), 'invalid_request', 'r');
      expectRedirectError(await browser.get(`${authorizePath()}&code_challenge=${pkce.challenge}`), 'invalid_request');
      expectRedirectError(await browser.get(`${authorizePath()}&response_type=code`), 'invalid_request');
      expectRedirectError(await browser.get(authorizePath({ request: 'eyJhbGciOiJub25lIn0.e30.', state: 'ro' })), 'request_not_supported', 'ro');
      // request_uri that no pushed request handed out: a page (its parameters cannot be trusted).
      expectErrorPage(await browser.get(authorizePath({ request_uri: 'https://client.example/request.jwt' })), /request_uri/);
      // Unknown parameters change nothing: the anonymous browser is sent to sign in.
      const unknown = redirectOf(await browser.get(`${authorizePath()}&nonce=1&foo=bar&foo=baz`), server.url);
      assert.equal(unknown.pathname, '/signin');
      // A state longer than the limit is refused and not echoed.
      const long = expectRedirectError(await browser.get(authorizePath({ state: 's'.repeat(513) })), 'invalid_request');
      assert.equal(long.searchParams.get('state'), null);
    });

    it('sends a browser without a session to sign in and back to the same request, then on to consent', async () => {
      const email = `back.${Date.now()}@runnerly.test`;
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      const browser = new WebClient(server.url);
      const path = authorizePath({ state: 'come-back' });
      const toSignIn = redirectOf(await browser.get(path), server.url);
      assert.equal(toSignIn.pathname, '/signin');
      const returnTo = toSignIn.searchParams.get('return_to')!;
      assert.ok(returnTo.startsWith('/oauth/authorize?'));
      assert.equal(new URLSearchParams(returnTo.split('?')[1]).get('state'), 'come-back');
      assert.equal((await browser.get(toSignIn.pathname + toSignIn.search)).status, 200);
      const signedIn = await browser.post('/signin', { email, password: PASSWORD, return_to: returnTo });
      assert.equal(signedIn.headers.get('location'), returnTo);
      const consent = await browser.get(returnTo);
      assert.equal(consent.status, 200);
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      assert.equal(redirectOf(allowed, server.url).searchParams.get('state'), 'come-back');
    });

    it('answers prompt=none without a session with login_required, and without consent with consent_required', async () => {
      expectRedirectError(await new WebClient(server.url).get(authorizePath({ prompt: 'none', state: 'pn' })), 'login_required', 'pn');
      const { browser } = await signedInBrowser(server);
      expectRedirectError(await browser.get(authorizePath({ prompt: 'none', state: 'pc' })), 'consent_required', 'pc');
      expectRedirectError(await browser.get(authorizePath({ prompt: 'none login' })), 'invalid_request');
      expectRedirectError(await browser.get(authorizePath({ prompt: 'select_account' })), 'invalid_request');
    });

    it('forces a fresh sign-in for prompt=login even with a session, and the new sign-in satisfies it', async () => {
      const { browser, email, userId } = await signedInBrowser(server);
      const toSignIn = redirectOf(await browser.get(authorizePath({ prompt: 'login' })), server.url);
      assert.equal(toSignIn.pathname, '/signin');
      assert.equal(toSignIn.searchParams.get('prompt'), 'login');
      const returnTo = toSignIn.searchParams.get('return_to')!;
      // The sign-in page asks even though the browser is signed in.
      const form = await browser.get(toSignIn.pathname + toSignIn.search);
      assert.equal(form.status, 200);
      assert.match(form.body, /autocomplete="current-password"/);
      // A forged earlier moment does not skip it.
      const forged = returnTo.replace(/sign_in_after=[^&]+/, `sign_in_after=1.${'A'.repeat(43)}`);
      assert.equal(redirectOf(await browser.get(forged), server.url).pathname, '/signin');
      const oldSession = browser.cookies.get('tokendealer_session');
      await sleep(1100);
      const signedIn = await browser.post('/signin', { email, password: PASSWORD, return_to: returnTo });
      assert.equal(signedIn.headers.get('location'), returnTo);
      assert.notEqual(browser.cookies.get('tokendealer_session'), oldSession);
      const consent = await browser.get(returnTo);
      assert.equal(consent.status, 200, 'no loop back to sign-in');
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const code = redirectOf(allowed, server.url).searchParams.get('code')!;
      const stored = (await server.tokenDealer.storage.authorizationCodes.find(hashOpaqueToken(code)))!;
      assert.equal(stored.userId, userId);
      assert.ok(Math.floor(Date.now() / 1000) - stored.authTime <= 2, 'auth_time is the fresh sign-in');
    });

    it('sends a session older than max_age to sign in again, and puts auth_time into the code', async () => {
      const { browser, email } = await signedInBrowser(server);
      const signedInAt = Math.floor(Date.now() / 1000);
      await sleep(2100);
      const toSignIn = redirectOf(await browser.get(authorizePath({ max_age: '1' })), server.url);
      assert.equal(toSignIn.pathname, '/signin');
      assert.equal(toSignIn.searchParams.get('prompt'), 'login');
      // A generous max_age keeps the session.
      assert.equal((await browser.get(authorizePath({ max_age: '3600' }))).status, 200);
      expectRedirectError(await browser.get(authorizePath({ max_age: '1', prompt: 'none' })), 'login_required');
      expectRedirectError(await browser.get(authorizePath({ max_age: '-1' })), 'invalid_request');
      const returnTo = toSignIn.searchParams.get('return_to')!;
      await browser.post('/signin', { email, password: PASSWORD, return_to: returnTo });
      const consent = await browser.get(returnTo);
      assert.equal(consent.status, 200);
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const code = redirectOf(allowed, server.url).searchParams.get('code')!;
      assert.ok((await server.tokenDealer.storage.authorizationCodes.find(hashOpaqueToken(code)))!.authTime >= signedInAt + 2);
    });

    it('remembers a consent: the same scopes skip the page, prompt=consent and new scopes ask again, for the union', async () => {
      const { browser, userId } = await authorizedCode('runs:read');
      const again = redirectOf(await browser.get(authorizePath({ scope: 'runs:read', state: 'again' })), server.url);
      assert.equal(again.searchParams.get('state'), 'again');
      assert.ok(again.searchParams.get('code'));
      assert.equal((await browser.get(authorizePath({ scope: 'runs:read', prompt: 'consent' }))).status, 200);
      // prompt=none now works too: consent is remembered.
      assert.ok(redirectOf(await browser.get(authorizePath({ prompt: 'none' })), server.url).searchParams.get('code'));
      const wider = await browser.get(authorizePath({ scope: 'runs:write' }));
      assert.equal(wider.status, 200);
      assert.match(wider.body, /Add and change your runs/);
      redirectOf(await browser.post('/oauth/consent', { pending_id: pendingIdOf(wider), decision: 'allow' }), server.url);
      assert.deepEqual((await server.tokenDealer.storage.consents.find(userId, app.client_id))!.scopes, ['runs:read', 'runs:write']);
      assert.ok(redirectOf(await browser.get(authorizePath({ scope: 'runs:read runs:write' })), server.url).searchParams.get('code'));
    });

    it('redirects with access_denied when the user denies, and remembers nothing', async () => {
      const { browser, userId } = await signedInBrowser(server);
      const consent = await browser.get(authorizePath({ state: 'no' }));
      const denied = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'deny' });
      expectRedirectError(denied, 'access_denied', 'no');
      assert.equal(await server.tokenDealer.storage.consents.find(userId, app.client_id), undefined);
    });

    it('protects the consent answer: CSRF token, session binding, single use, no tampering', async () => {
      const { browser } = await signedInBrowser(server);
      const consent = await browser.get(authorizePath());
      const pendingId = pendingIdOf(consent);
      const noToken = await browser.post('/oauth/consent', { pending_id: pendingId, decision: 'allow', csrf_token: null });
      assert.equal(noToken.status, 403);
      const crossSite = await browser.post('/oauth/consent', { pending_id: pendingId, decision: 'allow' }, { origin: 'https://evil.example' });
      assert.equal(crossSite.status, 403);
      // Another user's session cannot answer it (and does not spend it).
      const other = await signedInBrowser(server);
      await other.browser.get('/account');
      assert.equal((await other.browser.post('/oauth/consent', { pending_id: pendingId, decision: 'allow' })).status, 400);
      // A tampered id finds nothing.
      const tampered = pendingId.slice(0, -2) + (pendingId.endsWith('AA') ? 'BB' : 'AA');
      assert.equal((await browser.post('/oauth/consent', { pending_id: tampered, decision: 'allow' })).status, 400);
      assert.equal((await browser.post('/oauth/consent', { pending_id: pendingId, decision: 'maybe' })).status, 400);
      // The real answer works once; a replay is refused.
      redirectOf(await browser.post('/oauth/consent', { pending_id: pendingId, decision: 'allow' }), server.url);
      const replay = await browser.post('/oauth/consent', { pending_id: pendingId, decision: 'allow' });
      assert.equal(replay.status, 400);
      assert.match(replay.body, /expired or was already answered/);
      // A signed-out browser cannot answer.
      const anonymous = new WebClient(server.url);
      await anonymous.get('/signin');
      assert.equal((await anonymous.post('/oauth/consent', { pending_id: pendingId, decision: 'allow' })).status, 400);
    });

    it('lists authorized apps on the account page and revokes one: consent forgotten, refresh token dead', async () => {
      const { browser, code } = await authorizedCode('runs:read runs:write');
      const tokens = await exchange(code);
      assert.equal(tokens.status, 200);
      const account = await browser.get('/account');
      assert.match(account.body, /<h3>Runnerly Dashboard<\/h3>/);
      assert.match(account.body, /<li>See your runs<\/li><li>Add and change your runs<\/li>/);
      assert.match(account.body, /Authorized since <time datetime="/);
      assert.match(account.body, /aria-label="Revoke access of Runnerly Dashboard">Revoke<\/button>/);

      const withoutToken = await browser.post('/account/apps/revoke', { client_id: app.client_id, csrf_token: null });
      assert.equal(withoutToken.status, 403);
      const revoked = await browser.post('/account/apps/revoke', { client_id: app.client_id });
      assert.equal(revoked.status, 303);
      assert.equal(revoked.headers.get('location'), '/account');
      const refreshed = await server.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token!, client_id: app.client_id });
      assert.equal(refreshed.status, 400);
      assert.equal(((await refreshed.json()) as TokenBody).error, 'invalid_grant');
      assert.equal(await server.tokenDealer.storage.revocations.isRevoked(decodePart(tokens.body.access_token!, 1).jti as string), true);
      assert.match((await browser.get('/account')).body, /You have not authorized any apps yet/);
      assert.equal((await browser.get(authorizePath())).status, 200, 'consent is asked again');
    });

    it('refuses the code grant to clients not registered for it, and requires PAR of clients registered so', async () => {
      // A machine client has no redirect URI (registration refuses one without the grant): nothing to redirect to.
      const machine = await server.createClient({ grantTypes: ['client_credentials'] });
      const browser = new WebClient(server.url);
      expectErrorPage(await browser.get(authorizePath({ client_id: machine.client_id })), /redirect_uri/);
      const strict = await server.createClient({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT], requirePar: true });
      expectRedirectError(await browser.get(authorizePath({ client_id: strict.client_id, state: 'par' })), 'invalid_request', 'par');
    });

    it('sends no CORS headers from /oauth/authorize, even to a registered origin', async () => {
      const { browser } = await signedInBrowser(server);
      for (const path of [authorizePath(), authorizePath({ response_type: 'token' }), authorizePath({ client_id: 'nobody' })]) {
        const response = await browser.get(path, { origin: 'https://app.example' });
        assert.ok([200, 303, 400].includes(response.status));
        assert.equal(response.headers.get('access-control-allow-origin'), null);
      }
      const preflight = await fetch(`${server.url}/oauth/authorize`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      assert.equal((await fetch(`${server.url}/oauth/authorize`, { method: 'DELETE' })).status, 405);
    });

    it('survives hostile parameters: never a 5xx, never a redirect off the registered URI', async () => {
      const { browser } = await signedInBrowser(server);
      const hostile = ['%', '%zz', '\u0000', '<script>alert(1)</script>', '"', "'", '../../etc/passwd', 'a'.repeat(5000), '\u202e', '😀', 'javascript:alert(1)', '{"a":1}', '%00', ' ', '+'];
      const names = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'resource', 'audience', 'prompt', 'max_age', 'request_uri', 'request', 'sign_in_after', 'response_mode'];
      let seed = 7;
      const pick = <T>(list: readonly T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2147483648) % list.length]!;
      for (let i = 0; i < 120; i++) {
        const overrides: Record<string, string> = {};
        for (let j = 0; j < 3; j++) overrides[pick(names)] = pick(hostile);
        let path = authorizePath(overrides);
        if (i % 5 === 0) path += `&${pick(names)}=${encodeURIComponent(pick(hostile))}`;
        if (i % 7 === 0) path += `&${pick(hostile)}`;
        const response = i % 2 === 0 ? await browser.get(path) : await browser.post('/oauth/authorize', path.split('?')[1]!);
        assert.ok(response.status < 500, `${response.status} for ${path.slice(0, 200)}`);
        const location = response.headers.get('location');
        if (location !== null) {
          const target = new URL(location, server.url);
          assert.ok(target.href.startsWith(REDIRECT + '?') || target.origin === server.url, `redirect to ${location.slice(0, 200)}`);
        }
      }
      const tooMany = Array.from({ length: 80 }, (_, k) => `p${k}=1`).join('&');
      expectErrorPage(await browser.get(`/oauth/authorize?${tooMany}`));
    });
  });
}

for (const backend of BACKENDS) {
  describe(`authorization endpoint with PKCE optional for confidential clients (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend, { pkceOptionalForConfidentialClients: true });
    });
    after(() => server.stop());

    it('lets a confidential client omit PKCE, never a public one, and still refuses plain', async () => {
      const common = { grantTypes: ['authorization_code'], redirectUris: [REDIRECT], audiences: [API], scopes: ['runs:read'] };
      const confidential = await server.createClient(common);
      const spa = await server.createClient({ ...common, authMethod: 'none' });
      const { browser } = await signedInBrowser(server);
      const query = (clientId: string, extra: Record<string, string> = {}) =>
        `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 's', ...extra }).toString()}`;
      const consent = await browser.get(query(confidential.client_id));
      assert.equal(consent.status, 200);
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const code = redirectOf(allowed, server.url).searchParams.get('code')!;
      assert.equal((await server.tokenDealer.storage.authorizationCodes.find(hashOpaqueToken(code)))!.codeChallenge, null);
      assert.equal(redirectOf(await browser.get(query(spa.client_id)), server.url).searchParams.get('error'), 'invalid_request');
      assert.equal(redirectOf(await browser.get(query(confidential.client_id, { code_challenge: pkcePair().challenge, code_challenge_method: 'plain' })), server.url).searchParams.get('error'), 'invalid_request');
    });
  });
}
