import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { BACKENDS } from './helpers/databases.js';
import { basic, decodePart, startTestServer, type TestServer } from './helpers/test-server.js';

async function expectError(response: Response, status: number, error: string): Promise<{ error: string; error_description: string }> {
  const body = (await response.json()) as { error: string; error_description: string };
  assert.equal(response.status, status, `status (body: ${JSON.stringify(body)})`);
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return body;
}

for (const backend of BACKENDS) {
  describe(`token endpoint, client_credentials (${backend.name})`, () => {
    let server: TestServer;
    let client: Awaited<ReturnType<TestServer['createClient']>>;

    before(async () => {
      server = await startTestServer(backend);
      client = await server.createClient();
    });
    after(() => server.stop());

    const token = (body: Record<string, string | string[]>, auth = basic(client.client_id, client.client_secret)) =>
      server.post('/oauth/token', { grant_type: 'client_credentials', ...body }, { authorization: auth });

    it('issues an RFC 9068 access token to a client authenticating with client_secret_basic', async () => {
      const response = await token({});
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 900);
      assert.equal(body.scope, 'runs:read runs:write');
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: [] };
      const { payload, protectedHeader } = await jwtVerify(body.access_token as string, createLocalJWKSet(jwks), {
        issuer: server.url,
        audience: 'runnerly.io',
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(typeof protectedHeader.kid, 'string');
      assert.equal(payload.sub, client.client_id);
      assert.equal(payload.client_id, client.client_id);
      assert.equal(payload.scope, 'runs:read runs:write');
      assert.equal(payload.exp! - payload.iat!, 900);
      assert.match(payload.jti!, /^[A-Za-z0-9_-]{22}$/);
    });

    it('accepts client_secret_post and client_secret_basic from any client with a secret (RFC 6749 section 2.3.1)', async () => {
      const postClient = await server.createClient({ authMethod: 'client_secret_post' });
      const viaPost = await server.post('/oauth/token', { grant_type: 'client_credentials', client_id: postClient.client_id, client_secret: postClient.client_secret });
      assert.equal(viaPost.status, 200);
      assert.equal((await token({}, basic(postClient.client_id, postClient.client_secret))).status, 200);
      const basicClientViaPost = await server.post('/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(basicClientViaPost.status, 200);
      const wrongSecret = await server.post('/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'wrong' });
      await expectError(wrongSecret, 401, 'invalid_client');
    });

    it('grants the requested subset of scopes', async () => {
      const response = await token({ scope: 'runs:read' });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { scope: string; access_token: string };
      assert.equal(body.scope, 'runs:read');
      assert.equal(decodePart(body.access_token, 1).scope, 'runs:read');
    });

    it('refuses an unknown or disallowed scope with invalid_scope instead of dropping it', async () => {
      const body = await expectError(await token({ scope: 'runs:read admin' }), 400, 'invalid_scope');
      assert.match(body.error_description, /admin/);
      await expectError(await token({ scope: 'bad"scope' }), 400, 'invalid_scope');
    });

    it('picks the audience with audience, resource or the first registered one', async () => {
      const byDefault = (await (await token({})).json()) as { access_token: string };
      assert.equal(decodePart(byDefault.access_token, 1).aud, 'runnerly.io');
      const byAudience = (await (await token({ audience: 'https://api.runnerly.io' })).json()) as { access_token: string };
      assert.equal(decodePart(byAudience.access_token, 1).aud, 'https://api.runnerly.io');
      const byResource = (await (await token({ resource: 'https://api.runnerly.io' })).json()) as { access_token: string };
      assert.equal(decodePart(byResource.access_token, 1).aud, 'https://api.runnerly.io');
    });

    it('refuses an unregistered audience or resource with invalid_target', async () => {
      await expectError(await token({ audience: 'evil.example' }), 400, 'invalid_target');
      await expectError(await token({ resource: 'https://evil.example' }), 400, 'invalid_target');
      // RFC 8707: resource must be an absolute URI; a plain name is not one.
      await expectError(await token({ resource: 'runnerly.io' }), 400, 'invalid_target');
      await expectError(await token({ resource: 'https://api.runnerly.io#frag' }), 400, 'invalid_target');
    });

    it('refuses audience and resource together with invalid_request', async () => {
      await expectError(await token({ audience: 'runnerly.io', resource: 'https://api.runnerly.io' }), 400, 'invalid_request');
    });

    it('refuses a missing grant_type with invalid_request and an unknown one with unsupported_grant_type', async () => {
      await expectError(await server.post('/oauth/token', {}, { authorization: basic(client.client_id, client.client_secret) }), 400, 'invalid_request');
      await expectError(await token({ grant_type: 'password' }), 400, 'unsupported_grant_type');
      await expectError(await token({ grant_type: 'implicit' }), 400, 'unsupported_grant_type');
    });

    it('refuses a grant the client is not registered for with unauthorized_client', async () => {
      const resourceServer = await server.createClient({ grantTypes: [], audiences: [] });
      await expectError(await token({}, basic(resourceServer.client_id, resourceServer.client_secret)), 400, 'unauthorized_client');
    });

    it('answers a wrong secret, an unknown client or no authentication with 401 invalid_client and a challenge', async () => {
      for (const auth of [basic(client.client_id, 'wrong'), basic('nobody', client.client_secret)]) {
        const response = await token({}, auth);
        await expectError(response, 401, 'invalid_client');
        assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="tokendealer"/);
      }
      await expectError(await server.post('/oauth/token', { grant_type: 'client_credentials' }), 401, 'invalid_client');
      await expectError(await token({}, 'Basic !!!'), 401, 'invalid_client');
      await expectError(await token({}, `Basic ${Buffer.from('no-colon').toString('base64')}`), 401, 'invalid_client');
      await expectError(await token({}, 'Bearer abc'), 401, 'invalid_client');
    });

    it('refuses two authentication methods in one request with invalid_request', async () => {
      const response = await server.post(
        '/oauth/token',
        { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret },
        { authorization: basic(client.client_id, client.client_secret) },
      );
      await expectError(response, 400, 'invalid_request');
    });

    it('refuses a client_id in the body that differs from the Basic credentials', async () => {
      await expectError(await token({ client_id: 'someone-else' }), 400, 'invalid_request');
    });

    it('refuses repeated parameters, bad encoding, absurd lengths and too many parameters with 400 invalid_request', async () => {
      const auth = { authorization: basic(client.client_id, client.client_secret) };
      await expectError(await server.post('/oauth/token', 'grant_type=client_credentials&scope=a&scope=b', auth), 400, 'invalid_request');
      await expectError(await server.post('/oauth/token', 'grant_type=client_credentials&grant_type=client_credentials', auth), 400, 'invalid_request');
      await expectError(await server.post('/oauth/token', 'grant_type=client_credentials&scope=%E0%A4%A', auth), 400, 'invalid_request');
      await expectError(await server.post('/oauth/token', `grant_type=client_credentials&audience=${'a'.repeat(5000)}`, auth), 400, 'invalid_request');
      const many = Array.from({ length: 40 }, (_, i) => `p${i}=x`).join('&');
      await expectError(await server.post('/oauth/token', `grant_type=client_credentials&${many}`, auth), 400, 'invalid_request');
    });

    it('ignores unknown parameters and treats empty ones as absent (RFC 6749 section 3.1)', async () => {
      const response = await server.post('/oauth/token', 'grant_type=client_credentials&scope=&unknown=1', {
        authorization: basic(client.client_id, client.client_secret),
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { scope: string }).scope, 'runs:read runs:write');
    });

    it('refuses other content types with 400 invalid_request and oversized bodies with 413', async () => {
      const json = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(client.client_id, client.client_secret) },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      await expectError(json, 400, 'invalid_request');
      const none = await fetch(`${server.url}/oauth/token`, { method: 'POST' });
      await expectError(none, 400, 'invalid_request');
      const huge = await server.post('/oauth/token', `grant_type=client_credentials&x=${'a'.repeat(20_000)}`);
      await expectError(huge, 413, 'invalid_request');
    });

    it('answers other methods with 405 and an Allow header', async () => {
      const response = await fetch(`${server.url}/oauth/token`);
      await expectError(response, 405, 'invalid_request');
      assert.equal(response.headers.get('allow'), 'POST');
    });

    it('never answers garbage bodies with a 5xx (fuzz)', async () => {
      const alphabet = 'ab=&%+;:/?#[]@!$\'()*,\u0000\u00ff\ud83c\udfc3 \r\n\t"\\0123456789xyz';
      let seed = 42;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let round = 0; round < 150; round++) {
        const length = Math.floor(random() * 300);
        let body = '';
        for (let i = 0; i < length; i++) body += alphabet[Math.floor(random() * alphabet.length)];
        if (round % 3 === 0) body = `grant_type=client_credentials&${body}`;
        const response = await server.post('/oauth/token', body, round % 2 ? { authorization: basic(client.client_id, client.client_secret) } : {});
        assert.ok(response.status < 500, `status ${response.status} for body ${JSON.stringify(body)}`);
        const parsed = (await response.json()) as { error?: string; access_token?: string };
        assert.ok(parsed.error !== undefined || parsed.access_token !== undefined);
      }
    });
  });
}
