// The runner's runs through the public API: months on the runner's calendar, stable paging,
// manual runs, and bad input refused with the field named and nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS, type TestTokenDealer } from '@runnerly/test-support';
import { sharedTokenDealer, startHarness, stravaRun, type Harness } from './support/harness.js';

const manual = (overrides: Record<string, unknown> = {}) => ({ name: 'Lunch run', sport_type: 'Run', start_date: '2026-03-10T12:00:00Z', distance: 8000, moving_time: 2400, ...overrides });

for (const backend of TEST_BACKENDS) {
  describe(`runs (${backend.name})`, () => {
    let tokenDealer: TestTokenDealer;
    let h: Harness;

    before(async () => {
      tokenDealer = await sharedTokenDealer();
      h = await startHarness(backend, tokenDealer);
    });
    after(async () => {
      await h.stop();
      await tokenDealer.stop();
    });

    it("lists a month of runs on the runner's calendar, across a DST change, oldest first", async () => {
      const sub = 'month-runner';
      const token = h.userToken(sub);
      assert.equal((await h.call('PATCH', '/api/data/users/me', token, { timezone: 'America/New_York' })).status, 200);
      const importer = await h.serviceToken(['runs:import']);
      // New York: EST (UTC-5) until 2026-03-08, EDT (UTC-4) after; April starts at 04:00Z.
      const runs = [
        stravaRun('1', '2026-03-01T04:59:59Z'), // Feb 28, 23:59:59 local
        stravaRun('2', '2026-03-01T05:00:00Z'), // Mar 1, 00:00 local
        stravaRun('3', '2026-03-08T07:30:00Z'), // Mar 8, 03:30 EDT
        stravaRun('4', '2026-04-01T03:59:59Z'), // Mar 31, 23:59:59 EDT
        stravaRun('5', '2026-04-01T04:00:00Z'), // Apr 1, 00:00 EDT
      ];
      assert.deepEqual((await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs })).body, { created: 5, updated: 0, unchanged: 0 });
      const march = await h.call('GET', '/api/data/users/me/runs?year=2026&month=3', token);
      assert.equal(march.status, 200);
      assert.deepEqual(march.body.runs.map((run: { strava_id: string }) => run.strava_id), ['2', '3', '4']);
      assert.equal(march.body.next_cursor, null);
      const [first] = march.body.runs;
      assert.equal(first.start_date, '2026-03-01T05:00:00Z');
      assert.equal(first.source, 'strava');
      // The run's own zone gives its local time (Paris for these Strava runs).
      assert.equal(first.start_date_local, '2026-03-01T06:00:00');
      const february = await h.call('GET', `/api/data/users/${sub}/runs?year=2026&month=2`, token);
      assert.deepEqual(february.body.runs.map((run: { strava_id: string }) => run.strava_id), ['1']);
    });

    it('pages the most recent runs first, stable under equal start times', async () => {
      const sub = 'pager';
      const token = h.userToken(sub);
      const importer = await h.serviceToken(['runs:import']);
      const runs = Array.from({ length: 7 }, (_, index) => stravaRun(String(100 + index), index < 5 ? '2026-03-05T07:00:00Z' : `2026-03-0${index + 1}T07:00:00Z`));
      await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<Harness['call']>> = await h.call('GET', `/api/data/users/me/runs?limit=3${cursor ? `&cursor=${cursor}` : ''}`, token);
        assert.equal(page.status, 200);
        seen.push(...page.body.runs.map((run: { strava_id: string }) => run.strava_id));
        cursor = page.body.next_cursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      assert.equal(pages, 3);
      assert.equal(seen.length, 7);
      assert.equal(new Set(seen).size, 7);
      assert.deepEqual(seen.slice(0, 2), ['106', '105']);
      const forged = await h.call('GET', '/api/data/users/me/runs?cursor=bm9wZQ', token);
      assert.equal(forged.status, 400);
      assert.equal(forged.body.field, 'cursor');
    });

    it('adds, reads, changes and deletes a manual run', async () => {
      const token = h.userToken('manual-runner');
      const created = await h.call('POST', '/api/data/users/me/runs', token, manual());
      assert.equal(created.status, 201);
      assert.equal(created.body.source, 'manual');
      assert.equal(created.body.strava_id, null);
      assert.equal(created.body.timezone, 'UTC');
      assert.equal(created.body.elapsed_time, 2400);
      assert.equal(created.body.average_speed, 8000 / 2400);
      assert.equal(created.body.created_at, '2026-03-15T12:00:00Z');
      const id = created.body.id as string;
      assert.equal(created.headers.get('location'), `/api/data/users/me/runs/${id}`);
      h.now += 60_000;
      const changed = await h.call('PATCH', `/api/data/users/me/runs/${id}`, token, { timezone: 'Asia/Tokyo', name: 'Evening run' });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.start_date_local, '2026-03-10T21:00:00');
      assert.equal(changed.body.updated_at, '2026-03-15T12:01:00Z');
      assert.equal((await h.call('GET', `/api/data/users/me/runs/${id}`, token)).body.name, 'Evening run');
      assert.equal((await h.call('DELETE', `/api/data/users/me/runs/${id}`, token)).status, 204);
      assert.equal((await h.call('GET', `/api/data/users/me/runs/${id}`, token)).status, 404);
      assert.equal((await h.call('DELETE', `/api/data/users/me/runs/${id}`, token)).status, 404);
    });

    it("lets the runner rename a Strava run but not change what Strava measured; its source stays", async () => {
      const sub = 'renamer';
      const importer = await h.serviceToken(['runs:import']);
      // Without GPS Strava reports max_speed 0: renaming must still work.
      await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: [stravaRun('900', '2026-03-02T07:00:00Z', { max_speed: 0 })] });
      const token = h.userToken(sub);
      const [run] = (await h.call('GET', '/api/data/users/me/runs', token)).body.runs;
      const renamed = await h.call('PATCH', `/api/data/users/me/runs/${run.id}`, token, { name: 'Renamed', description: 'felt good' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.source, 'strava');
      assert.equal(renamed.body.strava_id, '900');
      assert.equal(renamed.body.start_date_local, run.start_date_local);
      const refused = await h.call('PATCH', `/api/data/users/me/runs/${run.id}`, token, { distance: 42_195 });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.field, 'distance');
      assert.equal((await h.call('GET', `/api/data/users/me/runs/${run.id}`, token)).body.distance, 10_000);
    });

    it('refuses bad input with a 400 problem naming the field, writing nothing', async () => {
      const token = h.userToken('careless');
      const cases: [Record<string, unknown>, string][] = [
        [manual({ distance: -1 }), 'distance'],
        [manual({ distance: 2_000_000 }), 'distance'],
        [manual({ name: '' }), 'name'],
        [manual({ name: 'x'.repeat(256) }), 'name'],
        [manual({ start_date: '2026-02-30T10:00:00Z' }), 'start_date'],
        [manual({ start_date: 'yesterday' }), 'start_date'],
        [manual({ timezone: 'Mars/Olympus' }), 'timezone'],
        [manual({ moving_time: 100, elapsed_time: 50 }), 'moving_time'],
        [manual({ source: 'strava' }), 'source'],
        [manual({ summary_polyline: 'x'.repeat(50_001) }), 'summary_polyline'],
        [{ sport_type: 'Run', start_date: '2026-03-10T12:00:00Z', distance: 1, moving_time: 1 }, 'name'],
      ];
      for (const [body, field] of cases) {
        const response = await h.call('POST', '/api/data/users/me/runs', token, body);
        assert.equal(response.status, 400, field);
        assert.match(String(response.headers.get('content-type')), /^application\/problem\+json/);
        assert.equal(response.body.field, field);
      }
      const queries: [string, string][] = [
        ['year=2026', 'month'],
        ['month=3', 'year'],
        ['year=2026&month=13', 'month'],
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['year=2026&month=3&limit=5', 'limit'],
        ['color=red', 'color'],
      ];
      for (const [query, field] of queries) {
        const response = await h.call('GET', `/api/data/users/me/runs?${query}`, token);
        assert.equal(response.status, 400, query);
        assert.equal(response.body.field, field, query);
      }
      assert.deepEqual((await h.call('GET', '/api/data/users/me/runs', token)).body, { runs: [], next_cursor: null });
    });
  });
}
