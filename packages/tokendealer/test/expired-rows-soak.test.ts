// Soak with a simulated clock: three days of abandoned sign-ups, codes, sessions, link tokens, pushed requests,
// pending consents, client-assertion jtis, revocations, refresh families and failure counts go
// through their lives an hour at a time, two instances on one database sweep after each hour at
// once, and every table stays flat: bounded by what is still live, the same on day three as on
// day two.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '@runnerly/database';
import { startServer, type RunningServer } from '../src/server.js';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, TEST_SCRYPT, type TestServer } from './helpers/test-server.js';
import { testKeyPairs } from './helpers/test-key-pairs.js';

const HOUR = 3600;
const HOURS = 72;
/** Rows each simulated hour creates, per table. */
const PER_HOUR = {
  authorization_codes: 30,
  sessions: 15,
  pending_authorizations: 15,
  link_tokens: 10,
  pushed_authorization_requests: 10,
  used_assertions: 30,
  revoked_tokens: 30,
  refresh_families: 10,
  refresh_tokens: 10,
  failure_counts: 20,
  /** Sign-ups never confirmed. */
  users: 5,
} as const;
type Table = keyof typeof PER_HOUR;
const TABLES = Object.keys(PER_HOUR) as Table[];
/** Rows made per hour: every sign-up also mails a confirmation link. */
const made = (table: Table): number => PER_HOUR[table] + (table === 'link_tokens' ? PER_HOUR.users : 0);

/**
 * Hours a row stays after the hour that made it, at most: codes are remembered a day after
 * use for replay detection, sessions end after a day idle, link tokens live a day, refresh
 * families (2 h here) are kept a day after their end; the rest are gone the next hour.
 */
const HOURS_KEPT: Record<Table, number> = {
  authorization_codes: 25,
  sessions: 25,
  pending_authorizations: 1,
  link_tokens: 25,
  pushed_authorization_requests: 1,
  used_assertions: 1,
  revoked_tokens: 2,
  refresh_families: 27,
  refresh_tokens: 27,
  failure_counts: 1,
  users: 25,
};

const id = (): string => randomBytes(12).toString('base64url');

