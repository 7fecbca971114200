// Within the grace period a rotated refresh token may be used once more (two concurrent
// refreshes of one client), but only once: each further use would start another chain that
// outlives the grace period, which is what a thief holding the old token would want.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { createCodeClient, expectError, isActive, refresh, userTokens, type TestClient } from './helpers/grants.js';

const PASSWORD = 'correct horse battery staple';
let counter = 0;

for (const backend of BACKENDS) {
  describe(`refresh token grace period: one extra successor (${backend.name})`, () => {
    let server: TestServer;
    let app: TestClient;

    before(async () => {
      // Long enough that every use below falls inside the grace period.
      server = await startTestServer(backend, { refreshTokenGracePeriod: 60 });
      app = await createCodeClient(server);
    });
    after(() => server.stop());

    async function newUser(): Promise<string> {
      return (await server.tokenDealer.accounts.create(`grace.${++counter}.${Date.now()}@runnerly.test`, PASSWORD, true)).id;
    }

    it('lets two concurrent refreshes with the same token both succeed', async () => {
      const first = await userTokens(server, app, await newUser());
      const [a, b] = await Promise.all([refresh(server, app, first.refresh_token!), refresh(server, app, first.refresh_token!)]);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(b.status, 200, JSON.stringify(b.body));
      assert.notEqual(a.body.refresh_token, b.body.refresh_token);
    });

    it('refuses an ancestor once its successor has itself been used, and revokes the family (RFC 9700 section 4.14.2)', async () => {
      const rt0 = await userTokens(server, app, await newUser());
      const rt1 = await refresh(server, app, rt0.refresh_token!);
      assert.equal(rt1.status, 200, JSON.stringify(rt1.body));
      const rt2 = await refresh(server, app, rt1.body.refresh_token!);
      assert.equal(rt2.status, 200, JSON.stringify(rt2.body));

      // RT0 again, well inside the grace period: its successor RT1 was used, so this is a replay.
      expectError(await refresh(server, app, rt0.refresh_token!), 400, 'invalid_grant');
      expectError(await refresh(server, app, rt2.body.refresh_token!), 400, 'invalid_grant');
      assert.equal(await isActive(server, app, rt2.body.access_token), false);
      assert.equal(await isActive(server, app, rt1.body.access_token), false);
    });

    it('revokes the family at the third use of a rotated token, even inside the grace period', async () => {
      const first = await userTokens(server, app, await newUser());
      const rotated = await refresh(server, app, first.refresh_token!);
      assert.equal(rotated.status, 200);
      const extra = await refresh(server, app, first.refresh_token!);
      assert.equal(extra.status, 200, 'the one extra successor');

      expectError(await refresh(server, app, first.refresh_token!), 400, 'invalid_grant');
      // Every chain of the family ends with it, and the access tokens issued from it.
      expectError(await refresh(server, app, rotated.body.refresh_token!), 400, 'invalid_grant');
      expectError(await refresh(server, app, extra.body.refresh_token!), 400, 'invalid_grant');
      assert.equal(await isActive(server, app, extra.body.access_token), false);
      assert.equal(await isActive(server, app, rotated.body.access_token), false);
    });
  });
}
