import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';

for (const backend of BACKENDS) {
  describe(`admin API (${backend.name})`, () => {
    let server: TestServer;
    let admin: string;

    before(async () => {
      server = await startTestServer(backend, { adminToken: ADMIN_TOKEN, adminPort: 0 });
      admin = server.adminUrl!;
    });
    after(() => server.stop());

    const call = (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) =>
      fetch(admin + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    it('is off unless an admin token is configured', async () => {
      const plain = await startTestServer(backend);
      try {
        assert.equal(plain.adminUrl, undefined);
      } finally {
        await plain.stop();
      }
    });

    it('refuses requests without the admin token with 401 problem details', async () => {
      for (const response of [await call('GET', '/clients', undefined, 'wrong-token'), await fetch(`${admin}/clients`)]) {
        assert.equal(response.status, 401);
        assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
        assert.equal(((await response.json()) as { status: number }).status, 401);
      }
    });

    it('registers a resource server with resource_servers, whose tokens it may then introspect', async () => {
      const created = await call('POST', '/clients', { client_name: 'reports', grant_types: [], resource_servers: ['https://reports.runnerly.io'] });
      assert.equal(created.status, 201);
      const resourceServer = (await created.json()) as { client_id: string; client_secret: string; resource_servers: string[] };
      assert.deepEqual(resourceServer.resource_servers, ['https://reports.runnerly.io']);
      const shown = (await (await call('GET', `/clients/${resourceServer.client_id}`)).json()) as { resource_servers: string[] };
      assert.deepEqual(shown.resource_servers, ['https://reports.runnerly.io']);
      const invalid = await call('POST', '/clients', { client_name: 'x', grant_types: [], resource_servers: ['not a uri'] });
      assert.equal(invalid.status, 400);
      assert.match(((await invalid.json()) as { detail: string }).detail, /invalid resource-server audience/);

      const app = await server.createClient({ audiences: ['https://reports.runnerly.io'] });
      const issued = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(app.client_id, app.client_secret) });
      const { access_token: token } = (await issued.json()) as { access_token: string };
      const introspected = await server.post('/oauth/introspect', { token }, { authorization: basic(resourceServer.client_id, resourceServer.client_secret) });
      assert.equal(((await introspected.json()) as { active: boolean }).active, true);
    });

    it('creates, shows, lists, re-secrets and deletes clients, effective at once on the public port', async () => {
      const created = await call('POST', '/clients', { client_name: 'data service', grant_types: ['client_credentials'], scope: 'runs:read', audiences: ['runnerly.io'] });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('cache-control'), 'no-store');
      const client = (await created.json()) as { client_id: string; client_secret: string; client_name: string };
      assert.equal(client.client_name, 'data service');
      const token = (secret: string) =>
        server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, secret) });
      assert.equal((await token(client.client_secret)).status, 200);

      const shown = (await (await call('GET', `/clients/${client.client_id}`)).json()) as Record<string, unknown>;
      assert.equal(shown.client_id, client.client_id);
      assert.equal(shown.client_secret, undefined);
      const listed = (await (await call('GET', '/clients')).json()) as { client_id: string }[];
      assert.ok(listed.some((entry) => entry.client_id === client.client_id));

      const rotated = (await (await call('POST', `/clients/${client.client_id}/rotate-secret`)).json()) as { client_secret: string };
      assert.equal((await token(client.client_secret)).status, 401);
      assert.equal((await token(rotated.client_secret)).status, 200);

      assert.equal((await call('DELETE', `/clients/${client.client_id}`)).status, 204);
      assert.equal((await token(rotated.client_secret)).status, 401);
      assert.equal((await call('GET', `/clients/${client.client_id}`)).status, 404);
      assert.equal((await call('DELETE', `/clients/${client.client_id}`)).status, 404);
      assert.equal((await call('POST', `/clients/${client.client_id}/rotate-secret`)).status, 404);
    });

    it('refuses invalid clients with 400 problem details naming the problem', async () => {
      const cases: [unknown, RegExp][] = [
        [{ client_name: 'x', grant_types: ['client_credentials'], audiences: ['not a uri'] }, /invalid audience/],
        [{ client_name: 'x', grant_types: ['password'], audiences: ['a'] }, /unsupported grant type/],
        [{ client_name: 'x', grant_types: ['client_credentials'], audiences: ['a'], extra: 1 }, /additional properties/],
        [{ grant_types: ['client_credentials'], audiences: ['a'] }, /client_name/],
        [{ client_name: 'x', grant_types: ['client_credentials'], audiences: ['a'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', p: 'x' }] } }, /public keys only/],
      ];
      for (const [body, detail] of cases) {
        const response = await call('POST', '/clients', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.match(((await response.json()) as { detail: string }).detail, detail);
      }
      const broken = await fetch(`${admin}/clients`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{' });
      assert.equal(broken.status, 400);
    });

    it('registers OpenID Connect clients: post-logout redirect URIs, first party, ID token algorithm; refuses bad ones with problem details', async () => {
      const created = await call('POST', '/clients', {
        client_name: 'Dashboard',
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid profile email runs:read',
        audiences: ['http://127.0.0.1:8080/api'],
        redirect_uris: ['http://127.0.0.1:8080/callback'],
        post_logout_redirect_uris: ['http://127.0.0.1:8080/'],
        first_party: true,
        id_token_signed_response_alg: 'ES256',
      });
      assert.equal(created.status, 201);
      const client = (await created.json()) as Record<string, unknown>;
      assert.deepEqual(client.post_logout_redirect_uris, ['http://127.0.0.1:8080/']);
      assert.equal(client.first_party, true);
      assert.equal(client.id_token_signed_response_alg, 'ES256');
      const shown = (await (await call('GET', `/clients/${String(client.client_id)}`)).json()) as Record<string, unknown>;
      assert.equal(shown.first_party, true);
      assert.deepEqual(shown.post_logout_redirect_uris, ['http://127.0.0.1:8080/']);

      const defaults = (await (await call('POST', '/clients', { client_name: 'plain', grant_types: ['client_credentials'], audiences: ['runnerly.io'] })).json()) as Record<string, unknown>;
      assert.deepEqual([defaults.post_logout_redirect_uris, defaults.first_party, defaults.id_token_signed_response_alg], [[], false, 'RS256']);

      const badUri = await call('POST', '/clients', { client_name: 'x', grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], post_logout_redirect_uris: ['http://app.example/bye'], audiences: ['runnerly.io'] });
      assert.equal(badUri.status, 400);
      assert.match(((await badUri.json()) as { detail: string }).detail, /invalid post-logout redirect URI "http:\/\/app.example\/bye"/);
      const badAlg = await call('POST', '/clients', { client_name: 'x', grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], id_token_signed_response_alg: 'HS256' });
      assert.equal(badAlg.status, 400);
      const firstPartyService = await call('POST', '/clients', { client_name: 'x', grant_types: ['client_credentials'], audiences: ['runnerly.io'], first_party: true });
      assert.equal(firstPartyService.status, 400);
      assert.match(((await firstPartyService.json()) as { detail: string }).detail, /first party only matters to clients that sign users in/);
    });

    it('lists and rotates signing keys', async () => {
      const keys = (await (await call('GET', '/keys')).json()) as { kid: string; alg: string; state: string }[];
      const next = keys.find((key) => key.state === 'next' && key.alg === 'ES256')!;
      const tooSoon = await call('POST', '/keys/rotate');
      assert.equal(tooSoon.status, 409);
      assert.match(((await tooSoon.json()) as { detail: string }).detail, /force/);
      const rotation = (await (await call('POST', '/keys/rotate?force=true')).json()) as { activated: string[] };
      assert.ok(rotation.activated.includes(next.kid));
      assert.equal(rotation.activated.length, 2, 'the access tokens\' ES256 key and the ID tokens\' RS256 key');
      const after = (await (await call('GET', '/keys')).json()) as { kid: string; state: string }[];
      assert.equal(after.find((key) => key.kid === next.kid)?.state, 'active');
    });

    it('describes itself with an OpenAPI document', async () => {
      const response = await fetch(`${admin}/openapi.json`);
      assert.equal(response.status, 200);
      const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.equal(document.openapi, '3.1.0');
      assert.deepEqual(Object.keys(document.paths).sort(), ['/clients', '/clients/{clientId}', '/clients/{clientId}/rotate-secret', '/keys', '/keys/rotate']);
      assert.ok(document.paths['/clients']!.post);
    });
  });
}
