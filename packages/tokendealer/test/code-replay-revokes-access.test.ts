// A replayed authorization code revokes everything issued from it (RFC 6749 section 4.1.2, RFC
// 9700 section 4.5): the access token too when the client gets no refresh token, and the family
// even when the replay arrives while the first redemption is still being written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { createCodeClient, exchangeCode, expectError, isActive, issueCode, refresh, type TestClient } from './helpers/grants.js';

const PASSWORD = 'correct horse battery staple';
let counter = 0;

for (const backend of BACKENDS) {
  describe(`authorization code replay (${backend.name})`, () => {
    let server: TestServer;
    let codeOnly: TestClient;
    let withRefresh: TestClient;

    before(async () => {
      server = await startTestServer(backend);
      codeOnly = await createCodeClient(server, ['authorization_code']);
      withRefresh = await createCodeClient(server);
    });
    after(() => server.stop());

    async function newUser(): Promise<string> {
      return (await server.tokenDealer.accounts.create(`replay.${++counter}.${Date.now()}@runnerly.test`, PASSWORD, true)).id;
    }

    it('revokes the access token of a client without refresh tokens when its code is replayed', async () => {
      const code = await issueCode(server, codeOnly, await newUser());
      const first = await exchangeCode(server, codeOnly, code);
      assert.equal(first.status, 200);
      assert.equal(first.body.refresh_token, undefined);
      assert.equal(await isActive(server, codeOnly, first.body.access_token), true);
      expectError(await exchangeCode(server, codeOnly, code), 400, 'invalid_grant');
      assert.equal(await isActive(server, codeOnly, first.body.access_token), false);
    });

    it('gives one of two concurrent redemptions the tokens, and the other revokes them', async () => {
      const code = await issueCode(server, withRefresh, await newUser());
      const results = await Promise.all([exchangeCode(server, withRefresh, code), exchangeCode(server, withRefresh, code)]);
      const won = results.filter((result) => result.status === 200);
      assert.equal(won.length, 1, JSON.stringify(results.map((result) => result.body)));
      expectError(results.find((result) => result.status !== 200)!, 400, 'invalid_grant');
      expectError(await refresh(server, withRefresh, won[0]!.body.refresh_token!), 400, 'invalid_grant');
      assert.equal(await isActive(server, withRefresh, won[0]!.body.access_token), false);
    });
  });
}
