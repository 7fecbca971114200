import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';

for (const backend of BACKENDS) {
  describe(`metadata, health and metrics (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.stop());

    it('publishes RFC 8414 metadata at both well-known paths (the OpenID Connect one adds its own fields)', async () => {
      const documents = [];
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        const response = await fetch(server.url + path);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('cache-control') ?? '', /max-age/);
        documents.push(await response.json());
      }
      const [metadata, openid] = documents as [Record<string, unknown>, Record<string, unknown>];
      for (const [name, value] of Object.entries(metadata)) assert.deepEqual(openid[name], value, name);
      assert.equal(metadata.issuer, server.url);
      assert.equal(metadata.token_endpoint, `${server.url}/oauth/token`);
      assert.equal(metadata.jwks_uri, `${server.url}/.well-known/jwks.json`);
      assert.equal(metadata.introspection_endpoint, `${server.url}/oauth/introspect`);
      assert.equal(metadata.revocation_endpoint, `${server.url}/oauth/revoke`);
      assert.deepEqual(metadata.grant_types_supported, ['client_credentials', 'authorization_code', 'refresh_token']);
      assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
      assert.deepEqual(metadata.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.ok(!(metadata.token_endpoint_auth_signing_alg_values_supported as string[]).some((alg) => alg === 'none' || alg.startsWith('HS')));
    });

    it('answers liveness and readiness, and readiness fails when the database is gone', async () => {
      assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: 'ok' });
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', database: backend.name });
    });

    it('exposes Prometheus metrics counting requests, issued tokens and errors', async () => {
      const client = await server.createClient();
      await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret) });
      await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong') });
      const response = await fetch(`${server.url}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await response.text();
      assert.match(text, /tokendealer_tokens_issued_total\{grant_type="client_credentials"\} 1/);
      assert.match(text, /tokendealer_oauth_errors_total\{endpoint="\/oauth\/token",error="invalid_client"\} 1/);
      assert.match(text, /^http_server_request_duration_seconds_count\{method="POST",route="\/oauth\/token",status="200"\} 1$/m);
      assert.match(text, /^process_cpu_seconds_total /m);
      assert.doesNotMatch(text, new RegExp(client.client_secret));
    });

    it('answers unknown paths with a JSON 404', async () => {
      const response = await fetch(`${server.url}/nope`);
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { error: string }).error, 'not_found');
    });
  });
}

describe('readiness without a database', () => {
  it('answers 503 when the database cannot be reached', async () => {
    const server = await startTestServer(BACKENDS[0]!);
    try {
      await server.tokenDealer.storage.close();
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { status: string }).status, 'unavailable');
    } finally {
      await server.close().catch(() => {});
      await server.database.drop();
    }
  });
});
