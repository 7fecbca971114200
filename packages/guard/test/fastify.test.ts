import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createVerifier } from '../src/index.js';
import { guardPlugin, type GuardPluginOptions } from '../src/fastify.js';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { generateSigningKey, mintToken } from './support/keys.js';

const AUDIENCE = 'https://runs.runnerly.test';

async function buildApp(options: GuardPluginOptions): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(guardPlugin, options);
  app.get('/health', async () => ({ ok: true }));
  app.get('/runs', { preHandler: app.requireScopes('runs:read') }, async (request) => ({
    sub: request.accessToken?.sub,
    scopes: request.accessToken?.scopes,
  }));
  app.post('/runs', { preHandler: app.requireScopes('runs:read', 'runs:write') }, async (request) => ({ client: request.accessToken?.client_id }));
  app.delete('/runs', { preHandler: app.requireScopes('runs:admin') }, async () => ({ deleted: true }));
  app.get('/me', { preHandler: app.requireScopes() }, async (request) => ({ sub: request.accessToken?.sub }));
  app.get('/health/token', async (request) => ({ token: request.accessToken ?? null }));
  await app.ready();
  return app;
}

describe('guardPlugin (Fastify)', () => {
  const key = generateSigningKey('ES256');
  let server: TestAuthServer;
  let app: FastifyInstance;
  let token: string;

  before(async () => {
    server = await startAuthServer([key]);
    app = await buildApp({ issuer: server.issuer, audience: AUDIENCE, realm: 'runs' });
    token = await mintToken(key, { issuer: server.issuer, audience: AUDIENCE, claims: { scope: 'runs:read runs:write' } });
  });
  after(async () => {
    await app.close();
    await server.close();
  });

  it('leaves routes without the hook public, with no accessToken on the request', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { ok: true });
    const withToken = await app.inject({ method: 'GET', url: '/health/token', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(withToken.json(), { token: null });
  });

  it('lets a valid token with the required scopes through and exposes its claims as request.accessToken', async () => {
    const response = await app.inject({ method: 'GET', url: '/runs', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { sub: 'runner-42', scopes: ['runs:read', 'runs:write'] });
    const post = await app.inject({ method: 'POST', url: '/runs', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(post.json(), { client: 'runs-app' });
    const any = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(any.json(), { sub: 'runner-42' });
  });

  it('answers a request without credentials with 401 and a bare Bearer challenge', async () => {
    const response = await app.inject({ method: 'GET', url: '/runs' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="runs"');
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.json(), { error: 'missing_token', error_description: 'an access token is required' });
  });

  it('answers an invalid token with 401 invalid_token', async () => {
    const wrongAudience = await mintToken(key, { issuer: server.issuer, audience: 'https://billing.test' });
    const response = await app.inject({ method: 'GET', url: '/runs', headers: { authorization: `Bearer ${wrongAudience}` } });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="runs", error="invalid_token", error_description="unexpected audience"');
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.deepEqual(response.json(), { error: 'invalid_token', error_description: 'unexpected audience' });
  });

  it('answers a token lacking a required scope with 403 insufficient_scope naming the scope', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/runs', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 403);
    assert.equal(
      response.headers['www-authenticate'],
      'Bearer realm="runs", error="insufficient_scope", error_description="the access token lacks scope: runs:admin", scope="runs:admin"',
    );
    assert.deepEqual(response.json(), { error: 'insufficient_scope', error_description: 'the access token lacks scope: runs:admin' });
  });

  it('refuses a token in the query string with 400 invalid_request', async () => {
    const response = await app.inject({ method: 'GET', url: `/runs?access_token=${token}` });
    assert.equal(response.statusCode, 400);
    assert.equal(
      response.headers['www-authenticate'],
      'Bearer realm="runs", error="invalid_request", error_description="tokens in query strings are not accepted"',
    );
    assert.deepEqual(response.json(), { error: 'invalid_request', error_description: 'tokens in query strings are not accepted' });
  });

  it('works over a real socket too', async () => {
    const listening = await buildApp({ verifier: createVerifier({ issuer: server.issuer, audience: AUDIENCE }), realm: 'runs' });
    try {
      const address = await listening.listen({ host: '127.0.0.1', port: 0 });
      const ok = await fetch(`${address}/runs`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { sub: string }).sub, 'runner-42');
      const denied = await fetch(`${address}/runs`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      assert.equal(denied.status, 401);
      assert.equal(denied.headers.get('www-authenticate'), 'Bearer realm="runs"');
    } finally {
      await listening.close();
    }
  });

  it('defaults the realm to the audience when none is given', async () => {
    const defaults = await buildApp({ issuer: server.issuer, audience: [AUDIENCE, 'https://runs-v2.test'] });
    try {
      const response = await defaults.inject({ method: 'GET', url: '/runs' });
      assert.equal(response.headers['www-authenticate'], `Bearer realm="${AUDIENCE}"`);
    } finally {
      await defaults.close();
    }
  });

  it('answers 503 through Fastify\'s error handler when the issuer keys cannot be obtained', async () => {
    const gone = await startAuthServer();
    await gone.close();
    const unreachable = await buildApp({ issuer: gone.issuer, audience: AUDIENCE });
    try {
      const orphan = await mintToken(key, { issuer: gone.issuer, audience: AUDIENCE });
      const response = await unreachable.inject({ method: 'GET', url: '/runs', headers: { authorization: `Bearer ${orphan}` } });
      assert.equal(response.statusCode, 503);
      assert.equal(response.headers['www-authenticate'], undefined);
    } finally {
      await unreachable.close();
    }
  });
});
