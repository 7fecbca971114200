// The same storage suite against every backend.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { openStorage, type Storage } from '../src/storage/index.js';
import { ConcurrentKeyChangeError } from '../src/storage/key-store.js';
import type { ClientRecord } from '../src/clients/client.js';

const client = (clientId: string): ClientRecord => ({
  clientId,
  name: 'storage test',
  grantTypes: ['client_credentials'],
  scopes: ['a', 'b'],
  audiences: ['runnerly.io'],
  authMethod: 'client_secret_basic',
  secretHash: 'hash',
  jwks: null,
  jwksUri: null,
  redirectUris: [],
  allowedOrigins: [],
  resourceServers: [],
  requirePar: false,
  rotateRefreshTokens: true, postLogoutRedirectUris: [], firstParty: false, idTokenSignedResponseAlg: 'RS256',
  createdAt: 1_700_000_000,
  updatedAt: 1_700_000_000,
});

for (const backend of BACKENDS) {
  describe(`storage (${backend.name})`, () => {
    let database: TestDatabase;
    let storage: Storage;

    before(async () => {
      database = await backend.create();
      storage = await openStorage(database.url);
    });
    after(async () => {
      await storage.close();
      await database.drop();
    });

    it('applies migrations once: opening again is a no-op that keeps the data', async () => {
      await storage.clients.insert(client('kept'));
      const again = await openStorage(database.url);
      try {
        assert.equal((await again.clients.get('kept'))?.name, 'storage test');
      } finally {
        await again.close();
      }
    });

    it('stores, lists, updates and deletes clients, bumping the change revision each time', async () => {
      const start = await storage.readRevision();
      await storage.clients.insert(client('c1'));
      assert.deepEqual(await storage.clients.get('c1'), client('c1'));
      assert.ok((await storage.clients.list()).some((entry) => entry.clientId === 'c1'));
      assert.equal(await storage.clients.setSecretHash('c1', 'new-hash', 1_700_000_100), true);
      assert.equal((await storage.clients.get('c1'))?.secretHash, 'new-hash');
      assert.equal((await storage.clients.get('c1'))?.updatedAt, 1_700_000_100);
      assert.equal(await storage.clients.delete('c1'), true);
      assert.equal(await storage.clients.delete('c1'), false);
      assert.equal(await storage.clients.get('c1'), undefined);
      assert.equal(await storage.readRevision(), start + 4);
    });

    it('refuses a duplicate client id and leaves the first intact', async () => {
      await storage.clients.insert(client('dup'));
      await assert.rejects(storage.clients.insert({ ...client('dup'), name: 'second' }));
      assert.equal((await storage.clients.get('dup'))?.name, 'storage test');
    });

    it('applies key changes atomically and refuses a change from a stale state', async () => {
      const key = { kid: 'k1', alg: 'ES256', state: 'next' as const, public_jwk: '{}', private_key: 'pem', created_at: 1, activated_at: null, retired_at: null };
      await storage.keys.apply([], [key]);
      await storage.keys.apply([{ kid: 'k1', from: 'next', to: 'active', at: 5 }], []);
      const stale = storage.keys.apply([{ kid: 'k1', from: 'next', to: 'active', at: 6 }], [{ ...key, kid: 'k2' }]);
      await assert.rejects(stale, ConcurrentKeyChangeError);
      const keys = await storage.keys.list();
      assert.deepEqual(keys.map((entry) => [entry.kid, entry.state, entry.activated_at]), [['k1', 'active', 5]], 'k2 was not inserted');
      await storage.keys.apply([], [], ['k1']);
      assert.deepEqual(await storage.keys.list(), []);
    });

    it('remembers revoked jtis until their expiry', async () => {
      await storage.revocations.revoke('j1', 'c', 100);
      await storage.revocations.revoke('j1', 'c', 100);
      await storage.revocations.revoke('j2', 'c', 300);
      assert.equal(await storage.revocations.isRevoked('j1'), true);
      assert.equal(await storage.revocations.isRevoked('unknown'), false);
      assert.equal(await storage.revocations.pruneExpired(200), 1);
      assert.equal(await storage.revocations.isRevoked('j1'), false);
      assert.equal(await storage.revocations.isRevoked('j2'), true);
    });

    it('accepts a client assertion jti once per client', async () => {
      assert.equal(await storage.assertions.markUsed('c', 'jti-1', 100), true);
      assert.equal(await storage.assertions.markUsed('c', 'jti-1', 100), false);
      assert.equal(await storage.assertions.markUsed('other', 'jti-1', 100), true);
      assert.equal(await storage.assertions.pruneExpired(101), 2);
      assert.equal(await storage.assertions.markUsed('c', 'jti-1', 200), true);
    });

    it('creates an installation setting once and returns the same value afterwards', async () => {
      const first = await storage.settings.getOrCreate('pepper', () => 'one');
      const second = await storage.settings.getOrCreate('pepper', () => 'two');
      assert.equal(first, 'one');
      assert.equal(second, 'one');
    });
  });
}
