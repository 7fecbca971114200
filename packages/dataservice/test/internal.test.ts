// The internal API: idempotent, all-or-nothing bulk imports, unlinking, reads for reports, the
// runners of a month and the e-mail address kept at sign-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS, type TestTokenDealer } from '@runnerly/test-support';
import { sharedTokenDealer, startHarness, stravaRun, type Harness } from './support/harness.js';

const fileRun = (hash: string, startDate: string) => ({ ...stravaRun('0', startDate), source: 'file', strava_id: null, external_id: `sha256:${hash.repeat(64).slice(0, 64)}` });

for (const backend of TEST_BACKENDS) {
  describe(`internal API (${backend.name})`, () => {
    let tokenDealer: TestTokenDealer;
    let h: Harness;
    let importer: string;
    let reader: string;

    before(async () => {
      tokenDealer = await sharedTokenDealer();
      h = await startHarness(backend, tokenDealer);
      importer = await h.serviceToken(['runs:import']);
      reader = await h.serviceToken(['runs:read:all']);
    });
    after(async () => {
      await h.stop();
      await tokenDealer.stop();
    });

    it('imports the same runs again without duplicating them, counting what changed', async () => {
      const sub = 'importer-runner';
      const batch = [stravaRun('11', '2026-03-01T08:00:00Z'), stravaRun('12', '2026-03-02T08:00:00Z'), fileRun('a', '2026-03-03T08:00:00Z')];
      assert.deepEqual((await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: batch })).body, { created: 3, updated: 0, unchanged: 0 });
      assert.deepEqual((await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: batch })).body, { created: 0, updated: 0, unchanged: 3 });
      const renamed = [{ ...batch[0], name: 'Renamed on Strava' }, batch[1], stravaRun('13', '2026-03-04T08:00:00Z')];
      assert.deepEqual((await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: renamed })).body, { created: 1, updated: 1, unchanged: 1 });
      const listed = await h.call('GET', `/internal/users/${sub}/runs?year=2026&month=3`, reader);
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.runs.map((run: { name: string }) => run.name), ['Renamed on Strava', 'Run 12', 'Run 0', 'Run 13']);
      assert.deepEqual(listed.body.runs.map((run: { source: string }) => run.source), ['strava', 'strava', 'file', 'strava']);
      // The same Strava id for another runner is another run.
      assert.deepEqual((await h.call('PUT', `/internal/users/other-runner/runs`, importer, { runs: [batch[0]] })).body, { created: 1, updated: 0, unchanged: 0 });
    });

    it('imports the same batch twice at once without a failure or a duplicate', async () => {
      const sub = 'concurrent-importer';
      const batch = Array.from({ length: 50 }, (_, index) => stravaRun(String(5000 + index), `2026-03-${String(1 + (index % 28)).padStart(2, '0')}T07:00:00Z`));
      const answers = await Promise.all([1, 2, 3].map(() => h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: batch })));
      assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200]);
      assert.equal(answers.reduce((created, answer) => created + answer.body.created, 0), 50);
      const listed = await h.call('GET', `/internal/users/${sub}/runs?year=2026&month=3`, reader);
      assert.equal(listed.body.runs.length, 50);
    });

    it('writes nothing of a batch holding one bad run, and names it', async () => {
      const sub = 'all-or-nothing';
      const cases: [Record<string, unknown>, string][] = [
        [stravaRun('2', '2026-03-01T08:00:00Z', { timezone: 'Nowhere/Land' }), 'runs/1/timezone'],
        [stravaRun('2', '2026-03-01T08:00:00Z', { strava_id: null }), 'runs/1/strava_id'],
        [stravaRun('2', '2026-03-01T08:00:00Z', { distance: 'far' }), 'runs/1/distance'],
        [stravaRun('2', '2026-03-01T08:00:00Z', { access_token: 'x' }), 'runs/1/access_token'],
      ];
      for (const [bad, field] of cases) {
        const response = await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: [stravaRun('1', '2026-03-01T07:00:00Z'), bad] });
        assert.equal(response.status, 400, field);
        assert.equal(response.body.field, field);
      }
      const tooMany = Array.from({ length: 501 }, (_, index) => stravaRun(String(index + 1), '2026-03-01T07:00:00Z'));
      const refused = await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: tooMany });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.field, 'runs');
      const listed = await h.call('GET', `/internal/users/${sub}/runs?from=2026-01-01&to=2026-12-31`, reader);
      assert.deepEqual(listed.body.runs, []);
    });

    it('keeps an imported run as its source measured it (no GPS: max_speed 0; moving time above elapsed)', async () => {
      const odd = stravaRun('78', '2026-03-01T07:00:00Z', { max_speed: 0, average_speed: 3, moving_time: 3200, elapsed_time: 3100 });
      assert.deepEqual((await h.call('PUT', '/internal/users/odd-runner/runs', importer, { runs: [odd] })).body, { created: 1, updated: 0, unchanged: 0 });
    });

    it('accepts Strava-style zone names and local times as Strava writes them', async () => {
      const sub = 'strava-format';
      const run = stravaRun('77', '2026-03-01T07:00:00Z', { timezone: '(GMT+01:00) Europe/Paris', start_date_local: '2026-03-01T08:00:00Z' });
      assert.equal((await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: [run] })).status, 200);
      const [stored] = (await h.call('GET', `/internal/users/${sub}/runs?year=2026&month=3`, reader)).body.runs;
      assert.equal(stored.timezone, 'Europe/Paris');
      assert.equal(stored.start_date_local, '2026-03-01T08:00:00');
    });

    it('deletes one Strava run, then every Strava run on unlink, keeping the others', async () => {
      const sub = 'unlinker';
      await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: [stravaRun('1', '2026-03-01T07:00:00Z'), stravaRun('2', '2026-03-02T07:00:00Z'), stravaRun('3', '2026-03-03T07:00:00Z'), fileRun('b', '2026-03-04T07:00:00Z')] });
      assert.deepEqual((await h.call('DELETE', `/internal/users/${sub}/runs/strava/2`, importer)).body, { deleted: 1 });
      assert.deepEqual((await h.call('DELETE', `/internal/users/${sub}/runs/strava/2`, importer)).body, { deleted: 0 });
      assert.deepEqual((await h.call('DELETE', `/internal/users/${sub}/runs?source=strava`, importer)).body, { deleted: 2 });
      assert.equal((await h.call('DELETE', `/internal/users/${sub}/runs?source=manual`, importer)).status, 400);
      const left = (await h.call('GET', `/internal/users/${sub}/runs?year=2026&month=3`, reader)).body.runs;
      assert.deepEqual(left.map((run: { source: string }) => run.source), ['file']);
    });

    it("reads a runner's profile, runs by days and totals; an unknown runner is 404", async () => {
      const sub = 'reported';
      await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: [stravaRun('1', '2026-03-01T07:00:00Z'), stravaRun('2', '2026-03-20T07:00:00Z')] });
      const profile = await h.call('GET', `/internal/users/${sub}`, reader);
      assert.equal(profile.status, 200);
      assert.equal(profile.body.id, sub);
      assert.equal(profile.body.timezone, 'UTC');
      const days = await h.call('GET', `/internal/users/${sub}/runs?from=2026-03-01&to=2026-03-19`, reader);
      assert.deepEqual(days.body.runs.map((run: { strava_id: string }) => run.strava_id), ['1']);
      const totals = await h.call('GET', `/internal/users/${sub}/totals?from=2026-03-01&to=2026-03-31&period=month`, reader);
      assert.deepEqual(totals.body, { period: 'month', totals: [{ start: '2026-03-01', distance: 20_000, moving_time: 6000, elapsed_time: 6200, count: 2, elevation_gain: 100 }] });
      assert.equal((await h.call('GET', '/internal/users/nobody', reader)).status, 404);
      assert.equal((await h.call('GET', '/internal/users/nobody/runs?year=2026&month=3', reader)).status, 404);
      const tooLong = await h.call('GET', `/internal/users/${sub}/runs?from=2025-01-01&to=2026-03-01`, reader);
      assert.equal(tooLong.status, 400);
      assert.equal(tooLong.body.field, 'to');
    });

    it("lists the runners with runs in a month on each runner's own calendar, page by page", async () => {
      const profiles = await h.serviceToken(['runs:read:all']);
      // Tokyo runner: a run at 2026-04-30T16:00Z is May 1 in Tokyo, not April.
      await h.call('PATCH', '/api/data/users/me', h.userToken('zz-tokyo'), { timezone: 'Asia/Tokyo' });
      await h.call('PUT', '/internal/users/zz-tokyo/runs', importer, { runs: [stravaRun('1', '2026-04-30T16:00:00Z')] });
      // Honolulu runner: a run at 2026-05-01T05:00Z is still April 30 in Honolulu.
      await h.call('PATCH', '/api/data/users/me', h.userToken('zz-honolulu'), { timezone: 'Pacific/Honolulu' });
      await h.call('PUT', '/internal/users/zz-honolulu/runs', importer, { runs: [stravaRun('1', '2026-05-01T05:00:00Z')] });
      for (const sub of ['zz-a', 'zz-b', 'zz-c']) await h.call('PUT', `/internal/users/${sub}/runs`, importer, { runs: [stravaRun('1', '2026-04-10T05:00:00Z')] });
      const april: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<Harness['call']>> = await h.call('GET', `/internal/runners?active_in=2026-04&limit=2${cursor ? `&cursor=${cursor}` : ''}`, profiles);
        assert.equal(page.status, 200);
        april.push(...page.body.runners);
        cursor = page.body.next_cursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      assert.deepEqual(april, ['zz-a', 'zz-b', 'zz-c', 'zz-honolulu']);
      const may = await h.call('GET', '/internal/runners?active_in=2026-05', profiles);
      assert.deepEqual(may.body.runners, ['zz-tokyo']);
      assert.equal((await h.call('GET', '/internal/runners?active_in=2026-13', profiles)).body.field, 'active_in');
    });

    it('keeps the e-mail address from the sign-in with the profile (scope users:email)', async () => {
      const mailer = await h.serviceToken(['users:email']);
      assert.equal((await h.call('PUT', '/internal/users/mailed/email', mailer, { email: 'runner@example.com' })).status, 204);
      assert.equal((await h.call('GET', '/api/data/users/me', h.userToken('mailed'))).body.email, 'runner@example.com');
      assert.equal((await h.call('PUT', '/internal/users/mailed/email', mailer, { email: 'not an address' })).body.field, 'email');
      assert.equal((await h.call('PUT', '/internal/users/mailed/email', importer, { email: 'x@example.com' })).status, 403);
      assert.equal((await h.call('PUT', '/internal/users/mailed/email', mailer, { email: null })).status, 204);
      assert.equal((await h.call('GET', '/internal/users/mailed', reader)).body.email, null);
    });
  });
}
