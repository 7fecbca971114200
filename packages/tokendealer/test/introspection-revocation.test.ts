import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';
import { issueAccessToken } from '../src/tokens/jwt-access-token.js';
import { generateKeyPair } from '../src/keys/algorithms.js';
import { toSigningKey } from '../src/keys/signing-key.js';

for (const backend of BACKENDS) {
  describe(`introspection and revocation (${backend.name})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<TestServer['createClient']>>;
    let other: Awaited<ReturnType<TestServer['createClient']>>;

    before(async () => {
      server = await startTestServer(backend);
      owner = await server.createClient();
      other = await server.createClient({ name: 'resource server', grantTypes: [], audiences: [], resourceServers: ['runnerly.io'] });
    });
    after(() => server.stop());

    async function newToken(): Promise<string> {
      const response = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(owner.client_id, owner.client_secret) });
      assert.equal(response.status, 200);
      return ((await response.json()) as { access_token: string }).access_token;
    }
    const introspect = async (token: string, as = other) => {
      const response = await server.post('/oauth/introspect', { token }, { authorization: basic(as.client_id, as.client_secret) });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      return (await response.json()) as Record<string, unknown>;
    };
    const revoke = (token: string, as = owner, extra: Record<string, string> = {}) =>
      server.post('/oauth/revoke', { token, ...extra }, { authorization: basic(as.client_id, as.client_secret) });

    it('reports an active token with its claims to the resource server of its audience (RFC 7662)', async () => {
      const token = await newToken();
      const body = await introspect(token);
      assert.equal(body.active, true);
      assert.equal(body.client_id, owner.client_id);
      assert.equal(body.sub, owner.client_id);
      assert.equal(body.aud, 'runnerly.io');
      assert.equal(body.iss, server.url);
      assert.equal(body.scope, 'runs:read runs:write');
      assert.equal(body.token_type, 'Bearer');
      assert.equal(typeof body.exp, 'number');
      assert.equal(typeof body.jti, 'string');
    });

    it('reports unknown, forged, foreign and expired tokens as inactive', async () => {
      assert.deepEqual(await introspect('garbage'), { active: false });
      assert.deepEqual(await introspect('a.b.c'), { active: false });
      const token = await newToken();
      const [header, payload] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url')}.${token.split('.')[2]}`;
      assert.deepEqual(await introspect(forged), { active: false });
      const foreignKey = toSigningKey(server.tokenDealer.keyRing.signingKey.kid, 'ES256', generateKeyPair('ES256').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
      const foreign = issueAccessToken(foreignKey, { issuer: server.url, subject: 'x', clientId: 'x', audience: 'runnerly.io', scopes: [], lifetimeSeconds: 60, now: Math.floor(Date.now() / 1000) });
      assert.deepEqual(await introspect(foreign.token), { active: false });
      const expired = issueAccessToken(server.tokenDealer.keyRing.signingKey, {
        issuer: server.url, subject: owner.client_id, clientId: owner.client_id, audience: 'runnerly.io', scopes: [], lifetimeSeconds: 60,
        now: Math.floor(Date.now() / 1000) - 120,
      });
      assert.deepEqual(await introspect(expired.token), { active: false });
      const otherIssuer = issueAccessToken(server.tokenDealer.keyRing.signingKey, {
        issuer: 'https://elsewhere.example', subject: 'x', clientId: 'x', audience: 'runnerly.io', scopes: [], lifetimeSeconds: 60, now: Math.floor(Date.now() / 1000),
      });
      assert.deepEqual(await introspect(otherIssuer.token), { active: false });
    });

    it('revokes a token so that introspection reports it inactive (RFC 7009), and keeps its jti until expiry', async () => {
      const token = await newToken();
      const response = await revoke(token, owner, { token_type_hint: 'access_token' });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '');
      assert.deepEqual(await introspect(token), { active: false });
      // The owner sees the same answer.
      assert.deepEqual(await introspect(token, owner), { active: false });
      // Housekeeping keeps the row while the token could still be presented.
      await server.tokenDealer.housekeeping();
      assert.deepEqual(await introspect(token), { active: false });
      const jti = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
      assert.equal(await server.tokenDealer.storage.revocations.isRevoked(jti), true);
      await server.tokenDealer.storage.revocations.pruneExpired(Math.floor(Date.now() / 1000) + 10_000);
      assert.equal(await server.tokenDealer.storage.revocations.isRevoked(jti), false);
    });

    it("reports a deleted client's tokens as inactive", async () => {
      const doomed = await server.createClient();
      const response = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(doomed.client_id, doomed.client_secret) });
      const { access_token: token } = (await response.json()) as { access_token: string };
      assert.equal((await introspect(token)).active, true);
      await server.tokenDealer.clients.delete(doomed.client_id);
      await server.tokenDealer.sync();
      assert.deepEqual(await introspect(token), { active: false });
    });

    it('answers 200 for unknown tokens and repeated revocations', async () => {
      assert.equal((await revoke('not-a-token')).status, 200);
      const token = await newToken();
      assert.equal((await revoke(token)).status, 200);
      assert.equal((await revoke(token)).status, 200);
    });

    it("refuses to revoke another client's token with unauthorized_client and leaves it active", async () => {
      const token = await newToken();
      const response = await revoke(token, other);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'unauthorized_client');
      assert.equal((await introspect(token)).active, true);
    });

    it('requires client authentication and the token parameter', async () => {
      const token = await newToken();
      for (const path of ['/oauth/introspect', '/oauth/revoke']) {
        const anonymous = await server.post(path, { token });
        assert.equal(anonymous.status, 401);
        assert.equal(((await anonymous.json()) as { error: string }).error, 'invalid_client');
        const missing = await server.post(path, {}, { authorization: basic(other.client_id, other.client_secret) });
        assert.equal(missing.status, 400);
        assert.equal(((await missing.json()) as { error: string }).error, 'invalid_request');
        const get = await fetch(server.url + path);
        assert.equal(get.status, 405);
      }
      assert.equal((await introspect(token)).active, true);
    });
  });
}
