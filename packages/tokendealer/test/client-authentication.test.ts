import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';
import { capturedLog, type LogLine } from './helpers/captured-log.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function clientKeys(kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

for (const backend of BACKENDS) {
  describe(`private_key_jwt client authentication (${backend.name})`, () => {
    let server: TestServer;
    let keys: { privateKey: CryptoKey; jwk: JWK };
    let clientId: string;
    let jwksServer: Server;
    let jwksHits = 0;
    let log: LogLine[];

    before(async () => {
      const captured = capturedLog();
      log = captured.lines;
      server = await startTestServer(backend, {}, {}, captured.logger);
      keys = await clientKeys('client-key-1');
      clientId = (await server.createClient({ authMethod: 'private_key_jwt', jwks: { keys: [keys.jwk] } })).client_id;
      jwksServer = createServer((_request, response) => {
        jwksHits++;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: [keys.jwk] }));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      await server.stop();
      await new Promise((resolve) => jwksServer.close(resolve));
    });

    function assertion(claims: Record<string, unknown> = {}, key = keys.privateKey, subject = clientId): Promise<string> {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ jti: crypto.randomUUID(), ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'client-key-1' })
        .setIssuer(subject)
        .setSubject(subject)
        .setAudience((claims.aud as string | undefined) ?? server.url)
        .setIssuedAt(now)
        .setExpirationTime((claims.exp as number | undefined) ?? now + 60)
        .sign(key);
    }
    const tokenWith = (clientAssertion: string, extra: Record<string, string> = {}) =>
      server.post('/oauth/token', { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion, ...extra });
    /** Every failure answers the same; the reason goes to the log only. */
    async function expectInvalidClient(response: Response, reason: RegExp): Promise<void> {
      const body = (await response.json()) as { error: string; error_description: string };
      assert.equal(response.status, 401, JSON.stringify(body));
      assert.deepEqual(body, { error: 'invalid_client', error_description: 'client authentication failed' });
      const failures = log.filter((line) => line.msg === 'client authentication failed');
      assert.match(String(failures.at(-1)?.reason), reason);
    }

    it('accepts an assertion whose aud is the issuer or the token endpoint (RFC 7523)', async () => {
      assert.equal((await tokenWith(await assertion())).status, 200);
      assert.equal((await tokenWith(await assertion({ aud: `${server.url}/oauth/token` }))).status, 200);
    });

    it('refuses a replayed assertion (jti already used)', async () => {
      const once = await assertion();
      assert.equal((await tokenWith(once)).status, 200);
      await expectInvalidClient(await tokenWith(once), /replay/);
    });

    it('refuses wrong audience, expired, far-future, unsigned-by-client and malformed assertions', async () => {
      await expectInvalidClient(await tokenWith(await assertion({ aud: 'https://other.example' })), /aud/);
      await expectInvalidClient(await tokenWith(await assertion({ exp: Math.floor(Date.now() / 1000) - 60 })), /expired/);
      await expectInvalidClient(await tokenWith(await assertion({ exp: Math.floor(Date.now() / 1000) + 3600 })), /too far/);
      const stranger = await clientKeys('client-key-1');
      await expectInvalidClient(await tokenWith(await assertion({}, stranger.privateKey)), /signature/);
      await expectInvalidClient(await tokenWith('not.a.jwt'), /well-formed/);
      await expectInvalidClient(await tokenWith(await assertion({}, keys.privateKey, 'unknown-client')), /failed/);
    });

    it('refuses an assertion without jti and a wrong assertion type', async () => {
      const now = Math.floor(Date.now() / 1000);
      const noJti = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer(clientId).setSubject(clientId)
        .setAudience(server.url).setExpirationTime(now + 60).sign(keys.privateKey);
      await expectInvalidClient(await tokenWith(noJti), /jti/);
      const wrongType = await server.post('/oauth/token', { grant_type: 'client_credentials', client_assertion_type: 'urn:x', client_assertion: await assertion() });
      assert.equal(wrongType.status, 400);
      assert.equal(((await wrongType.json()) as { error: string }).error, 'invalid_request');
    });

    it('fetches keys from a registered jwks_uri', async () => {
      const remote = await server.createClient({ authMethod: 'private_key_jwt', jwksUri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks` });
      const response = await tokenWith(await assertion({}, keys.privateKey, remote.client_id));
      assert.equal(response.status, 200);
      assert.equal(jwksHits, 1);
      assert.equal((await tokenWith(await assertion({}, keys.privateKey, remote.client_id))).status, 200);
      assert.equal(jwksHits, 1, 'the key set is cached');
    });

    it('refuses a secret-based method for a private_key_jwt client', async () => {
      // The same answer as for an unknown client: nothing tells how a client authenticates.
      await expectInvalidClient(await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(clientId, 'guess') }), /^client authentication failed$/);
    });
  });

  describe(`throttling of failed client authentication (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend, { authFailureLimit: 3, authFailureWindow: 60 });
    });
    after(() => server.stop());

    it('answers failing attempts with 429 and Retry-After once a client exceeds the failure limit, without locking out the right secret or other clients', async () => {
      const victim = await server.createClient();
      const bystander = await server.createClient();
      const attempt = (clientId: string, secret: string) =>
        server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });
      for (let i = 0; i < 3; i++) assert.equal((await attempt(victim.client_id, 'wrong')).status, 401);
      const throttled = await attempt(victim.client_id, 'wrong');
      assert.equal(throttled.status, 429);
      const retryAfter = Number(throttled.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(((await throttled.json()) as { error: string }).error, 'invalid_client');
      assert.equal((await attempt(victim.client_id, 'still wrong')).status, 429);
      assert.equal((await attempt(victim.client_id, victim.client_secret)).status, 200);
      assert.equal((await attempt(bystander.client_id, 'wrong')).status, 401);
      assert.equal((await attempt(bystander.client_id, bystander.client_secret)).status, 200);
    });

    it('counts no per-client state for ids that no client can have', async () => {
      const unknown = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic('made up client', 'x') });
      assert.equal(unknown.status, 401);
      const limiter = (server.tokenDealer as unknown as { limiter: { size: number } }).limiter;
      const before = limiter.size;
      await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic('x'.repeat(65), 'x') });
      assert.equal(limiter.size, before, 'only the address window, which exists already');
    });
  });

  describe(`client addresses behind a proxy (${backend.name})`, () => {
    it('counts failures per forwarded address only when the proxy is trusted', async () => {
      const trusting = await startTestServer(backend, { authFailureLimit: 2, trustProxy: ['127.0.0.1'] });
      const ignoring = await startTestServer(backend, { authFailureLimit: 2 });
      try {
        for (const server of [trusting, ignoring]) {
          const client = await server.createClient();
          const attempt = (secret: string, forwardedFor: string) =>
            server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, secret), 'x-forwarded-for': forwardedFor });
          assert.equal((await attempt('wrong', '10.1.1.1')).status, 401);
          assert.equal((await attempt('wrong', '10.1.1.1')).status, 401);
          assert.equal((await attempt('wrong', '10.1.1.1')).status, 429);
          // Another address: a trusted proxy tells them apart; an untrusted header is ignored.
          assert.equal((await attempt('wrong', '10.2.2.2')).status, server === trusting ? 401 : 429);
        }
      } finally {
        await trusting.stop();
        await ignoring.stop();
      }
    });
  });
}
