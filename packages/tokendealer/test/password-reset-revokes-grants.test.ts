// A password reset (and disabling or deleting a user) ends what the old password may have been
// used for: the apps' refresh tokens and the access tokens issued from them, not only sessions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { lastMessageTo } from './helpers/outbox.js';
import { tokenOf, WebClient } from './helpers/web-client.js';
import { createCodeClient, exchangeCode, expectError, isActive, issueCode, refresh, userTokens, type TestClient } from './helpers/grants.js';

const PASSWORD = 'correct horse battery staple';
let counter = 0;

for (const backend of BACKENDS) {
  describe(`password reset, disable and delete revoke grants (${backend.name})`, () => {
    let server: TestServer;
    let app: TestClient;

    before(async () => {
      server = await startTestServer(backend);
      app = await createCodeClient(server);
    });
    after(() => server.stop());

    async function newUser(): Promise<{ email: string; userId: string }> {
      const email = `reset.${++counter}.${Date.now()}@runnerly.test`;
      return { email, userId: (await server.tokenDealer.accounts.create(email, PASSWORD, true)).id };
    }

    it('revokes refresh tokens, their access tokens and unredeemed codes when the password is reset by mailed link', async () => {
      const { email, userId } = await newUser();
      const tokens = await userTokens(server, app, userId);
      const pending = await issueCode(server, app, userId);

      const client = new WebClient(server.url);
      await client.get('/reset');
      assert.equal((await client.post('/reset', { email })).status, 200);
      const token = tokenOf(lastMessageTo(server.outboxDir, email).links[0]!);
      await client.get(`/reset/new?token=${token}`);
      assert.equal((await client.post('/reset/new', { token, password: 'a brand new passphrase' })).status, 200);

      expectError(await refresh(server, app, tokens.refresh_token!), 400, 'invalid_grant');
      assert.equal(await isActive(server, app, tokens.access_token), false);
      expectError(await exchangeCode(server, app, pending), 400, 'invalid_grant');
      // Apps authorized after the reset work as usual.
      await userTokens(server, app, userId);
    });

    it('revokes the access tokens of a disabled user, and of a deleted one', async () => {
      for (const end of ['disable', 'delete'] as const) {
        const { userId } = await newUser();
        const tokens = await userTokens(server, app, userId);
        assert.equal(await server.tokenDealer.accounts[end](userId), true);
        assert.equal(await isActive(server, app, tokens.access_token), false, end);
        expectError(await refresh(server, app, tokens.refresh_token!), 400, 'invalid_grant');
      }
    });
  });
}
