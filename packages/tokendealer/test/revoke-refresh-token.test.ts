// RFC 7009 section 2: the revocation endpoint MUST support refresh tokens. Revoking one ends its
// family and the access tokens issued from it (section 2.1); another client's refresh token is
// refused like another client's access token; an unknown token gets 200 (section 2.2).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';
import { createCodeClient, expectError, isActive, refresh, userTokens, type TestClient } from './helpers/grants.js';

const PASSWORD = 'correct horse battery staple';
let counter = 0;

for (const backend of BACKENDS) {
  describe(`revocation endpoint: refresh tokens (${backend.name})`, () => {
    let server: TestServer;
    let app: TestClient;
    let other: TestClient;

    before(async () => {
      server = await startTestServer(backend);
      app = await createCodeClient(server);
      other = await createCodeClient(server);
    });
    after(() => server.stop());

    async function newUser(): Promise<string> {
      return (await server.tokenDealer.accounts.create(`revoke.${++counter}.${Date.now()}@runnerly.test`, PASSWORD, true)).id;
    }
    const revoke = (token: string, as: TestClient, extra: Record<string, string> = {}) =>
      server.post('/oauth/revoke', { token, ...extra }, { authorization: basic(as.client_id, as.client_secret) });

    it('revokes a refresh token, its family and the access tokens issued from it', async () => {
      const tokens = await userTokens(server, app, await newUser());
      const rotated = await refresh(server, app, tokens.refresh_token!);
      assert.equal(rotated.status, 200);
      const response = await revoke(rotated.body.refresh_token!, app, { token_type_hint: 'refresh_token' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(await response.text(), '');
      expectError(await refresh(server, app, rotated.body.refresh_token!), 400, 'invalid_grant');
      assert.equal(await isActive(server, app, tokens.access_token), false);
      assert.equal(await isActive(server, app, rotated.body.access_token), false);
    });

    it("refuses another client's refresh token with unauthorized_client and leaves it working", async () => {
      const tokens = await userTokens(server, app, await newUser());
      const response = await revoke(tokens.refresh_token!, other);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'unauthorized_client');
      assert.equal((await refresh(server, app, tokens.refresh_token!)).status, 200);
    });

    it('answers 200 for an unknown or already revoked refresh token', async () => {
      assert.equal((await revoke('A'.repeat(43), app)).status, 200);
      const tokens = await userTokens(server, app, await newUser());
      assert.equal((await revoke(tokens.refresh_token!, app)).status, 200);
      assert.equal((await revoke(tokens.refresh_token!, app)).status, 200);
    });
  });
}
