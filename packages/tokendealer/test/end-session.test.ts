// OpenID Connect RP-Initiated Logout 1.0, with the end-session URL built by openid-client
// (buildEndSessionUrl): the hint of the current session signs out at once; anything else asks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { redirectOf, signedInBrowser } from './helpers/authorization.js';
import { discover, registerRelyingParty, SIGNED_OUT, startCodeFlow } from './helpers/openid.js';
import type { WebClient } from './helpers/web-client.js';

for (const backend of BACKENDS) {
  describe(`RP-initiated logout (${backend.name})`, () => {
    let server: TestServer;
    let dashboard: Awaited<ReturnType<typeof registerRelyingParty>>;
    let config: client.Configuration;

    before(async () => {
      server = await startTestServer(backend);
      dashboard = await registerRelyingParty(server);
      config = await discover(server, dashboard);
    });
    after(() => server.stop());

    async function signedInWithIdToken(): Promise<{ browser: WebClient; idToken: string }> {
      const { browser } = await signedInBrowser(server);
      const flow = await startCodeFlow(config, browser, server.url);
      const tokens = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
      return { browser, idToken: tokens.id_token! };
    }
    const signedIn = async (browser: WebClient): Promise<boolean> => (await browser.get('/account')).status === 200;
    const pathOf = (url: URL): string => url.pathname + url.search;

    it('ends the session at once for the hint of the current session and sends the user back with state', async () => {
      const { browser, idToken } = await signedInWithIdToken();
      const url = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'bye-1' });
      assert.equal(url.origin + url.pathname, `${server.url}/oauth/logout`);
      const back = redirectOf(await browser.get(pathOf(url)), server.url);
      assert.equal(back.href, `${SIGNED_OUT}?state=bye-1`);
      assert.equal(await signedIn(browser), false);
    });

    it('accepts the same request as a POST form', async () => {
      const { browser, idToken } = await signedInWithIdToken();
      const response = await browser.post('/oauth/logout', `id_token_hint=${idToken}&post_logout_redirect_uri=${encodeURIComponent(SIGNED_OUT)}&state=post`);
      assert.equal(redirectOf(response, server.url).href, `${SIGNED_OUT}?state=post`);
      assert.equal(await signedIn(browser), false);
    });

    it('refuses an unregistered post_logout_redirect_uri with an HTML error page, not a redirect, and keeps the session', async () => {
      const { browser, idToken } = await signedInWithIdToken();
      for (const uri of ['https://evil.example/after', `${SIGNED_OUT}/more`, `${SIGNED_OUT}?x=1`]) {
        const url = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: uri, state: 's' });
        const response = await browser.get(pathOf(url));
        assert.equal(response.status, 400, uri);
        assert.equal(response.headers.get('location'), null);
        assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(response.body, /not registered for it/);
      }
      // Without a client to name it, no redirect either.
      const anonymous = await browser.get(`/oauth/logout?post_logout_redirect_uri=${encodeURIComponent(SIGNED_OUT)}`);
      assert.equal(anonymous.status, 400);
      assert.match(anonymous.body, /client_id or id_token_hint/);
      // A forged hint is refused.
      const forged = await browser.get(`/oauth/logout?id_token_hint=${idToken.slice(0, -4)}AAAA`);
      assert.equal(forged.status, 400);
      assert.equal(await signedIn(browser), true);
    });

    it('asks for confirmation without a hint (a CSRF-protected form), then signs out and redirects with state', async () => {
      const { browser } = await signedInWithIdToken();
      const url = client.buildEndSessionUrl(config, { client_id: dashboard.client_id, post_logout_redirect_uri: SIGNED_OUT, state: 'confirm-1' });
      const page = await browser.get(pathOf(url));
      assert.equal(page.status, 200);
      assert.match(page.body, /<strong>Dashboard<\/strong> asks to sign you out/);
      assert.match(page.body, /action="\/oauth\/logout\/confirm"/);
      assert.equal(await signedIn(browser), true, 'nothing happens before the user confirms');

      const forged = await browser.post('/oauth/logout/confirm', { client_id: dashboard.client_id, post_logout_redirect_uri: SIGNED_OUT, state: 'confirm-1', csrf_token: null });
      assert.equal(forged.status, 403);
      assert.equal(await signedIn(browser), true);

      await browser.get(pathOf(url));
      const tampered = await browser.post('/oauth/logout/confirm', { client_id: dashboard.client_id, post_logout_redirect_uri: 'https://evil.example/', state: 'x' });
      assert.equal(tampered.status, 400, 'the form\'s redirect URI is checked again');

      await browser.get(pathOf(url));
      const confirmed = await browser.post('/oauth/logout/confirm', { client_id: dashboard.client_id, post_logout_redirect_uri: SIGNED_OUT, state: 'confirm-1' });
      assert.equal(redirectOf(confirmed, server.url).href, `${SIGNED_OUT}?state=confirm-1`);
      assert.equal(await signedIn(browser), false);
    });

    it('asks for confirmation when the hint names an earlier session, and only shows a page when nobody is signed in', async () => {
      const { browser, idToken } = await signedInWithIdToken();
      // A new sign-in in the same browser: a new session, the old hint no longer names it.
      const email = /<dd>([^<]+)<\/dd>/.exec((await browser.get('/account')).body)![1]!;
      await browser.get('/signin?prompt=login');
      assert.equal((await browser.post('/signin', { email, password: 'correct horse battery staple' })).status, 303);
      const url = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT });
      const page = await browser.get(pathOf(url));
      assert.equal(page.status, 200);
      assert.match(page.body, /Sign out\?/);
      assert.equal(await signedIn(browser), true);

      // Nobody signed in: straight to the app's registered page, or our own.
      const fresh = await fetch(`${server.url}${pathOf(url)}`, { redirect: 'manual' });
      assert.equal(fresh.status, 303);
      assert.equal(fresh.headers.get('location'), SIGNED_OUT);
      const plain = await fetch(`${server.url}/oauth/logout`);
      assert.equal(plain.status, 200);
      assert.match(await plain.text(), /You are signed out/);
    });
  });
}
