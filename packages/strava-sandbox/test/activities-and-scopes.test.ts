import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import polylineCodec from '@googlemaps/polyline-codec';
import { apiGet, linkAthlete, startSandbox, TestClock, type RunningSandbox } from './helpers/sandbox.js';

interface Summary {
  id: number;
  name: string;
  sport_type: string;
  start_date: string;
  private: boolean;
  distance: number;
  map: { summary_polyline: string };
  athlete: { id: number };
}

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

describe('athlete activities: paging, filters and scopes', () => {
  let running: RunningSandbox;
  let readAll: Awaited<ReturnType<typeof linkAthlete>>;
  let publicOnly: Awaited<ReturnType<typeof linkAthlete>>;
  let profileOnly: Awaited<ReturnType<typeof linkAthlete>>;
  let everything: Summary[];

  before(async () => {
    running = await startSandbox({ clock: new TestClock(NOW).read, rateLimits: false });
    readAll = await linkAthlete(running, ['activity:read_all']);
    publicOnly = await linkAthlete(running, ['activity:read']);
    profileOnly = await linkAthlete(running, ['read']);
    everything = (await apiGet(running.url, '/athlete/activities?per_page=200', readAll.access_token)).body as Summary[];
  });
  after(() => running.close());

  it('seeds months of runs, rides and swims, some private, newest first', () => {
    assert.ok(everything.length >= 60 && everything.length < 200, `${everything.length} activities`);
    const sports = new Set(everything.map((activity) => activity.sport_type));
    for (const sport of ['Run', 'TrailRun', 'Ride', 'Swim']) assert.ok(sports.has(sport), `has a ${sport}`);
    assert.ok(everything.some((activity) => activity.private));
    assert.ok(everything.some((activity) => /^(Morning|Lunch|Afternoon|Evening|Night) Run$/.test(activity.name)));
    const starts = everything.map((activity) => Date.parse(activity.start_date));
    assert.deepEqual(starts, [...starts].sort((a, b) => b - a));
    assert.ok(starts[0]! < NOW && starts[starts.length - 1]! > NOW - 130 * 86_400_000);
    assert.ok(everything.every((activity) => activity.athlete.id === readAll.athleteId));
  });

  it('pages by 30 by default, pages cover the list without overlap, and a page past the end is empty', async () => {
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const { status, body } = await apiGet(running.url, `/athlete/activities?page=${page}`, readAll.access_token);
      assert.equal(status, 200);
      const items = body as Summary[];
      if (items.length === 0) break;
      assert.ok(items.length <= 30);
      ids.push(...items.map((item) => item.id));
    }
    assert.deepEqual(ids, everything.map((activity) => activity.id));
  });

  it('reads per_page above 200 as 200', async () => {
    const { status, body } = await apiGet(running.url, '/athlete/activities?per_page=1000', readAll.access_token);
    assert.equal(status, 200);
    assert.equal((body as Summary[]).length, Math.min(200, everything.length));
  });

  it('filters strictly by before and after (epoch seconds)', async () => {
    const pivot = Date.parse(everything[10]!.start_date) / 1000;
    const older = (await apiGet(running.url, `/athlete/activities?per_page=200&before=${pivot}`, readAll.access_token)).body as Summary[];
    assert.deepEqual(older.map((activity) => activity.id), everything.slice(11).map((activity) => activity.id));
    const newer = (await apiGet(running.url, `/athlete/activities?per_page=200&after=${pivot}`, readAll.access_token)).body as Summary[];
    assert.deepEqual(newer.map((activity) => activity.id), everything.slice(0, 10).map((activity) => activity.id));
  });

  it('answers 400 naming the parameter for a malformed one', async () => {
    const { status, body } = await apiGet(running.url, '/athlete/activities?per_page=lots', readAll.access_token);
    assert.equal(status, 400);
    assert.deepEqual(body, { message: 'Bad Request', errors: [{ resource: 'Application', field: 'per_page', code: 'invalid' }] });
  });

  it('activity:read lists public activities only and hides private ones as not found', async () => {
    const listed = (await apiGet(running.url, '/athlete/activities?per_page=200', publicOnly.access_token)).body as Summary[];
    assert.deepEqual(listed.map((activity) => activity.id), everything.filter((activity) => !activity.private).map((activity) => activity.id));
    const secret = everything.find((activity) => activity.private)!;
    const hidden = await apiGet(running.url, `/activities/${secret.id}`, publicOnly.access_token);
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.body, { message: 'Resource Not Found', errors: [{ resource: 'Activity', field: '', code: 'not found' }] });
    assert.equal((await apiGet(running.url, `/activities/${secret.id}`, readAll.access_token)).status, 200);
  });

  it('read alone reaches the athlete but not activities', async () => {
    const athlete = await apiGet(running.url, '/athlete', profileOnly.access_token);
    assert.equal(athlete.status, 200);
    assert.equal((athlete.body as { id: number; resource_state: number }).id, profileOnly.athleteId);
    assert.equal((athlete.body as { resource_state: number }).resource_state, 3);
    for (const path of ['/athlete/activities', `/activities/${everything[0]!.id}`, `/activities/${everything[0]!.id}/streams?keys=time`]) {
      const refused = await apiGet(running.url, path, profileOnly.access_token);
      assert.equal(refused.status, 401, path);
      assert.deepEqual(refused.body, { message: 'Authorization Error', errors: [{ resource: 'AccessToken', field: 'activity:read_permission', code: 'missing' }] });
    }
  });

  it('refuses a missing or unknown token with Strava\'s 401 body', async () => {
    for (const token of [undefined, 'f'.repeat(40)]) {
      const { status, body } = await apiGet(running.url, '/athlete', token);
      assert.equal(status, 401);
      assert.deepEqual(body, { message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] });
    }
  });

  it('another athlete\'s activity is not found', async () => {
    const other = await linkAthlete(running, ['activity:read_all'], 1);
    const { status } = await apiGet(running.url, `/activities/${everything[0]!.id}`, other.access_token);
    assert.equal(status, 404);
    assert.equal((await apiGet(running.url, '/activities/not-a-number', other.access_token)).status, 404);
  });

  it('details a run with description, calories, laps, splits and best efforts; its polyline decodes near its start', async () => {
    const run = everything.find((activity) => activity.sport_type === 'Run' && activity.map.summary_polyline !== '' && activity.distance > 5000)!;
    const { status, body } = await apiGet(running.url, `/activities/${run.id}`, readAll.access_token);
    assert.equal(status, 200);
    const detail = body as Record<string, unknown> & { laps: unknown[]; splits_metric: unknown[]; best_efforts: Array<{ name: string }>; map: { polyline: string }; start_latlng: [number, number] };
    assert.equal(detail.resource_state, 3);
    assert.ok('description' in detail && typeof detail.calories === 'number' && detail.calories > 0);
    assert.equal(detail.laps.length, 1);
    assert.equal(detail.splits_metric.length, Math.ceil(run.distance / 1000));
    assert.ok(detail.best_efforts.some((effort) => effort.name === '5k'));
    const points = polylineCodec.decode(run.map.summary_polyline, 5);
    assert.ok(points.length > 10);
    assert.ok(Math.abs(points[0]![0] - detail.start_latlng[0]) < 1e-4 && Math.abs(points[0]![1] - detail.start_latlng[1]) < 1e-4);
    assert.ok(polylineCodec.decode(detail.map.polyline, 5).length > points.length);
  });

  it('serves streams keyed by type, with distance always included', async () => {
    const run = everything.find((activity) => activity.sport_type === 'Run' && activity.map.summary_polyline !== '')!;
    const { status, body } = await apiGet(running.url, `/activities/${run.id}/streams?keys=latlng,time,heartrate&key_by_type=true`, readAll.access_token);
    assert.equal(status, 200);
    const streams = body as Record<string, { data: unknown[]; series_type: string }>;
    assert.ok(streams.distance && streams.time && streams.latlng);
    assert.equal(streams.time.data.length, streams.latlng.data.length);
    assert.equal(streams.distance.data[streams.distance.data.length - 1], run.distance);
    const list = (await apiGet(running.url, `/activities/${run.id}/streams?keys=time`, readAll.access_token)).body as Array<{ type: string }>;
    assert.deepEqual(list.map((stream) => stream.type), ['time', 'distance']);
  });

  it('the same seed and clock give the same athletes and activities', async () => {
    const again = await startSandbox({ clock: new TestClock(NOW).read });
    try {
      assert.deepEqual(again.sandbox.admin.athletes(), running.sandbox.admin.athletes());
      assert.deepEqual(again.sandbox.admin.activities(readAll.athleteId), running.sandbox.admin.activities(readAll.athleteId));
    } finally {
      await again.close();
    }
  });
});
