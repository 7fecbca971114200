import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { guardPlugin } from '../src/fastify.js';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { generateSigningKey, mintToken } from './support/keys.js';

const PUBLIC_API = 'https://runnerly.test/api';
const SERVICE = 'runnerly-data';

describe('requireAccess: audience and kind of subject before scopes', () => {
  const key = generateSigningKey('ES256');
  let server: TestAuthServer;
  let app: FastifyInstance;
  const mint = (audience: string, sub: string, scope: string): Promise<string> =>
    mintToken(key, { issuer: server.issuer, audience, claims: { sub, client_id: 'app-1', scope } });

  before(async () => {
    server = await startAuthServer([key]);
    app = Fastify();
    await app.register(guardPlugin, { issuer: server.issuer, audience: [PUBLIC_API, SERVICE] });
    app.get('/public', { preHandler: app.requireAccess({ audience: PUBLIC_API, subject: 'user', scopes: ['runs:read'] }) }, async (request) => ({ sub: request.accessToken?.sub }));
    app.get('/internal', { preHandler: app.requireAccess({ audience: SERVICE, subject: 'client', scopes: ['runs:import'] }) }, async (request) => ({ sub: request.accessToken?.sub }));
    await app.ready();
  });
  after(async () => {
    await app.close();
    await server.close();
  });

  const call = async (url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('lets a user token for the public API through and a service token for the service', async () => {
    assert.deepEqual((await call('/public', await mint(PUBLIC_API, 'runner-1', 'runs:read'))).json(), { sub: 'runner-1' });
    assert.deepEqual((await call('/internal', await mint(SERVICE, 'app-1', 'runs:import'))).json(), { sub: 'app-1' });
  });

  it('refuses a user token at an internal endpoint whatever its audience and scopes (401 invalid_token)', async () => {
    const response = await call('/internal', await mint(SERVICE, 'runner-1', 'runs:import runs:read:all'));
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error, 'invalid_token');
    assert.equal(response.json().error_description, 'this endpoint accepts only service tokens');
  });

  it('refuses a token for another audience the verifier accepts (401 invalid_token)', async () => {
    const response = await call('/public', await mint(SERVICE, 'runner-1', 'runs:read'));
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error_description, 'the access token is not meant for this resource');
    assert.match(String(response.headers['www-authenticate']), /realm="https:\/\/runnerly.test\/api"/);
  });

  it('refuses a service token at a user endpoint', async () => {
    const response = await call('/public', await mint(PUBLIC_API, 'app-1', 'runs:read'));
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error_description, 'this endpoint accepts only tokens issued for a user');
  });

  it('answers 403 insufficient_scope naming the required scopes', async () => {
    const response = await call('/public', await mint(PUBLIC_API, 'runner-1', 'profile'));
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error, 'insufficient_scope');
    assert.match(String(response.headers['www-authenticate']), /scope="runs:read"/);
  });
});
