// A runner with 10,000 runs: months and totals stay right on the runner's calendar (DST
// included), paging is stable under equal start times, and the month query uses the index.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '@runnerly/database';
import { TEST_BACKENDS, type TestTokenDealer } from '@runnerly/test-support';
import type { ImportedRunValues } from '../src/storage/run-store.js';
import { sharedTokenDealer, startHarness, type Harness } from './support/harness.js';

const ZONE = 'Europe/London';
const COUNT = 10_000;
const FIRST = Date.parse('2025-01-01T00:00:00Z') / 1000;

/** The month a run falls in on a London clock, by an independent reading of Intl. */
function londonMonth(epochSeconds: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit' }).formatToParts(epochSeconds * 1000);
  return `${parts.find((part) => part.type === 'year')!.value}-${parts.find((part) => part.type === 'month')!.value}`;
}

function runAt(index: number): ImportedRunValues {
  // Every tenth run starts at the same instant as the one before it.
  const step = index - Math.floor(index / 10) + (index % 10 === 0 && index > 0 ? -1 : 0);
  const start = FIRST + step * 3500 + (index % 7 === 0 ? 1800 : 0);
  return {
    source: 'file',
    source_key: `sha256:${index.toString(16).padStart(64, '0')}`,
    strava_id: null,
    name: `Run ${index}`,
    description: null,
    sport_type: 'Run',
    start_time: start,
    start_date_local: '2025-01-01T00:00:00',
    timezone: ZONE,
    distance: 1000 + index,
    moving_time: 600,
    elapsed_time: 700,
    total_elevation_gain: 1,
    average_speed: 2,
    max_speed: null,
    average_heartrate: null,
    max_heartrate: null,
    summary_polyline: null,
  };
}

for (const backend of TEST_BACKENDS) {
  describe(`a runner with 10,000 runs (${backend.name})`, () => {
    let tokenDealer: TestTokenDealer;
    let h: Harness;
    const sub = 'prolific';
    const runs = Array.from({ length: COUNT }, (_, index) => runAt(index));
    const expected = new Map<string, number>();
    for (const run of runs) expected.set(londonMonth(run.start_time), (expected.get(londonMonth(run.start_time)) ?? 0) + 1);

    before(async () => {
      tokenDealer = await sharedTokenDealer();
      h = await startHarness(backend, tokenDealer);
      await h.service.storage.profiles.update(sub, { timezone: ZONE }, '2026-01-01T00:00:00Z');
      await h.service.storage.runs.importRuns(sub, runs, '2026-01-01T00:00:00Z');
      await h.service.storage.runs.importRuns('someone-else', runs.slice(0, 500), '2026-01-01T00:00:00Z');
    });
    after(async () => {
      await h.stop();
      await tokenDealer.stop();
    });

    it("answers each month with exactly the runs started in it on the runner's clock", async () => {
      const token = h.userToken(sub);
      let total = 0;
      for (const [month, count] of [...expected].sort()) {
        const [year, monthNumber] = month.split('-').map(Number);
        const answer = await h.call('GET', `/api/data/users/me/runs?year=${year}&month=${monthNumber}`, token);
        assert.equal(answer.status, 200);
        assert.equal(answer.body.runs.length, count, month);
        for (const run of answer.body.runs) assert.equal(londonMonth(Date.parse(run.start_date) / 1000), month);
        total += answer.body.runs.length;
      }
      assert.equal(total, COUNT);
    });

    it('adds up the same months in totals', async () => {
      const answer = await h.call('GET', '/api/data/users/me/totals?from=2025-01-01&to=2026-01-31&period=month', h.userToken(sub));
      const counted = new Map<string, number>(answer.body.totals.map((total: { start: string; count: number }) => [total.start.slice(0, 7), total.count]));
      for (const [month, count] of expected) assert.equal(counted.get(month), count, month);
    });

    it('pages through every run once, most recent first, under equal start times', async () => {
      const token = h.userToken(sub);
      const ids = new Set<string>();
      let previous = Infinity;
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<Harness['call']>> = await h.call('GET', `/api/data/users/me/runs?limit=200${cursor ? `&cursor=${cursor}` : ''}`, token);
        for (const run of page.body.runs) {
          const time = Date.parse(run.start_date);
          assert.ok(time <= previous);
          previous = time;
          ids.add(run.id);
        }
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      assert.equal(ids.size, COUNT);
    });

    it("reads a month through the (user, start time) index, not by scanning the runs", async () => {
      const handle = openDatabase<unknown>(h.databaseUrl);
      try {
        const query = sql`select * from runs where user_sub = ${sub} and start_time >= ${FIRST} and start_time < ${FIRST + 31 * 86400} order by start_time, id`;
        if (handle.kind === 'sqlite') {
          const plan = (await sql<{ detail: string }>`explain query plan ${query}`.execute(handle.db)).rows.map((row) => row.detail).join('\n');
          assert.match(plan, /USING INDEX runs_user_start/);
          assert.doesNotMatch(plan, /SCAN runs\b(?! USING)/);
        } else {
          await sql`analyze runs`.execute(handle.db);
          const plan = (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(handle.db)).rows.map((row) => row['QUERY PLAN']).join('\n');
          // With only two runners PostgreSQL may prefer the (start time, user) index; either way no scan of the table.
          assert.match(plan, /(Index (Only )?Scan using|Bitmap Index Scan on) runs_(user_start|start_user)/);
          assert.doesNotMatch(plan, /Seq Scan/);
        }
      } finally {
        await handle.close();
      }
    });
  });
}
