// RFC 7662 section 4: introspection tells whether a token is active only to those entitled to know:
// the resource server of one of its audiences (registered with --resource-server) or the client
// it was issued to. Anyone else learns `active: false`, as for a token that does not exist.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';
import { randomBytes } from 'node:crypto';
import { challengeOf } from '../src/oauth/pkce.js';
import { newOpaqueToken } from '../src/tokens/opaque-token.js';
import { createCodeClient, GRANT_REDIRECT, nowSeconds, refresh, tokenRequest, userTokens, type TestClient } from './helpers/grants.js';

for (const backend of BACKENDS) {
  describe(`who may introspect a token (${backend.name})`, () => {
    let server: TestServer;
    let issuedTo: TestClient;
    let resourceServer: TestClient;
    let otherResourceServer: TestClient;
    let bystander: TestClient;

    before(async () => {
      server = await startTestServer(backend);
      issuedTo = await server.createClient({ audiences: ['runnerly.io', 'https://api.runnerly.io'] });
      resourceServer = await server.createClient({ name: 'data service', grantTypes: [], audiences: [], resourceServers: ['https://api.runnerly.io'] });
      otherResourceServer = await server.createClient({ name: 'reports', grantTypes: [], audiences: [], resourceServers: ['https://reports.runnerly.io'] });
      bystander = await server.createClient({ name: 'bystander' });
    });
    after(() => server.stop());

    async function accessToken(audience: string): Promise<string> {
      const response = await server.post('/oauth/token', { grant_type: 'client_credentials', audience }, { authorization: basic(issuedTo.client_id, issuedTo.client_secret) });
      assert.equal(response.status, 200);
      return ((await response.json()) as { access_token: string }).access_token;
    }
    async function introspect(token: string, as: TestClient): Promise<Record<string, unknown>> {
      const response = await server.post('/oauth/introspect', { token }, { authorization: basic(as.client_id, as.client_secret) });
      assert.equal(response.status, 200);
      return (await response.json()) as Record<string, unknown>;
    }

    it('reports a token active to the resource server of its audience and to the client it was issued to', async () => {
      const token = await accessToken('https://api.runnerly.io');
      const asResourceServer = await introspect(token, resourceServer);
      assert.equal(asResourceServer.active, true);
      assert.equal(asResourceServer.aud, 'https://api.runnerly.io');
      assert.equal(asResourceServer.client_id, issuedTo.client_id);
      assert.equal((await introspect(token, issuedTo)).active, true);
    });

    it('answers active: false, and nothing more, to any other client', async () => {
      const token = await accessToken('https://api.runnerly.io');
      assert.deepEqual(await introspect(token, bystander), { active: false });
      assert.deepEqual(await introspect(token, otherResourceServer), { active: false });
      // Another audience of the same client: this resource server is not its audience.
      assert.deepEqual(await introspect(await accessToken('runnerly.io'), resourceServer), { active: false });
    });

    it('reports a live refresh token active to its own client only, and a rotated one inactive', async () => {
      const app = await createCodeClient(server);
      const user = await server.tokenDealer.accounts.create(`introspect.${Date.now()}@runnerly.test`, 'correct horse battery staple', true);
      const tokens = await userTokens(server, app, user.id);
      const live = await introspect(tokens.refresh_token!, app);
      assert.equal(live.active, true);
      assert.equal(live.client_id, app.client_id);
      assert.equal(live.sub, user.id);
      assert.equal(live.scope, 'runs:read runs:write');
      assert.equal(typeof live.exp, 'number');
      assert.deepEqual(await introspect(tokens.refresh_token!, resourceServer), { active: false });
      assert.deepEqual(await introspect(tokens.refresh_token!, bystander), { active: false });
      const rotated = await refresh(server, app, tokens.refresh_token!);
      assert.equal(rotated.status, 200);
      assert.deepEqual(await introspect(tokens.refresh_token!, app), { active: false });
      assert.equal((await introspect(rotated.body.refresh_token!, app)).active, true);
    });

    it('an OpenID Connect access token, whose audience also names the issuer (for userinfo), is active to its resource server and its client only', async () => {
      const app = await server.createClient({
        grantTypes: ['authorization_code'], redirectUris: [GRANT_REDIRECT], scopes: ['openid', 'runs:read'], audiences: ['https://api.runnerly.io'],
      });
      const user = await server.tokenDealer.accounts.create(`introspect.oidc.${Date.now()}@runnerly.test`, 'correct horse battery staple', true);
      const createdAt = nowSeconds();
      const verifier = randomBytes(32).toString('base64url');
      const code = newOpaqueToken();
      await server.tokenDealer.storage.consents.grant(user.id, app.client_id, ['openid', 'runs:read'], createdAt);
      await server.tokenDealer.storage.authorizationCodes.create({
        codeHash: code.hash, clientId: app.client_id, userId: user.id, redirectUri: GRANT_REDIRECT, scopes: ['openid', 'runs:read'],
        audience: 'https://api.runnerly.io', codeChallenge: challengeOf(verifier), authTime: createdAt - 5, createdAt, expiresAt: createdAt + 60,
      });
      const exchanged = await tokenRequest(server, app, { grant_type: 'authorization_code', code: code.value, code_verifier: verifier, redirect_uri: GRANT_REDIRECT });
      assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
      const token = exchanged.body.access_token;
      const asResourceServer = await introspect(token, resourceServer);
      assert.equal(asResourceServer.active, true);
      assert.deepEqual(asResourceServer.aud, ['https://api.runnerly.io', server.tokenDealer.issuer]);
      assert.equal((await introspect(token, app)).active, true);
      assert.deepEqual(await introspect(token, otherResourceServer), { active: false });
      assert.deepEqual(await introspect(token, bystander), { active: false });
    });
  });
}
