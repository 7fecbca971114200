import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { TEST_BACKENDS } from '@runnerly/test-support';
import { newRunner, startHarness, STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET, VERIFY_TOKEN, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';
import { ACTIVITY_EVENT_JOB } from '../src/jobs/job-types.js';

const RUN_TYPES = ['Run', 'TrailRun', 'VirtualRun'];

for (const backend of TEST_BACKENDS) {
  describe(`${backend.name}: importing and keeping runs current`, () => {
    let harness: Harness;
    let athletes: number[];
    before(async () => {
      // Two years of history: several pages of 200.
      harness = await startHarness({ backend, seed: { athletes: 3, months: 24 }, webhook: true });
      athletes = harness.sandbox.admin.athletes().map((athlete) => athlete.id);
    });
    after(() => harness.close());

    it('imports the whole history newest first through pages of 200, runs only, mapped field by field', async () => {
      const runner = newRunner();
      await harness.link(runner, athletes[0]!);
      const status = await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
      const all = harness.sandbox.admin.activities(athletes[0]!);
      const runs = all.filter((activity) => RUN_TYPES.includes(activity.sport_type));
      assert.ok(all.length > 400, `enough history for three pages (${all.length})`);
      assert.ok(runs.length < all.length, 'rides and swims in the history');
      assert.equal(status.imported, runs.length);
      assert.equal(status.total, runs.length);
      assert.equal(status.last_error, null);
      const stored = harness.data.runs(runner);
      assert.deepEqual([...stored.keys()].sort(), runs.map((run) => String(run.id)).sort());
      const sample = runs.find((run) => run.average_heartrate !== undefined && run.map.summary_polyline !== '')!;
      const imported = stored.get(String(sample.id))!;
      assert.equal(imported.source, 'strava');
      assert.equal(imported.name, sample.name);
      assert.equal(imported.sport_type, sample.sport_type);
      assert.equal(imported.start_date, sample.start_date);
      assert.equal(imported.start_date_local, sample.start_date_local.replace(/Z$/, ''));
      assert.equal(imported.timezone, 'Europe/Paris');
      assert.equal(imported.distance, sample.distance);
      assert.equal(imported.moving_time, sample.moving_time);
      assert.equal(imported.average_heartrate, sample.average_heartrate);
      assert.equal(imported.summary_polyline, sample.map.summary_polyline);
      // One PUT per page, none larger than a page.
      assert.ok(harness.data.putSizes.every((size) => size <= 200));
    });

    it('answers the webhook handshake only with the verify token', async () => {
      const good = await fetch(`${harness.url}/strava/webhook?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.challenge': 'abc123', 'hub.verify_token': VERIFY_TOKEN })}`);
      assert.equal(good.status, 200);
      assert.deepEqual(await good.json(), { 'hub.challenge': 'abc123' });
      const bad = await fetch(`${harness.url}/strava/webhook?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.challenge': 'abc123', 'hub.verify_token': 'wrong' })}`);
      assert.equal(bad.status, 403);
    });

    it('applies webhook create, update and delete events by fetching the activity', async () => {
      const runner = newRunner();
      const athlete = athletes[1]!;
      await harness.link(runner, athlete);
      const linked = await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
      const before = harness.data.runs(runner).size;
      assert.equal(linked.imported, before);

      const created = harness.sandbox.admin.createActivity(athlete, { name: 'Webhook run', sport_type: 'Run', start_date: new Date(harness.clock.now() - 3_600_000).toISOString(), distance: 8000, moving_time: 2400, description: 'Felt strong.' });
      await until(() => harness.data.runs(runner).get(String(created.id)), (run) => run !== undefined, 'the created run');
      assert.equal(harness.data.runs(runner).get(String(created.id))!.description, 'Felt strong.');

      harness.sandbox.admin.updateActivity(created.id, { name: 'Renamed run' });
      await until(() => harness.data.runs(runner).get(String(created.id))?.name, (name) => name === 'Renamed run', 'the renamed run');

      harness.sandbox.admin.updateActivity(created.id, { sport_type: 'Ride' });
      await until(() => harness.data.runs(runner).has(String(created.id)), (present) => !present, 'the run turned ride to go');

      const second = harness.sandbox.admin.createActivity(athlete, { sport_type: 'TrailRun', start_date: new Date(harness.clock.now() - 1_800_000).toISOString() });
      await until(() => harness.data.runs(runner).has(String(second.id)), (present) => present, 'the second run');
      harness.sandbox.admin.deleteActivity(second.id);
      await until(() => harness.data.runs(runner).has(String(second.id)), (present) => !present, 'the deleted run to go');
      await harness.sandbox.admin.webhooksIdle();
      assert.ok(harness.sandbox.admin.deliveries().every((delivery) => delivery.state === 'delivered'));
      // The data service sees a delete before the job records it: wait for the last event job to end.
      // A job that failed waits for a retry the frozen clock never reaches, and this times out.
      await until(() => harness.service.context.queue.counts(ACTIVITY_EVENT_JOB), (counts) => counts.waiting + counts.delayed + counts.active === 0, 'the event jobs to end');
      assert.equal(harness.data.runs(runner).size, before);
      assert.equal((await harness.status(runner)).imported, before);
    });

    it('ignores events of another subscription or an unknown athlete, answering 200', async () => {
      const event = { object_type: 'activity', object_id: 1, aspect_type: 'create', updates: {}, owner_id: athletes[0], subscription_id: 999_999, event_time: 1 };
      const response = await fetch(`${harness.url}/strava/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { accepted: false });
      const malformed = await fetch(`${harness.url}/strava/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...event, owner_id: 'x' }) });
      assert.equal(malformed.status, 400);
    });

    it('ends the link on authorized:false, deleting the tokens and keeping the runs', async () => {
      const runner = newRunner();
      const athlete = athletes[2]!;
      await harness.link(runner, athlete);
      await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
      const kept = harness.data.runs(runner).size;
      assert.ok(kept > 0);
      harness.sandbox.admin.deauthorize(athlete);
      await until(() => harness.status(runner), (value) => value.linked === false, 'the link to end');
      assert.equal(harness.data.runs(runner).size, kept);
      // Deleting the runs afterwards still works without a link.
      const response = await fetch(`${harness.url}/api/strava/users/me/link?delete_runs=true`, { method: 'DELETE', headers: { authorization: `Bearer ${harness.userToken(runner)}` } });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { unlinked: false, strava_deauthorized: false, runs_deleted: kept });
      assert.equal(harness.data.runs(runner).size, 0);
    });

    it('unlinks at Strava (deauthorize) and deletes the runs when asked', async () => {
      const runner = newRunner();
      const athlete = athletes[2]!;
      await harness.link(runner, athlete);
      await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
      const count = harness.data.runs(runner).size;
      const response = await fetch(`${harness.url}/api/strava/users/me/link?delete_runs=true`, { method: 'DELETE', headers: { authorization: `Bearer ${harness.userToken(runner)}` } });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { unlinked: true, strava_deauthorized: true, runs_deleted: count });
      assert.equal(harness.data.runs(runner).size, 0);
      assert.equal((await harness.status(runner)).state, 'not_linked');
      // Strava no longer knows the link: a new event for the athlete finds no one.
      await harness.sandbox.admin.webhooksIdle();
      const deauthorizations = harness.sandbox.admin.deliveries().filter((delivery) => delivery.event.owner_id === athlete && delivery.event.object_type === 'athlete');
      assert.equal(deauthorizations.length, 2, 'one for each ended link');
    });

    it('keeps the runs on an unlink without delete_runs', async () => {
      const runner = newRunner();
      await harness.link(runner, athletes[1]!);
      const response = await fetch(`${harness.url}/api/strava/users/me/link`, { method: 'DELETE', headers: { authorization: `Bearer ${harness.userToken(runner)}` } });
      // athletes[1] is linked to the earlier test's runner: this runner never linked.
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { unlinked: false, strava_deauthorized: false, runs_deleted: null });
    });

    it('reuses the existing subscription when it starts again', async () => {
      const before = await harness.service.context.settings.get('webhook_subscription_id');
      assert.ok(before);
      await harness.restartService();
      assert.equal(await harness.service.context.settings.get('webhook_subscription_id'), before);
      const listed = await fetch(`${harness.sandbox.url}/api/v3/push_subscriptions?${new URLSearchParams({ client_id: STRAVA_CLIENT_ID, client_secret: STRAVA_CLIENT_SECRET })}`);
      assert.deepEqual(((await listed.json()) as Array<{ id: number }>).map((subscription) => subscription.id), [Number(before)]);
    });

    it('never puts a Strava token in a response, and stores them only sealed', async () => {
      const runner = newRunner();
      const athlete = harness.sandbox.admin.athletes()[0]!.id;
      const linkedRunner = (await harness.service.context.links.getByAthlete(athlete))!.sub;
      const { tokens } = (await harness.service.context.links.get(linkedRunner))!;
      const bodies = [
        await (await fetch(`${harness.url}/api/strava/users/me`, { headers: { authorization: `Bearer ${harness.userToken(linkedRunner)}` } })).text(),
        await (await fetch(`${harness.url}/api/strava/users/me/link`, { method: 'POST', headers: { authorization: `Bearer ${harness.userToken(runner)}` } })).text(),
        await (await fetch(`${harness.url}/openapi.json`)).text(),
        await (await fetch(`${harness.url}/metrics`)).text(),
      ];
      for (const body of bodies) {
        assert.ok(!body.includes(tokens.accessToken) && !body.includes(tokens.refreshToken));
      }
      const { rows } = await sql<{ access_token: string; refresh_token: string }>`select access_token, refresh_token from strava_links`.execute(harness.service.db);
      assert.ok(rows.length > 0);
      for (const row of rows) {
        assert.match(row.access_token, /^v1\./);
        assert.ok(!row.access_token.includes(tokens.accessToken) && !row.refresh_token.includes(tokens.refreshToken));
      }
    });
  });
}
