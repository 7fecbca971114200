// The profile, totals per week and month, and races with their entries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS, type TestTokenDealer } from '@runnerly/test-support';
import { sharedTokenDealer, startHarness, stravaRun, type Harness } from './support/harness.js';

for (const backend of TEST_BACKENDS) {
  describe(`profile, totals and races (${backend.name})`, () => {
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

    it("creates the profile with defaults on the runner's first request, and changes it within bounds", async () => {
      const token = h.userToken('new-runner');
      // The first request is to races: the profile exists afterwards.
      assert.equal((await h.call('GET', '/api/data/races', token)).status, 200);
      const profile = await h.call('GET', '/api/data/users/new-runner', token);
      assert.equal(profile.status, 200);
      assert.deepEqual(profile.body, {
        id: 'new-runner',
        display_name: null,
        timezone: 'UTC',
        units: 'km',
        birth_year: null,
        weight_kg: null,
        max_heartrate: null,
        resting_heartrate: null,
        email: null,
        report_emails: true,
        created_at: '2026-03-15T12:00:00Z',
        updated_at: '2026-03-15T12:00:00Z',
      });
      const changed = await h.call('PATCH', '/api/data/users/me', token, { display_name: 'Ada', timezone: 'europe/paris', units: 'mi', max_heartrate: 190, report_emails: false });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.timezone, 'Europe/Paris');
      assert.equal(changed.body.report_emails, false);
      for (const [body, field] of [
        [{ timezone: 'Europe/Atlantis' }, 'timezone'],
        [{ max_heartrate: 400 }, 'max_heartrate'],
        [{ birth_year: 1800 }, 'birth_year'],
        [{ email: 'me@example.com' }, 'email'],
        [{ display_name: 'x'.repeat(101) }, 'display_name'],
        [{}, 'body'],
      ] as const) {
        const response = await h.call('PATCH', '/api/data/users/me', token, body);
        assert.equal(response.status, 400, field);
        assert.equal(response.body.field, field);
      }
      assert.equal((await h.call('GET', '/api/data/users/me', token)).body.display_name, 'Ada');
    });

    it("adds up runs per ISO week and per month on the runner's calendar, empty periods included", async () => {
      const sub = 'totals-runner';
      const token = h.userToken(sub);
      await h.call('PATCH', '/api/data/users/me', token, { timezone: 'Australia/Sydney' });
      const importer = await h.serviceToken(['runs:import']);
      await h.call('PUT', `/internal/users/${sub}/runs`, importer, {
        runs: [
          stravaRun('1', '2026-03-01T13:30:00Z', { distance: 1000 }), // Mon 2 March 00:30 in Sydney (UTC+11)
          stravaRun('2', '2026-03-01T12:30:00Z', { distance: 2000 }), // Sun 1 March 23:30
          stravaRun('3', '2026-03-18T00:00:00Z', { distance: 4000 }), // Wed 18 March
          stravaRun('4', '2026-04-30T15:00:00Z', { distance: 8000 }), // Fri 1 May 01:00 (UTC+10 after DST)
        ],
      });
      const weeks = await h.call('GET', '/api/data/users/me/totals?from=2026-03-01&to=2026-03-22&period=week', token);
      assert.equal(weeks.status, 200);
      assert.deepEqual(weeks.body.totals.map((total: { start: string; distance: number; count: number }) => [total.start, total.distance, total.count]), [
        ['2026-02-23', 2000, 1],
        ['2026-03-02', 1000, 1],
        ['2026-03-09', 0, 0],
        ['2026-03-16', 4000, 1],
      ]);
      const months = await h.call('GET', '/api/data/users/me/totals?from=2026-03-01&to=2026-05-31&period=month', token);
      assert.deepEqual(months.body.totals.map((total: { start: string; distance: number }) => [total.start, total.distance]), [
        ['2026-03-01', 7000],
        ['2026-04-01', 0],
        ['2026-05-01', 8000],
      ]);
      assert.deepEqual(months.body.totals[0], { start: '2026-03-01', distance: 7000, moving_time: 9000, elapsed_time: 9300, count: 3, elevation_gain: 150 });
      for (const [query, field] of [
        ['from=2026-03-01&to=2026-02-01&period=week', 'to'],
        ['from=2020-01-01&to=2026-03-01&period=month', 'to'],
        ['from=2026-02-30&to=2026-03-01&period=month', 'from'],
        ['from=2026-03-01&to=2026-03-02&period=day', 'period'],
        ['from=2026-03-01&period=week', 'to'],
      ]) {
        const response = await h.call('GET', `/api/data/users/me/totals?${query}`, token);
        assert.equal(response.status, 400, query);
        assert.equal(response.body.field, field, query);
      }
    });

    it('shows races to every runner with the count of entrants and whether the caller entered, never who', async () => {
      const ann = h.userToken('race-ann');
      const ben = h.userToken('race-ben');
      const created = await h.call('POST', '/api/data/races', ann, { name: 'City Marathon', date: '2026-04-19', distance: 42_195, location: 'Paris', url: 'https://example.com/marathon' });
      assert.equal(created.status, 201);
      assert.equal(created.body.created_by_me, true);
      const id = created.body.id as string;
      await h.call('POST', '/api/data/races', ann, { name: 'Past 10k', date: '2026-03-01', distance: 10_000 });
      await h.call('POST', '/api/data/races', ann, { name: 'Spring 5k', date: '2026-03-20', distance: 5000 });
      const entered = await h.call('PUT', `/api/data/races/${id}/entry`, ben);
      assert.equal(entered.status, 200);
      assert.equal(entered.body.entrants, 1);
      assert.equal(entered.body.entered, true);
      assert.equal((await h.call('PUT', `/api/data/races/${id}/entry`, ben)).body.entrants, 1);
      await h.call('PUT', `/api/data/races/${id}/entry`, ann);
      const seenByAnn = await h.call('GET', `/api/data/races/${id}`, ann);
      assert.equal(seenByAnn.body.entrants, 2);
      assert.ok(!seenByAnn.text.includes('race-ben'));
      // Upcoming first, from today (15 March on the runner's calendar).
      const listed = await h.call('GET', '/api/data/races?limit=1', ben);
      assert.deepEqual(listed.body.races.map((race: { name: string }) => race.name), ['Spring 5k']);
      const next = await h.call('GET', `/api/data/races?limit=1&cursor=${listed.body.next_cursor}`, ben);
      assert.deepEqual(next.body.races.map((race: { name: string; entered: boolean; created_by_me: boolean }) => [race.name, race.entered, race.created_by_me]), [['City Marathon', true, false]]);
      assert.equal(next.body.next_cursor, null);
      assert.equal((await h.call('GET', '/api/data/races?from=2026-01-01', ben)).body.races.length, 3);
      const left = await h.call('DELETE', `/api/data/races/${id}/entry`, ben);
      assert.deepEqual([left.body.entrants, left.body.entered], [1, false]);
    });

    it('lets only the creator change or delete a race (403 for others), and checks its fields', async () => {
      const owner = h.userToken('race-owner');
      const other = h.userToken('race-other');
      const { body: race } = await h.call('POST', '/api/data/races', owner, { name: 'Trail', date: '2026-06-01', distance: 30_000 });
      const refused = await h.call('PATCH', `/api/data/races/${race.id}`, other, { name: 'Mine now' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.type, 'urn:runnerly:problem:not-race-creator');
      assert.equal((await h.call('DELETE', `/api/data/races/${race.id}`, other)).status, 403);
      const renamed = await h.call('PATCH', `/api/data/races/${race.id}`, owner, { name: 'Mountain Trail' });
      assert.equal(renamed.body.name, 'Mountain Trail');
      for (const [body, field] of [
        [{ name: 'x', date: '2026-06-01', distance: 1, url: 'javascript:alert(1)' }, 'url'],
        [{ name: 'x', date: '2026-06-01', distance: 1, url: 'ftp://example.com' }, 'url'],
        [{ name: 'x', date: '2026-02-30', distance: 1 }, 'date'],
        [{ name: 'x', date: '2026-06-01', distance: 0 }, 'distance'],
        [{ name: 'x'.repeat(201), date: '2026-06-01', distance: 1 }, 'name'],
      ] as const) {
        const response = await h.call('POST', '/api/data/races', owner, body);
        assert.equal(response.status, 400, field);
        assert.equal(response.body.field, field);
      }
      await h.call('PUT', `/api/data/races/${race.id}/entry`, other);
      assert.equal((await h.call('DELETE', `/api/data/races/${race.id}`, owner)).status, 204);
      assert.equal((await h.call('GET', `/api/data/races/${race.id}`, other)).status, 404);
      assert.equal((await h.call('PUT', `/api/data/races/${race.id}/entry`, other)).status, 404);
      assert.equal((await h.call('PATCH', `/api/data/races/${race.id}`, owner, { name: 'x' })).status, 404);
    });

    it('describes every route in the OpenAPI document with its schemas', async () => {
      const document = (await h.call('GET', '/openapi.json', undefined)).body;
      for (const path of ['/api/data/users/{sub}', '/api/data/users/{sub}/runs', '/api/data/users/{sub}/runs/{id}', '/api/data/users/{sub}/totals', '/api/data/users/{sub}/imports', '/api/data/races', '/api/data/races/{id}/entry', '/internal/users/{sub}/runs', '/internal/runners', '/internal/users/{sub}/email']) {
        assert.ok(document.paths[path], path);
      }
      for (const schema of ['Run', 'RunList', 'Profile', 'Totals', 'Race', 'Problem']) assert.ok(document.components.schemas[schema], schema);
      assert.equal((await h.call('GET', '/healthz', undefined)).status, 200);
      assert.equal((await h.call('GET', '/readyz', undefined)).status, 200);
    });
  });
}
