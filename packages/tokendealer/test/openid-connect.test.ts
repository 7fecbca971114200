// OpenID Connect Core on the authorization code flow, judged by openid-client (and through it
// oauth4webapi): discovery, ID tokens, userinfo, refresh, the claims parameter, prompt=none,
// first-party clients and the profile claims of the account page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { BACKENDS } from './helpers/databases.js';
import { decodePart, startTestServer, type TestServer } from './helpers/test-server.js';
import { authorizeQuery, PASSWORD, pkcePair, redirectOf, signedInBrowser } from './helpers/authorization.js';
import { hashOpaqueToken } from '../src/tokens/opaque-token.js';
import { API, CALLBACK, discover, registerRelyingParty, startCodeFlow } from './helpers/openid.js';
import { accessTokenHash } from '../src/tokens/id-token.js';
import { sessionSid, hashSessionId } from '../src/sessions/session-service.js';

for (const backend of BACKENDS) {
  describe(`OpenID Connect (${backend.name})`, () => {
    let server: TestServer;
    let dashboard: Awaited<ReturnType<typeof registerRelyingParty>>;

    before(async () => {
      server = await startTestServer(backend);
      dashboard = await registerRelyingParty(server);
    });
    after(() => server.stop());

    const sessionSidOf = (browser: { cookies: Map<string, string> }): string => {
      const cookie = [...browser.cookies].find(([name]) => name.includes('session'));
      assert.ok(cookie, 'a session cookie');
      return sessionSid(hashSessionId(cookie[1]));
    };

    it('publishes OpenID Provider metadata next to the RFC 8414 metadata', async () => {
      const response = await fetch(`${server.url}/.well-known/openid-configuration`);
      assert.equal(response.status, 200);
      const metadata = (await response.json()) as Record<string, unknown>;
      assert.equal(metadata.issuer, server.url);
      assert.equal(metadata.authorization_endpoint, `${server.url}/oauth/authorize`);
      assert.equal(metadata.token_endpoint, `${server.url}/oauth/token`);
      assert.equal(metadata.userinfo_endpoint, `${server.url}/oauth/userinfo`);
      assert.equal(metadata.jwks_uri, `${server.url}/.well-known/jwks.json`);
      assert.equal(metadata.end_session_endpoint, `${server.url}/oauth/logout`);
      assert.deepEqual(metadata.scopes_supported, ['openid', 'profile', 'email']);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.deepEqual(metadata.subject_types_supported, ['public']);
      assert.deepEqual(metadata.id_token_signing_alg_values_supported, ['RS256', 'ES256']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.equal(metadata.claims_parameter_supported, true);
      for (const claim of ['sub', 'name', 'preferred_username', 'zoneinfo', 'locale', 'updated_at', 'email', 'email_verified', 'auth_time', 'nonce', 'sid', 'amr']) {
        assert.ok((metadata.claims_supported as string[]).includes(claim), claim);
      }
      assert.deepEqual(metadata.grant_types_supported, ['client_credentials', 'authorization_code', 'refresh_token']);
      assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
      const oauth = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      assert.equal(oauth.issuer, server.url);
      assert.equal(oauth.userinfo_endpoint, undefined, 'the RFC 8414 document stays the OAuth one');
    });

    it('signs a first-party client in without a consent page: ID token with the exact claims, userinfo, refresh, and the grant recorded as a consent', async () => {
      const { browser, email, userId } = await signedInBrowser(server);
      const signedInAt = Math.floor(Date.now() / 1000);
      const config = await discover(server, dashboard);
      const { callback, verifier, nonce, state } = await startCodeFlow(config, browser, server.url);
      assert.equal(callback.origin + callback.pathname, CALLBACK, 'straight back to the app: no consent page');
      const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });

      assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'RS256');
      assert.equal(decodeProtectedHeader(tokens.id_token!).typ, 'JWT');
      const claims = tokens.claims()!;
      assert.deepEqual(Object.keys(claims).sort(), ['amr', 'at_hash', 'aud', 'auth_time', 'email', 'email_verified', 'exp', 'iat', 'iss', 'nonce', 'sid', 'sub']);
      assert.equal(claims.iss, server.url);
      assert.equal(claims.sub, userId);
      assert.equal(claims.aud, dashboard.client_id);
      assert.equal(claims.exp - claims.iat, 900);
      assert.ok(Math.abs(claims.auth_time! - signedInAt) <= 2);
      assert.equal(claims.nonce, nonce);
      assert.equal(claims.at_hash, accessTokenHash(tokens.access_token));
      assert.equal(claims.sid, sessionSidOf(browser));
      assert.deepEqual(claims.amr, ['pwd']);
      assert.equal(claims.email, email);
      assert.equal(claims.email_verified, true);

      // The access token is for the API and for the userinfo endpoint, with the same subject.
      const access = decodePart(tokens.access_token, 1);
      assert.deepEqual(access.aud, [API, server.url]);
      assert.equal(access.sub, userId);
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, userId);
      assert.deepEqual(userinfo, { sub: userId, preferred_username: email, updated_at: userinfo.updated_at, email, email_verified: true });
      assert.equal(typeof userinfo.updated_at, 'number');

      // The account page lists the first-party app, and can revoke it.
      const account = await browser.get('/account');
      assert.match(account.body, /<h3>Dashboard<\/h3>/);
      assert.deepEqual((await server.tokenDealer.storage.consents.find(userId, dashboard.client_id))?.scopes, ['openid', 'profile', 'email', 'runs:read']);

      // On refresh, a new ID token for the same authentication, without nonce.
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      const again = refreshed.claims()!;
      assert.equal(again.sub, userId);
      assert.equal(again.auth_time, claims.auth_time);
      assert.equal(again.nonce, undefined);
      assert.equal(again.sid, claims.sid);
      assert.equal(again.at_hash, accessTokenHash(refreshed.access_token));
      // Narrowed to the API scope, the refresh gives no ID token and no userinfo audience.
      const narrowed = await client.refreshTokenGrant(config, refreshed.refresh_token!, { scope: 'runs:read' });
      assert.equal(narrowed.id_token, undefined);
      assert.equal(decodePart(narrowed.access_token, 1).aud, API);
    });

    it('completes the flow with oauth4webapi alone: discovery, authorization response, ID token with nonce and auth_time, userinfo', async () => {
      const { browser, email, userId } = await signedInBrowser(server);
      const insecure = { [oauth.allowInsecureRequests]: true };
      const issuer = new URL(server.url);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
      const rp: oauth.Client = { client_id: dashboard.client_id, require_auth_time: true, default_max_age: 3600 };
      const verifier = oauth.generateRandomCodeVerifier();
      const nonce = oauth.generateRandomNonce();
      const url = new URL(as.authorization_endpoint!);
      for (const [name, value] of Object.entries({
        client_id: dashboard.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', nonce, resource: API,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', max_age: '3600',
      })) url.searchParams.set(name, value);
      const callback = redirectOf(await browser.get(url.pathname + url.search), server.url);
      const params = oauth.validateAuthResponse(as, rp, callback, oauth.expectNoState);
      const response = await oauth.authorizationCodeGrantRequest(as, rp, oauth.ClientSecretBasic(dashboard.client_secret), params, CALLBACK, verifier, insecure);
      const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response, { expectedNonce: nonce, requireIdToken: true, maxAge: 3600 });
      const claims = oauth.getValidatedIdTokenClaims(tokens)!;
      assert.equal(claims.sub, userId);
      assert.equal(claims.nonce, nonce);
      assert.equal(typeof claims.auth_time, 'number');
      assert.equal(claims.email, email);
      const userinfo = await oauth.processUserInfoResponse(as, rp, userId, await oauth.userInfoRequest(as, rp, tokens.access_token, insecure));
      assert.deepEqual(userinfo, { sub: userId, email, email_verified: true });
    });

    it('the judge refuses an ID token whose nonce is not the one it sent', async () => {
      const { browser } = await signedInBrowser(server);
      const config = await discover(server, dashboard);
      const { callback, verifier, state } = await startCodeFlow(config, browser, server.url, { nonce: 'the-nonce-sent' });
      await assert.rejects(
        client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: 'another-nonce', expectedState: state }),
        (error: Error & { code?: string; cause?: { claim?: string } }) => {
          assert.equal(error.code, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
          assert.equal((error.cause as Error | undefined)?.message, 'unexpected ID Token "nonce" claim value');
          return true;
        },
      );
    });

    it('releases profile claims in the ID token when the claims parameter asks, only those the scopes allow', async () => {
      const { browser, email } = await signedInBrowser(server);
      const profile = await browser.get('/account');
      assert.equal(profile.status, 200);
      const saved = await browser.post('/account/profile', { name: 'Ada Runner', zoneinfo: 'Europe/Paris', locale: 'fr-fr' });
      assert.equal(saved.status, 303);
      const config = await discover(server, dashboard);
      const claimsParameter = JSON.stringify({ id_token: { name: { essential: true }, locale: null }, userinfo: { email: null } });
      const flow = await startCodeFlow(config, browser, server.url, { extra: { claims: claimsParameter } });
      const tokens = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
      const claims = tokens.claims()!;
      assert.equal(claims.name, 'Ada Runner');
      assert.equal(claims.locale, 'fr-FR', 'stored in canonical form');
      assert.equal(claims.zoneinfo, undefined, 'not asked for');
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(userinfo.name, 'Ada Runner');
      assert.equal(userinfo.zoneinfo, 'Europe/Paris');
      assert.equal(userinfo.email, email);

      // Without the profile scope, asking for name in the claims parameter releases nothing.
      const narrow = await startCodeFlow(config, browser, server.url, { scope: 'openid', extra: { claims: claimsParameter } });
      const narrowTokens = await client.authorizationCodeGrant(config, narrow.callback, { pkceCodeVerifier: narrow.verifier, expectedNonce: narrow.nonce, expectedState: narrow.state });
      assert.deepEqual(Object.keys(narrowTokens.claims()!).sort(), ['amr', 'at_hash', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'nonce', 'sid', 'sub']);
      assert.deepEqual(await client.fetchUserInfo(config, narrowTokens.access_token, narrowTokens.claims()!.sub), { sub: narrowTokens.claims()!.sub });
    });

    it('refuses a malformed claims parameter at the client\'s redirect URI', async () => {
      const { browser } = await signedInBrowser(server);
      const { challenge } = pkcePair();
      const query = authorizeQuery({ client_id: dashboard.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 's1', claims: '{"id_token": [1]}' });
      const location = redirectOf(await browser.get(`/oauth/authorize?${query}`), server.url);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(location.searchParams.get('error_description'), 'claims.id_token must be a JSON object');
      assert.equal(location.searchParams.get('state'), 's1');
    });

    it('signs ID tokens with ES256 for a client registered with id_token_signed_response_alg ES256', async () => {
      const es = await registerRelyingParty(server, { idTokenSignedResponseAlg: 'ES256' });
      const { browser } = await signedInBrowser(server);
      const config = await discover(server, es, { id_token_signed_response_alg: 'ES256' });
      const flow = await startCodeFlow(config, browser, server.url);
      const tokens = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
      assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'ES256');
      const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`)), { issuer: server.url, audience: es.client_id, algorithms: ['ES256'] });
      assert.equal(payload.sub, tokens.claims()!.sub);
      // A client expecting RS256 refuses it.
      const rsConfig = await discover(server, es, { id_token_signed_response_alg: 'RS256' });
      const second = await startCodeFlow(rsConfig, browser, server.url);
      await assert.rejects(
        client.authorizationCodeGrant(rsConfig, second.callback, { pkceCodeVerifier: second.verifier, expectedNonce: second.nonce, expectedState: second.state }),
        (error: Error & { cause?: Error }) => {
          assert.match(String(error.cause?.message), /"alg"/);
          return true;
        },
      );
    });

    it('answers the userinfo endpoint\'s failures with RFC 6750 errors and challenges', async () => {
      const { browser } = await signedInBrowser(server);
      const config = await discover(server, dashboard);
      const bare = await fetch(`${server.url}/oauth/userinfo`);
      assert.equal(bare.status, 401);
      assert.equal(bare.headers.get('www-authenticate'), 'Bearer realm="tokendealer"');
      const garbage = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: 'Bearer not.a.token' } });
      assert.equal(garbage.status, 401);
      assert.match(garbage.headers.get('www-authenticate') ?? '', /^Bearer realm="tokendealer", error="invalid_token"/);
      assert.equal(((await garbage.json()) as { error: string }).error, 'invalid_token');

      // A token granted without openid: the API audience only, refused as not meant for userinfo.
      const api = await startCodeFlow(config, browser, server.url, { scope: 'runs:read' });
      const apiTokens = await client.authorizationCodeGrant(config, api.callback, { pkceCodeVerifier: api.verifier, expectedState: api.state });
      const notForUs = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${apiTokens.access_token}` } });
      assert.equal(notForUs.status, 401);
      assert.equal(((await notForUs.json()) as { error: string }).error, 'invalid_token');

      // A token whose audience names the issuer but lacks openid: insufficient_scope.
      const other = await server.createClient({ name: 'issuer audience', grantTypes: ['authorization_code'], redirectUris: [CALLBACK], scopes: ['runs:read'], audiences: [server.url], firstParty: true });
      const otherConfig = await discover(server, other);
      const otherFlow = await startCodeFlow(otherConfig, browser, server.url, { scope: 'runs:read', extra: { resource: server.url } });
      const otherTokens = await client.authorizationCodeGrant(otherConfig, otherFlow.callback, { pkceCodeVerifier: otherFlow.verifier, expectedState: otherFlow.state });
      const noScope = await fetch(`${server.url}/oauth/userinfo`, { method: 'POST', headers: { authorization: `Bearer ${otherTokens.access_token}` } });
      assert.equal(noScope.status, 403);
      assert.equal(noScope.headers.get('www-authenticate'), 'Bearer realm="tokendealer", error="insufficient_scope", error_description="the access token lacks the openid scope", scope="openid"');

      // A revoked token stops working; POST with the token in the form works like GET.
      const flow = await startCodeFlow(config, browser, server.url);
      const tokens = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
      const posted = await server.post('/oauth/userinfo', { access_token: tokens.access_token });
      assert.equal(posted.status, 200);
      assert.equal(((await posted.json()) as { sub: string }).sub, tokens.claims()!.sub);
      const both = await server.post('/oauth/userinfo', { access_token: tokens.access_token }, { authorization: `Bearer ${tokens.access_token}` });
      assert.equal(both.status, 400);
      assert.equal(((await both.json()) as { error: string }).error, 'invalid_request');
      await client.tokenRevocation(config, tokens.access_token);
      const revoked = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(revoked.status, 401);
    });

    it('answers prompt=none by redirect: login_required without a session, consent_required without consent, login_required for another user\'s id_token_hint', async () => {
      const thirdParty = await registerRelyingParty(server, { name: 'Race Planner', firstParty: false });
      const { challenge } = pkcePair();
      const base = { client_id: thirdParty.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 'st', prompt: 'none' };
      const anonymous = await fetch(`${server.url}/oauth/authorize?${authorizeQuery(base)}`, { redirect: 'manual' });
      const login = new URL(anonymous.headers.get('location')!);
      assert.equal(login.origin + login.pathname, CALLBACK);
      assert.equal(login.searchParams.get('error'), 'login_required');
      assert.equal(login.searchParams.get('state'), 'st');
      assert.equal(login.searchParams.get('iss'), server.url);

      const { browser } = await signedInBrowser(server);
      const consent = redirectOf(await browser.get(`/oauth/authorize?${authorizeQuery(base)}`), server.url);
      assert.equal(consent.searchParams.get('error'), 'consent_required');

      // The first-party dashboard needs no consent: prompt=none gives a code at once.
      const silent = redirectOf(await browser.get(`/oauth/authorize?${authorizeQuery(base, { client_id: dashboard.client_id })}`), server.url);
      assert.ok(silent.searchParams.get('code'));

      // An ID token of another user as hint: that user is not the one signed in.
      const other = await signedInBrowser(server);
      const config = await discover(server, dashboard);
      const flow = await startCodeFlow(config, other.browser, server.url);
      const otherTokens = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
      const hinted = redirectOf(await browser.get(`/oauth/authorize?${authorizeQuery(base, { client_id: dashboard.client_id, id_token_hint: otherTokens.id_token! })}`), server.url);
      assert.equal(hinted.searchParams.get('error'), 'login_required');
      // Without prompt=none, the browser is sent to sign in again.
      const relogin = redirectOf(await browser.get(`/oauth/authorize?${authorizeQuery(base, { client_id: dashboard.client_id, id_token_hint: otherTokens.id_token!, prompt: null })}`), server.url);
      assert.equal(relogin.pathname, '/signin', relogin.href);
      assert.equal(relogin.searchParams.get('prompt'), 'login');
      // A hint that is not our ID token (an access token, here) is refused.
      const bad = redirectOf(await browser.get(`/oauth/authorize?${authorizeQuery(base, { client_id: dashboard.client_id, id_token_hint: otherTokens.access_token })}`), server.url);
      assert.equal(bad.searchParams.get('error'), 'invalid_request');
    });

    it('keeps max_age and auth_time consistent: a sign-in older than max_age is asked again (or login_required with prompt=none), and auth_time says when', async () => {
      const { browser, email } = await signedInBrowser(server);
      const config = await discover(server, dashboard);
      const first = await startCodeFlow(config, browser, server.url, { extra: { max_age: '3600' } });
      const tokens = await client.authorizationCodeGrant(config, first.callback, { pkceCodeVerifier: first.verifier, expectedNonce: first.nonce, expectedState: first.state, maxAge: 3600 });
      const firstAuthTime = tokens.claims()!.auth_time!;
      // Whole seconds: after more than one, the sign-in is older than max_age=0.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const { challenge } = pkcePair();
      const base = { client_id: dashboard.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', max_age: '0' };
      const silent = redirectOf(await browser.get(`/oauth/authorize?${authorizeQuery(base, { prompt: 'none' })}`), server.url);
      assert.equal(silent.searchParams.get('error'), 'login_required');

      const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', max_age: '0', nonce: 'n-2' });
      const toSignIn = redirectOf(await browser.get(url.pathname + url.search), server.url);
      assert.equal(toSignIn.pathname, '/signin');
      assert.equal(toSignIn.searchParams.get('prompt'), 'login');
      const form = await browser.get(toSignIn.pathname + toSignIn.search);
      assert.equal(form.status, 200, 'the sign-in form, although signed in');
      const signedIn = redirectOf(await browser.post('/signin', { email, password: PASSWORD, return_to: toSignIn.searchParams.get('return_to') }), server.url);
      const callback = redirectOf(await browser.get(signedIn.pathname + signedIn.search), server.url);
      const code = callback.searchParams.get('code');
      assert.ok(code, `a code in ${callback.href}`);
      const stored = await server.tokenDealer.storage.authorizationCodes.find(hashOpaqueToken(code));
      assert.ok(stored!.authTime > firstAuthTime, 'the new sign-in is the one the code names');
    });

    it('pre-fills the sign-in page with login_hint', async () => {
      const { challenge } = pkcePair();
      const query = authorizeQuery({ client_id: dashboard.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', login_hint: 'ada@runnerly.test' });
      const toSignIn = await fetch(`${server.url}/oauth/authorize?${query}`, { redirect: 'manual' });
      const location = new URL(toSignIn.headers.get('location')!, server.url);
      assert.equal(location.pathname, '/signin');
      assert.equal(location.searchParams.get('login_hint'), 'ada@runnerly.test');
      const page = await (await fetch(location)).text();
      assert.match(page, /<input id="email" name="email" type="email" autocomplete="username" value="ada@runnerly.test"/);
    });

    it('edits the profile on the account page behind CSRF, refusing an unknown time zone', async () => {
      const { browser, userId } = await signedInBrowser(server);
      await browser.get('/account');
      const refused = await browser.post('/account/profile', { name: 'Bob', zoneinfo: 'Mars/Olympus', locale: '' });
      assert.equal(refused.status, 400);
      assert.match(refused.body, /Enter a time zone such as Europe\/Paris/);
      const forged = await browser.post('/account/profile', { name: 'Mallory', csrf_token: null });
      assert.equal(forged.status, 403);
      assert.deepEqual((await server.tokenDealer.storage.users.get(userId))?.profile, { name: null, zoneinfo: null, locale: null });
      const saved = await browser.post('/account/profile', { name: '  Bob Runner ', zoneinfo: 'America/New_York', locale: 'en-US' });
      assert.equal(saved.status, 303);
      assert.deepEqual((await server.tokenDealer.storage.users.get(userId))?.profile, { name: 'Bob Runner', zoneinfo: 'America/New_York', locale: 'en-US' });
      assert.match((await browser.get('/account')).body, /value="Bob Runner"/);
    });
  });
}
