import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { BACKENDS } from './helpers/databases.js';
import { basic, decodePart, startTestServer, type TestServer } from './helpers/test-server.js';
import { KeyEncryption, KeyEncryptionError } from '../src/crypto/key-encryption.js';
import { RETIRED_KEY_GRACE_SECONDS } from '../src/keys/key-ring.js';
import { RotationTooSoonError } from '../src/keys/key-rotation.js';

const MASTER_SECRET = 'a-master-secret-of-at-least-32-characters';

for (const backend of BACKENDS) {
  describe(`signing keys (${backend.name})`, () => {
    let server: TestServer;
    let client: Awaited<ReturnType<TestServer['createClient']>>;

    before(async () => {
      server = await startTestServer(backend, { masterSecret: MASTER_SECRET });
      client = await server.createClient();
    });
    after(() => server.stop());

    const jwks = async () => {
      const response = await fetch(`${server.url}/.well-known/jwks.json`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('cache-control') ?? '', /max-age=\d+/);
      assert.match(response.headers.get('content-type') ?? '', /^application\/jwk-set\+json/);
      return ((await response.json()) as { keys: JWK[] }).keys;
    };
    const newToken = async () => {
      const response = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret) });
      return ((await response.json()) as { access_token: string }).access_token;
    };

    it('publishes real public JWKs with kid, alg and use, never private parts: the access tokens\' ES256 keys and the ID tokens\' RS256 keys', async () => {
      const keys = await jwks();
      assert.deepEqual(keys.map((key) => key.alg).sort(), ['ES256', 'ES256', 'RS256', 'RS256'], 'an active and a next key per algorithm');
      for (const key of keys) {
        if (key.alg === 'ES256') {
          assert.equal(key.kty, 'EC');
          assert.equal(key.crv, 'P-256');
        } else {
          assert.equal(key.kty, 'RSA');
          assert.equal(key.n?.length, 342, 'a 2048-bit modulus');
        }
        assert.equal(key.use, 'sig');
        assert.equal(typeof key.kid, 'string');
        assert.equal(key.d, undefined);
        assert.equal(key.p, undefined);
      }
    });

    it('encrypts private keys at rest when a master secret is set', async () => {
      const stored = await server.tokenDealer.storage.keys.list();
      for (const key of stored) {
        assert.match(key.private_key, /^enc:v1:/);
        assert.doesNotMatch(key.private_key, /PRIVATE KEY/);
      }
      assert.throws(() => new KeyEncryption(undefined).open(stored[0]!.kid, stored[0]!.private_key), KeyEncryptionError);
      assert.throws(() => new KeyEncryption('another-master-secret-of-32-characters!').open(stored[0]!.kid, stored[0]!.private_key), KeyEncryptionError);
      // Bound to its row: the ciphertext does not open under another kid.
      assert.throws(() => new KeyEncryption(MASTER_SECRET).open('other-kid', stored[0]!.private_key), KeyEncryptionError);
    });

    it('rotates to a key that was published before it signs, and keeps the retired key published until its tokens expire', async () => {
      const before = await jwks();
      const oldToken = await newToken();
      const oldKid = decodePart(oldToken, 0).kid as string;
      const stored = await server.tokenDealer.storage.keys.list();
      const nextKid = stored.find((key) => key.state === 'next' && key.alg === 'ES256')!.kid;
      const rsaActiveKid = stored.find((key) => key.state === 'active' && key.alg === 'RS256')!.kid;
      const rsaNextKid = stored.find((key) => key.state === 'next' && key.alg === 'RS256')!.kid;
      assert.ok(before.some((key) => key.kid === nextKid), 'next key already published');

      await assert.rejects(server.tokenDealer.rotateKeys(), RotationTooSoonError, 'the next key was published a moment ago');
      const rotation = await server.tokenDealer.rotateKeys({ force: true });
      // Every algorithm rotates together: the ID tokens' RS256 keys follow the same rules.
      assert.deepEqual([...rotation.activated].sort(), [nextKid, rsaNextKid].sort());
      assert.deepEqual([...rotation.retired].sort(), [oldKid, rsaActiveKid].sort());
      assert.equal(rotation.next.length, 2);

      const newTokenValue = await newToken();
      assert.equal(decodePart(newTokenValue, 0).kid, nextKid);
      const after = await jwks();
      assert.deepEqual(after.map((key) => key.kid).sort(), [oldKid, nextKid, rsaActiveKid, rsaNextKid, ...rotation.next].sort());
      // A verifier holding the JWKS fetched before the rotation verifies the new token.
      await jwtVerify(newTokenValue, createLocalJWKSet({ keys: before }), { issuer: server.url, typ: 'at+jwt' });
      await jwtVerify(oldToken, createLocalJWKSet({ keys: after }), { issuer: server.url, typ: 'at+jwt' });

      // Housekeeping before the old tokens can have expired keeps the key; after, removes it.
      const now = Math.floor(Date.now() / 1000);
      await server.tokenDealer.housekeeping(now + 60);
      assert.ok((await jwks()).some((key) => key.kid === oldKid));
      await server.tokenDealer.housekeeping(now + server.tokenDealer.config.accessTokenTtl + RETIRED_KEY_GRACE_SECONDS + 1);
      assert.ok(!(await jwks()).some((key) => key.kid === oldKid));
      assert.equal((await server.tokenDealer.storage.keys.list()).some((key) => key.kid === oldKid), false);
    });
  });

  describe(`signing algorithms (${backend.name})`, () => {
    for (const alg of ['RS256', 'PS256', 'EdDSA'] as const) {
      it(`signs access tokens with ${alg} when configured`, async () => {
        const server = await startTestServer(backend, { signingAlg: alg });
        try {
          const client = await server.createClient();
          const response = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret) });
          const { access_token: token } = (await response.json()) as { access_token: string };
          const keys = ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys;
          const { protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys }), { issuer: server.url, audience: 'runnerly.io', typ: 'at+jwt', algorithms: [alg] });
          assert.equal(protectedHeader.alg, alg);
          const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
          assert.deepEqual(metadata.access_token_signing_alg_values_supported, [alg]);
        } finally {
          await server.stop();
        }
      });
    }
  });
}
