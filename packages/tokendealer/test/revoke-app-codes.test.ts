// Revoking an app from the account page takes back everything given to it: a code issued a
// moment before (not yet redeemed) must not start a new authorization afterwards, and every app
// that still holds a live refresh token family is listed, so that it can be revoked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { authorizeQuery, pendingIdOf, pkcePair, redirectOf, signedInBrowser } from './helpers/authorization.js';
import { createCodeClient, exchangeCode, expectError, GRANT_REDIRECT, issueCode, nowSeconds, refresh, type TestClient } from './helpers/grants.js';
import { newRefreshFamily } from '../src/oauth/grants/user-tokens.js';

for (const backend of BACKENDS) {
  describe(`revoking an app: codes and listing (${backend.name})`, () => {
    let server: TestServer;
    let app: TestClient;

    before(async () => {
      server = await startTestServer(backend);
      app = await createCodeClient(server);
    });
    after(() => server.stop());

    it('voids a code issued before the revocation: redeeming it afterwards is invalid_grant and issues nothing', async () => {
      const { browser, userId } = await signedInBrowser(server);
      const pkce = pkcePair();
      const query = authorizeQuery({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: GRANT_REDIRECT,
        scope: 'runs:read',
        state: 'st-' + randomBytes(6).toString('hex'),
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      });
      const consent = await browser.get(`/oauth/authorize?${query}`);
      const code = redirectOf(await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' }), server.url).searchParams.get('code')!;

      await browser.get('/account');
      assert.equal((await browser.post('/account/apps/revoke', { client_id: app.client_id })).status, 303);

      expectError(await exchangeCode(server, app, { code, verifier: pkce.verifier }), 400, 'invalid_grant');
      assert.deepEqual(await server.tokenDealer.storage.refreshTokens.liveFamilies(userId, nowSeconds(), app.client_id), []);
    });

    it('refuses a code written while the app was being revoked (older than the consent it would need)', async () => {
      const { browser, userId } = await signedInBrowser(server);
      await issueCode(server, app, userId);
      await browser.get('/account');
      assert.equal((await browser.post('/account/apps/revoke', { client_id: app.client_id })).status, 303);
      // A remembered-consent authorization that read the consent before the revocation stores its
      // code after it: the code is not among those the revocation voided.
      const late = await issueCode(server, app, userId, { createdAt: nowSeconds() - 1, consent: false });
      // Even when the user authorizes the app again right after, the older code stays void.
      await server.tokenDealer.storage.consents.grant(userId, app.client_id, ['runs:read'], nowSeconds());
      expectError(await exchangeCode(server, app, late), 400, 'invalid_grant');
    });

    it('lists an app that holds a live refresh token family without a consent, and revokes it', async () => {
      const { browser, userId } = await signedInBrowser(server);
      const grant = { client: server.tokenDealer.findClient(app.client_id)!, userId, scopes: ['runs:write'], audience: 'https://api.runnerly.io', authTime: nowSeconds() };
      const family = newRefreshFamily(server.tokenDealer, grant, nowSeconds());
      await server.tokenDealer.storage.refreshTokens.createFamily(family.family, family.first);

      const account = await browser.get('/account');
      assert.equal(account.status, 200);
      assert.match(account.body, /<h3>test client<\/h3>/);
      assert.match(account.body, /<li>Add and change your runs<\/li>/);
      assert.ok(account.body.includes(`name="client_id" value="${app.client_id}"`));

      assert.equal((await browser.post('/account/apps/revoke', { client_id: app.client_id })).status, 303);
      expectError(await refresh(server, app, family.refreshToken), 400, 'invalid_grant');
      assert.match((await browser.get('/account')).body, /You have not authorized any apps yet/);
    });
  });
}
