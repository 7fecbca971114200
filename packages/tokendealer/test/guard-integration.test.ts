// The whole service-to-service path: a calling service's TokenSource gets tokens from a real
// TokenDealer, and a resource service protected by the guard's Fastify plugin checks them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { JwksKeySource, TokenSource } from '@runnerly/guard';
import { guardPlugin } from '@runnerly/guard/fastify';
import { BACKENDS } from './helpers/databases.js';
import { decodePart, startTestServer, type TestServer } from './helpers/test-server.js';

describe('TokenDealer, TokenSource and the guard together', () => {
  let server: TestServer;
  let api: FastifyInstance;
  let apiUrl: string;
  let reader: Awaited<ReturnType<TestServer['createClient']>>;

  before(async () => {
    server = await startTestServer(BACKENDS[0]!);
    reader = await server.createClient({ scopes: ['runs:read'], audiences: ['https://api.runnerly.io'] });
    api = Fastify();
    // A short cooldown so that the rotation below is seen at once.
    await api.register(guardPlugin, {
      issuer: server.url,
      audience: 'https://api.runnerly.io',
      keySource: new JwksKeySource({ issuer: server.url, cooldownMs: 0 }),
    });
    api.get('/runs', { preHandler: api.requireScopes('runs:read') }, async (request) => ({ runner: request.accessToken?.sub }));
    api.post('/runs', { preHandler: api.requireScopes('runs:write') }, async () => ({ ok: true }));
    apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await api.close();
    await server.stop();
  });

  it('lets a TokenSource-authenticated call through and refuses a missing scope with 403', async () => {
    const source = new TokenSource({ issuer: server.url, clientId: reader.client_id, clientSecret: reader.client_secret });
    const read = await source.fetch(`${apiUrl}/runs`);
    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), { runner: reader.client_id });
    const write = await source.fetch(`${apiUrl}/runs`, { method: 'POST' });
    assert.equal(write.status, 403);
    assert.match(write.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    const anonymous = await fetch(`${apiUrl}/runs`);
    assert.equal(anonymous.status, 401);
    const inQuery = await fetch(`${apiUrl}/runs?access_token=${await source.getToken()}`);
    assert.equal(inQuery.status, 400);
  });

  it('refuses a token issued for another audience with 401 invalid_token', async () => {
    const other = await server.createClient({ scopes: ['runs:read'], audiences: ['https://reports.runnerly.io'] });
    const source = new TokenSource({ issuer: server.url, clientId: other.client_id, clientSecret: other.client_secret });
    const response = await source.fetch(`${apiUrl}/runs`);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('keeps verifying across key rotations: old tokens until expiry, new tokens at once', async () => {
    const source = new TokenSource({ issuer: server.url, clientId: reader.client_id, clientSecret: reader.client_secret });
    const before = await source.getToken();
    assert.equal((await source.fetch(`${apiUrl}/runs`)).status, 200);
    await server.tokenDealer.rotateKeys({ force: true });
    await server.tokenDealer.rotateKeys({ force: true });
    source.invalidate();
    const after = await source.getToken();
    assert.notEqual(decodePart(after, 0).kid, decodePart(before, 0).kid);
    for (const token of [before, after]) {
      const response = await fetch(`${apiUrl}/runs`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200, `token signed by ${String(decodePart(token, 0).kid)}`);
    }
  });
});
