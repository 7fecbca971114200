// Soak with a simulated clock: three days of sign-ins (half of them abandoned) and sessions
// (a sixth kept active, the rest left) an hour at a time, two instances' sweepers on one database
// after each hour, and both tables stay flat: bounded by what is live, the same on day three as on
// day two.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Sweeper } from '@runnerly/sweeper';
import { TEST_BACKENDS, type TestDatabase } from '@runnerly/test-support';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '@runnerly/database';
import { SessionStore } from '../src/storage/session-store.js';

const HOUR = 3600;
const HOURS = 72;
const IDLE = 86_400;
const LIFETIME = 7 * 86_400;
const SESSIONS_PER_HOUR = 6;
const SIGN_INS_PER_HOUR = 6;
const ACTIVE_PER_HOUR = SESSIONS_PER_HOUR / 6;
const silent = { info() {}, error() {} };
const id = (): string => randomBytes(12).toString('base64url');

for (const backend of TEST_BACKENDS) {
  describe(`dashboard sessions swept under a simulated clock (${backend.name})`, () => {
    let database: TestDatabase;
    let stores: SessionStore[];
    /** The test's own connection, for counting rows. */
    let counter: DatabaseHandle<unknown>;

    async function countOf(table: 'sessions' | 'login_attempts'): Promise<number> {
      const { rows } = await sql<{ count: string | number }>`select count(*) as count from ${sql.table(table)}`.execute(counter.db);
      return Number(rows[0]!.count);
    }

    before(async () => {
      database = await backend.create();
      stores = [await SessionStore.open(database.url), await SessionStore.open(database.url)];
      counter = openDatabase(database.url);
    });

    after(async () => {
      await counter?.close();
      for (const store of stores ?? []) await store.close();
      await database?.drop();
    });

    it('keeps sessions and sign-ins bounded by what is live over three simulated days', async () => {
      const start = Math.floor(Date.now() / 1000);
      let clock = start * 1000;
      const deleted: Record<string, number> = {};
      const sweepers = stores.map(
        (store) => new Sweeper({ tasks: store.expiredRowTasks(IDLE), intervalMs: 60_000, batchSize: 25, clock: () => clock, logger: silent, onDeleted: (table, rows) => (deleted[table] = (deleted[table] ?? 0) + rows) }),
      );
      const active: string[] = [];
      const history: Array<{ sessions: number; login_attempts: number }> = [];
      for (let hour = 0; hour < HOURS; hour++) {
        const now = start + hour * HOUR;
        const [store, other] = [stores[hour % 2]!, stores[(hour + 1) % 2]!];
        for (let i = 0; i < SIGN_INS_PER_HOUR; i++) {
          const stateHash = id();
          await store.saveLoginAttempt({ state_hash: stateHash, browser_hash: id(), code_verifier: id(), nonce: id(), return_to: '/', expires_at: now + 600 });
          // Half the sign-ins come back; the other half are abandoned at the TokenDealer.
          if (i % 2 === 0) assert.ok(await other.takeLoginAttempt(stateHash, now + 30));
        }
        for (let i = 0; i < SESSIONS_PER_HOUR; i++) {
          const idHash = id();
          await store.createSession({
            id_hash: idHash, user_id: `runner-${i}`, email: null, name: null, access_token: 'sealed', access_expires_at: now + 300, refresh_token: 'sealed',
            id_token: null, csrf_token: id(), created_at: now, last_seen_at: now, expires_at: now + LIFETIME,
          });
          if (i % 6 === 0) active.push(idHash);
        }
        // Active runners come back every four hours until their session's absolute end.
        if (hour % 4 === 0) await Promise.all(active.map((idHash) => other.touch(idHash, now)));
        clock = (now + HOUR) * 1000;
        await Promise.all(sweepers.map((sweeper) => sweeper.run()));
        const counts = { sessions: await countOf('sessions'), login_attempts: await countOf('login_attempts') };
        // Live: a day of idle sessions, a week of active ones, the sign-ins of the last hour at most.
        const sessionBound = SESSIONS_PER_HOUR * (IDLE / HOUR + 1) + ACTIVE_PER_HOUR * (LIFETIME / HOUR);
        assert.ok(counts.sessions <= sessionBound, `hour ${hour}: ${counts.sessions} sessions`);
        assert.equal(counts.login_attempts, 0, `hour ${hour}: abandoned sign-ins older than their 10 minutes are gone`);
        history.push(counts);
      }
      const final = history[HOURS - 1]!;
      // Idle sessions reach their steady state after a day (those seen in the last 23 hours
      // before the sweep); the active sixth grows until a week, which this soak does not reach.
      const idleLeft = final.sessions - (await liveActive(stores[0]!, active));
      assert.equal(idleLeft, (SESSIONS_PER_HOUR - ACTIVE_PER_HOUR) * (IDLE / HOUR - 1), 'a day of idle sessions, no more');
      assert.equal(history[HOURS - 1]!.sessions - history[47]!.sessions, ACTIVE_PER_HOUR * 24, 'on day three, only the active sessions grew');
      assert.equal(deleted.sessions, SESSIONS_PER_HOUR * HOURS - final.sessions);
      assert.equal(deleted.login_attempts, (SIGN_INS_PER_HOUR / 2) * HOURS);
    });
  });
}


async function liveActive(store: SessionStore, idHashes: string[]): Promise<number> {
  let live = 0;
  for (const found of await Promise.all(idHashes.map((idHash) => store.findSession(idHash, 0, Number.MAX_SAFE_INTEGER)))) if (found) live++;
  return live;
}
