// The refresh and family revocation transactions rely on READ COMMITTED on PostgreSQL: a statement
// that waited for a row lock re-checks the row, and the next statement sees what committed
// meanwhile. They pin it, so that a server configured with a stricter default isolation does not
// turn a refresh racing a revocation into a serialization error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { openStorage, type Storage } from '../src/storage/index.js';

const postgres = BACKENDS.find((backend) => backend.name === 'postgres');
const now = Math.floor(Date.now() / 1000);

describe('refresh transactions on a PostgreSQL server whose default isolation is SERIALIZABLE', { skip: postgres ? false : 'TEST_POSTGRES_URL is not set' }, () => {
  let database: TestDatabase;
  let storage: Storage;
  /** Holds row locks in its own transaction, as a concurrent request would. */
  let other: pg.Client;
  let watcher: pg.Client;

  before(async () => {
    database = await postgres!.create();
    const url = new URL(database.url);
    url.searchParams.set('options', `${url.searchParams.get('options') ?? ''} -c default_transaction_isolation=serializable`);
    storage = await openStorage(url.toString());
    other = new pg.Client({ connectionString: database.url });
    watcher = new pg.Client({ connectionString: database.url });
    await Promise.all([other.connect(), watcher.connect()]);
  });
  after(async () => {
    await Promise.all([other.end(), watcher.end()]);
    await storage.close();
    await database.drop();
  });

  async function family(familyId: string, tokenHash: string): Promise<void> {
    await storage.refreshTokens.createFamily(
      { familyId, clientId: 'client', userId: 'user', scopes: ['runs:read'], audience: 'runnerly.io', authTime: now, createdAt: now, expiresAt: now + 3600, revokedAt: null },
      { tokenHash, familyId, createdAt: now, idleExpiresAt: now + 3600, rotatedAt: null },
    );
  }

  /** Resolves once a session waits for a lock the other connection holds. */
  async function waitingForOther(): Promise<void> {
    const { rows } = await other.query<{ pid: number }>('select pg_backend_pid() as pid');
    const deadline = Date.now() + 5000;
    for (;;) {
      const blocked = await watcher.query<{ count: string }>('select count(*) as count from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [rows[0]!.pid]);
      if (Number(blocked.rows[0]!.count) > 0) return;
      if (Date.now() > deadline) throw new Error('nothing waited for the other transaction');
      await sleep(10);
    }
  }

  it('a rotation that waited for a revocation of its family answers family-revoked and issues nothing', async () => {
    await family('f-rotate', 'token-rotate');
    await other.query('begin');
    await other.query('update refresh_families set revoked_at = $1 where family_id = $2', [now, 'f-rotate']);
    const rotation = storage.refreshTokens.rotate(
      'token-rotate',
      { tokenHash: 'successor', familyId: 'f-rotate', createdAt: now, idleExpiresAt: now + 3600, rotatedAt: null },
      { jti: 'jti-rotate', expiresAt: now + 900 },
      now,
    );
    // Settled either way before the assertions, so that a failure leaves no rejection behind.
    const outcome = rotation.then((value) => ({ value }), (error: unknown) => ({ error }));
    await waitingForOther();
    await other.query('commit');
    assert.deepEqual(await outcome, { value: 'family-revoked' });
    assert.equal(await storage.refreshTokens.find('successor'), undefined);
    const recorded = await watcher.query('select jti from family_access_tokens where family_id = $1', ['f-rotate']);
    assert.equal(recorded.rowCount, 0);
  });

  it('a revocation that waited for a renewal revokes the access token the renewal recorded', async () => {
    await family('f-revoke', 'token-revoke');
    // A renewal under way: the family held live, and its access token recorded.
    await other.query('begin');
    await other.query('update refresh_families set revoked_at = revoked_at where family_id = $1 and revoked_at is null', ['f-revoke']);
    await other.query('insert into family_access_tokens (jti, family_id, expires_at) values ($1, $2, $3)', ['jti-renewed', 'f-revoke', now + 900]);
    const revocation = storage.refreshTokens.revokeFamilies(['f-revoke'], now);
    const outcome = revocation.then((value) => ({ value }), (error: unknown) => ({ error }));
    await waitingForOther();
    await other.query('commit');
    assert.deepEqual(await outcome, { value: 1 });
    const revoked = await watcher.query<{ jti: string; client_id: string }>('select jti, client_id from revoked_tokens where jti = $1', ['jti-renewed']);
    assert.deepEqual(revoked.rows, [{ jti: 'jti-renewed', client_id: 'client' }]);
  });
});