for (const backend of BACKENDS) {
  describe(`expired rows swept under a simulated clock (${backend.name})`, () => {
    let first: TestServer;
    let second: RunningServer;
    let userId: string;
    /** The test's own connection, for counting rows. */
    let counter: DatabaseHandle<unknown>;

    before(async () => {
      // The timers stay out of the way: the test runs housekeeping at its simulated times.
      first = await startTestServer(backend, { sweepIntervalMs: 86_400_000 });
      second = await startServer({ ...first.tokenDealer.config, port: 0 }, pino({ level: 'silent' }), { scrypt: TEST_SCRYPT, generateKeyPair: testKeyPairs });
      counter = openDatabase(first.database.url);
      userId = (await first.tokenDealer.accounts.create(`soak.${id()}@runnerly.test`, 'correct horse battery staple', true)).id;
    });

    after(async () => {
      await counter?.close();
      await second?.close();
      await first?.stop();
    });

    async function rowCounts(): Promise<Record<Table, number>> {
      const db = counter.db;
      const counts = {} as Record<Table, number>;
      for (const table of TABLES) {
        const { rows } = await sql<{ count: string | number }>`select count(*) as count from ${sql.table(table)}`.execute(db);
        counts[table] = Number(rows[0]!.count);
      }
      return counts;
    }

    /** One simulated hour of use, starting at `now` (seconds). */
    async function liveAnHour(now: number): Promise<void> {
      const storage = first.tokenDealer.storage;
      const codes = Array.from({ length: PER_HOUR.authorization_codes }, () =>
        storage.authorizationCodes.create({
          codeHash: id(), clientId: 'soak-client', userId, redirectUri: 'https://app.runnerly.test/cb', scopes: ['openid'], audience: 'runnerly.io',
          codeChallenge: null, authTime: now, createdAt: now, expiresAt: now + 60,
        }),
      );
      const sessionHashes = Array.from({ length: PER_HOUR.sessions }, id);
      await Promise.all(sessionHashes.map((hash) => storage.sessions.insert({ session_hash: hash, user_id: userId, auth_time: now, created_at: now, last_seen_at: now, expires_at: now + 7 * 24 * HOUR })));
      const pending = sessionHashes.map((sessionHash) => storage.pendingAuthorizations.create({ pendingHash: id(), sessionHash, request: { scope: 'openid' }, createdAt: now, expiresAt: now + 600 }));
      const links = Array.from({ length: PER_HOUR.link_tokens }, () =>
        storage.linkTokens.insert({ token_hash: id(), purpose: 'reset', user_id: userId, created_at: now, expires_at: now + 24 * HOUR, password_hash: null }),
      );
      const pushed = Array.from({ length: PER_HOUR.pushed_authorization_requests }, () =>
        storage.pushedRequests.create({ requestHash: id(), clientId: 'soak-client', parameters: { scope: ['openid'] }, createdAt: now, expiresAt: now + 60 }),
      );
      const assertions = Array.from({ length: PER_HOUR.used_assertions }, () => storage.assertions.markUsed('soak-client', id(), now + 300));
      const revocations = Array.from({ length: PER_HOUR.revoked_tokens }, () => storage.revocations.revoke(id(), 'soak-client', now + HOUR));
      const families = Array.from({ length: PER_HOUR.refresh_families }, () => {
        const familyId = id();
        return storage.refreshTokens.createFamily(
          { familyId, clientId: 'soak-client', userId, scopes: ['openid'], audience: 'runnerly.io', authTime: now, createdAt: now, expiresAt: now + 2 * HOUR, revokedAt: null },
          { tokenHash: id(), familyId, createdAt: now, idleExpiresAt: now + 2 * HOUR, rotatedAt: null },
        );
      });
      const failures = storage.failureCounts.addAll(
        Array.from({ length: PER_HOUR.failure_counts }, () => ({ keyHash: id(), kind: 'sign-in:subject', subjectHash: null, addressHash: null, count: 1, limit: 10, windowEnd: (now + 900) * 1000 })),
        now * 1000,
      );
      const signUps = Array.from({ length: PER_HOUR.users }, async () => {
        const pendingUser = id();
        const email = `abandoned.${pendingUser}@runnerly.test`;
        await storage.users.insert({ userId: pendingUser, email, emailKey: email, passwordHash: 'hash', status: 'pending', createdAt: now, confirmedAt: null, updatedAt: now, profile: { name: null, zoneinfo: null, locale: null } });
        await storage.linkTokens.insert({ token_hash: id(), purpose: 'confirm', user_id: pendingUser, created_at: now, expires_at: now + 24 * HOUR, password_hash: 'hash' });
      });
      await Promise.all([...signUps, ...codes, ...pending, ...links, ...pushed, ...assertions, ...revocations, ...families, failures]);
    }

    it('keeps every table bounded by what is live, over three simulated days, with two instances sweeping', async (t) => {
      const start = Math.floor(Date.now() / 1000);
      const before = await rowCounts();
      const history: Array<Record<Table, number>> = [];
      for (let hour = 0; hour < HOURS; hour++) {
        await liveAnHour(start + hour * HOUR);
        const sweptAt = start + (hour + 1) * HOUR;
        // Both instances sweep the same rows at once: deletes are idempotent, neither fails.
        await Promise.all([first.tokenDealer.housekeeping(sweptAt), second.tokenDealer.housekeeping(sweptAt)]);
        const counts = await rowCounts();
        for (const table of TABLES) {
          const bound = before[table] + made(table) * HOURS_KEPT[table];
          assert.ok(counts[table] <= bound, `hour ${hour}: ${table} has ${counts[table]} rows, more than the ${bound} still live`);
        }
        history.push(counts);
      }
      // Steady state: day three ends with as many rows as day two.
      assert.deepEqual(history[HOURS - 1], history[47]);
      const final = history[HOURS - 1]!;
      t.diagnostic(`rows made: ${TABLES.reduce((sum, table) => sum + made(table) * HOURS, 0)}; left after 72 simulated hours: ${JSON.stringify(final)}`);
      for (const table of TABLES) {
        assert.ok(final[table] < (made(table) * HOURS) / 2, `${table}: ${final[table]} of ${made(table) * HOURS} rows made are left`);
      }
      // Each instance counts what it deleted; together, every row that went.
      const deleted: Record<string, number> = {};
      for (const server of [first, second]) {
        const text = await server.tokenDealer.metrics.registry.metrics();
        for (const match of text.matchAll(/^tokendealer_sweeper_deleted_rows_total\{table="([a-z_]+)"\} (\d+)$/gm)) deleted[match[1]!] = (deleted[match[1]!] ?? 0) + Number(match[2]);
      }
      for (const table of ['users', 'authorization_codes', 'sessions', 'link_tokens', 'pushed_authorization_requests', 'used_assertions', 'revoked_tokens', 'refresh_families', 'failure_counts'] as const) {
        assert.equal(deleted[table], before[table] + made(table) * HOURS - final[table], `${table} deletions counted`);
      }
    });

    it('deletes an abandoned sign-up only once no link of it works, and never an active account', async () => {
      const storage = first.tokenDealer.storage;
      const now = Math.floor(Date.now() / 1000);
      const account = (status: 'pending' | 'active', createdAt: number) => {
        const userId = id();
        const email = `${status}.${userId}@runnerly.test`;
        return { userId, email, emailKey: email, passwordHash: 'hash', status, createdAt, confirmedAt: null, updatedAt: createdAt, profile: { name: null, zoneinfo: null, locale: null } };
      };
      const signedUpAgain = account('pending', now - 10 * 86_400);
      const abandoned = account('pending', now - 10 * 86_400);
      const active = account('active', now - 10 * 86_400);
      for (const user of [signedUpAgain, abandoned, active]) assert.equal(await storage.users.insert(user), true);
      // The first sign-up's link expired long ago; signing up again an hour ago mailed a new one.
      await storage.linkTokens.insert({ token_hash: id(), purpose: 'confirm', user_id: signedUpAgain.userId, created_at: now - 9 * 86_400, expires_at: now - 8 * 86_400, password_hash: 'hash' });
      await storage.linkTokens.insert({ token_hash: id(), purpose: 'confirm', user_id: signedUpAgain.userId, created_at: now - 3600, expires_at: now + 82_800, password_hash: 'hash' });
      await first.tokenDealer.housekeeping(now);
      assert.equal((await storage.users.get(signedUpAgain.userId))?.status, 'pending');
      assert.equal(await storage.users.get(abandoned.userId), undefined);
      assert.equal((await storage.users.get(active.userId))?.status, 'active');
      await first.tokenDealer.housekeeping(now + 86_400);
      assert.equal(await storage.users.get(signedUpAgain.userId), undefined, 'gone once its last link expired');
      assert.equal((await storage.users.get(active.userId))?.status, 'active');
    });
  });
}
