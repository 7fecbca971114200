// An independent OAuth client (openid-client, built on oauth4webapi) and JOSE library (jose)
// judge the server, from the issuer URL alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

for (const backend of BACKENDS) {
  describe(`a standard OAuth client library against TokenDealer (${backend.name})`, () => {
    let server: TestServer;
    let registered: Awaited<ReturnType<TestServer['createClient']>>;

    before(async () => {
      server = await startTestServer(backend);
      registered = await server.createClient({ scopes: ['runs:read', 'runs:write'] });
    });
    after(() => server.stop());

    it('discovers, gets a client_credentials token, verifies it against the JWKS, introspects and revokes it', async () => {
      const config = await client.discovery(new URL(server.url), registered.client_id, registered.client_secret, client.ClientSecretBasic(registered.client_secret), {
        execute: [client.allowInsecureRequests],
      });
      const metadata = config.serverMetadata();
      assert.equal(metadata.issuer, server.url);
      assert.equal(metadata.token_endpoint, `${server.url}/oauth/token`);

      const tokens = await client.clientCredentialsGrant(config, { scope: 'runs:read', resource: 'https://api.runnerly.io' });
      assert.equal(tokens.token_type, 'bearer');
      assert.equal(tokens.scope, 'runs:read');
      assert.equal(tokens.expires_in, 900);

      const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri!));
      const { payload } = await jwtVerify(tokens.access_token, jwks, {
        issuer: server.url,
        audience: 'https://api.runnerly.io',
        typ: 'at+jwt',
        requiredClaims: ['sub', 'client_id', 'jti', 'iat', 'exp'],
      });
      assert.equal(payload.sub, registered.client_id);

      const active = await client.tokenIntrospection(config, tokens.access_token);
      assert.equal(active.active, true);
      assert.equal(active.client_id, registered.client_id);
      assert.equal(active.scope, 'runs:read');

      await client.tokenRevocation(config, tokens.access_token);
      const revoked = await client.tokenIntrospection(config, tokens.access_token);
      assert.equal(revoked.active, false);
    });

    it('surfaces the server errors as the standard error codes', async () => {
      const config = await client.discovery(new URL(server.url), registered.client_id, registered.client_secret, client.ClientSecretBasic(registered.client_secret), {
        execute: [client.allowInsecureRequests],
      });
      await assert.rejects(client.clientCredentialsGrant(config, { scope: 'admin' }), (error: client.ResponseBodyError) => {
        assert.equal(error.error, 'invalid_scope');
        assert.equal(error.status, 400);
        return true;
      });
      const wrong = await client.discovery(new URL(server.url), registered.client_id, 'not-the-secret', client.ClientSecretBasic('not-the-secret'), {
        execute: [client.allowInsecureRequests],
      });
      // A 401 with a Basic challenge (RFC 6749 section 5.2) surfaces as the challenge, carrying the error body.
      const failure = await client.clientCredentialsGrant(wrong).then(
        () => assert.fail('a wrong secret was accepted'),
        (error: unknown) => error as client.WWWAuthenticateChallengeError,
      );
      assert.equal(failure.code, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');
      assert.equal(failure.status, 401);
      assert.equal(failure.cause[0]?.scheme, 'basic');
      assert.equal(((await failure.response.json()) as { error: string }).error, 'invalid_client');
    });
  });
}
