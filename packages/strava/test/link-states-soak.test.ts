// Soak with a simulated clock: three days of Strava link flows (ten-minute states, half never
// come back) an hour at a time, from two instances on one database: the table of states stays
// bounded by what is live, as every new state drops the expired ones.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '@runnerly/database';
import { TEST_BACKENDS, type TestDatabase } from '@runnerly/test-support';
import { migrateStravaDatabase } from '../src/storage/migrations/index.js';
import { LinkStateStore } from '../src/storage/link-state-store.js';
import type { StravaDatabase } from '../src/storage/schema.js';

const HOUR = 3600;
const HOURS = 72;
const FLOWS_PER_HOUR = 10;
const STATE_LIFETIME = 600;

for (const backend of TEST_BACKENDS) {
  describe(`Strava link states under a simulated clock (${backend.name})`, () => {
    let database: TestDatabase;
    let handles: Array<DatabaseHandle<StravaDatabase>>;

    before(async () => {
      database = await backend.create();
      handles = [openDatabase<StravaDatabase>(database.url), openDatabase<StravaDatabase>(database.url)];
      await migrateStravaDatabase(handles[0]!.db as unknown as Kysely<unknown>, handles[0]!.kind);
    });

    after(async () => {
      for (const handle of handles ?? []) await handle.close();
      await database?.drop();
    });

    it('keeps at most the states of the last ten minutes, over three simulated days', async () => {
      const stores = handles.map((handle) => new LinkStateStore(handle.db));
      const start = Math.floor(Date.now() / 1000);
      for (let hour = 0; hour < HOURS; hour++) {
        for (let flow = 0; flow < FLOWS_PER_HOUR; flow++) {
          // Flows spread over the hour; half come back within their ten minutes.
          const now = start + hour * HOUR + flow * (HOUR / FLOWS_PER_HOUR);
          const state = randomBytes(16).toString('base64url');
          await stores[flow % 2]!.save(state, { sub: `runner-${flow}`, returnTo: '/', expiresAt: now + STATE_LIFETIME }, now);
          if (flow % 2 === 0) assert.equal((await stores[(flow + 1) % 2]!.take(state))?.sub, `runner-${flow}`);
        }
        const { rows } = await sql<{ count: string | number }>`select count(*) as count from strava_link_states`.execute(handles[0]!.db);
        // States are six minutes apart and live ten: the newest abandoned one, and the one before it at most.
        assert.ok(Number(rows[0]!.count) <= 2, `hour ${hour}: ${Number(rows[0]!.count)} states`);
      }
    });
  });
}
