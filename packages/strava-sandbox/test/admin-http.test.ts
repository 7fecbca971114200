import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, linkAthlete, startSandbox, type RunningSandbox } from './helpers/sandbox.js';

async function call(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}/_sandbox${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('admin API over HTTP', () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ rateLimits: false });
  });
  after(() => running.close());

  it('lists athletes with their credentials', async () => {
    const { status, body } = await call(running.url, 'GET', '/athletes');
    assert.equal(status, 200);
    const athletes = body as unknown as Array<Record<string, unknown>>;
    assert.equal(athletes.length, 3);
    assert.deepEqual(Object.keys(athletes[0]!).sort(), ['firstname', 'id', 'lastname', 'password', 'username']);
  });

  it('creates, updates and deletes an activity that the API then shows, changes and forgets', async () => {
    const tokens = await linkAthlete(running, ['activity:read_all']);
    const created = await call(running.url, 'POST', `/athletes/${tokens.athleteId}/activities`, {
      name: 'Track session',
      sport_type: 'Run',
      start_date: '2026-05-01T06:30:00Z',
      distance: 8000,
      moving_time: 2400,
      average_heartrate: null,
    });
    assert.equal(created.status, 201);
    const id = created.body!.id as number;
    const shown = await apiGet(running.url, `/activities/${id}`, tokens.access_token);
    assert.equal(shown.status, 200);
    const detail = shown.body as Record<string, unknown>;
    assert.equal(detail.name, 'Track session');
    assert.equal(detail.start_date, '2026-05-01T06:30:00Z');
    assert.equal(detail.start_date_local, '2026-05-01T08:30:00Z');
    assert.equal(detail.timezone, '(GMT+02:00) Europe/Paris');
    assert.equal(detail.average_speed, 3.333);
    assert.equal(detail.has_heartrate, false);
    assert.equal('average_heartrate' in detail, false);

    const updated = await call(running.url, 'PATCH', `/activities/${id}`, { name: 'Track 8x1k', private: true });
    assert.equal(updated.status, 200);
    assert.equal(((await apiGet(running.url, `/activities/${id}`, tokens.access_token)).body as { name: string }).name, 'Track 8x1k');

    assert.equal((await call(running.url, 'DELETE', `/activities/${id}`)).status, 204);
    assert.equal((await apiGet(running.url, `/activities/${id}`, tokens.access_token)).status, 404);
    assert.equal((await call(running.url, 'DELETE', `/activities/${id}`)).status, 404);
  });

  it('answers problem details naming the field for bad input and unknown athletes', async () => {
    const athleteId = running.sandbox.admin.athletes()[0]!.id;
    const badSport = await call(running.url, 'POST', `/athletes/${athleteId}/activities`, { sport_type: 'Jetpack' });
    assert.equal(badSport.status, 400);
    assert.match(badSport.type, /^application\/problem\+json/);
    assert.equal(badSport.body!.field, 'sport_type');
    const badDate = await call(running.url, 'POST', `/athletes/${athleteId}/activities`, { start_date: 'yesterday' });
    assert.equal(badDate.status, 400);
    assert.equal(badDate.body!.field, 'start_date');
    const unknown = await call(running.url, 'POST', '/athletes/1/activities', {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body!.field, 'athlete_id');
    const badScope = await call(running.url, 'POST', '/authorize', { client_id: '1000', athlete_id: athleteId, scope: 'everything' });
    assert.equal(badScope.status, 400);
    assert.equal(badScope.body!.field, 'scope');
    const offDomain = await call(running.url, 'POST', '/authorize', { client_id: '1000', athlete_id: athleteId, redirect_uri: 'https://elsewhere.test/cb' });
    assert.equal(offDomain.body!.field, 'redirect_uri');
  });

  it('authorize returns a code for the token endpoint and the granted scope, read included', async () => {
    const athleteId = running.sandbox.admin.athletes()[1]!.id;
    const { status, body } = await call(running.url, 'POST', '/authorize', { client_id: '1000', athlete_id: athleteId, scope: 'activity:read', redirect_uri: 'http://127.0.0.1:8080/strava/callback' });
    assert.equal(status, 200);
    assert.equal(body!.scope, 'read,activity:read');
    const token = await fetch(`${running.url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: '1000', client_secret: 'sandbox-secret', code: body!.code as string, grant_type: 'authorization_code' }) });
    assert.equal(token.status, 200);
  });

  it('expire-tokens makes the athlete\'s access tokens fail at once', async () => {
    const tokens = await linkAthlete(running, ['read'], 2);
    const expired = await call(running.url, 'POST', `/athletes/${tokens.athleteId}/expire-tokens`);
    assert.deepEqual(expired.body, { expired: 1 });
    assert.equal((await apiGet(running.url, '/athlete', tokens.access_token)).status, 401);
  });
});
