import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS } from '@runnerly/test-support';
import { newRunner, PUBLIC_URL, startHarness, STRAVA_CLIENT_ID, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

for (const backend of TEST_BACKENDS) {
  describe(`${backend.name}: linking a runner to Strava`, () => {
    let harness: Harness;
    let athletes: number[];
    before(async () => {
      harness = await startHarness({ backend, seed: { athletes: 4, months: 1 } });
      athletes = harness.sandbox.admin.athletes().map((athlete) => athlete.id);
    });
    after(() => harness.close());

    it('answers the authorize URL with the client, redirect URI, scopes and a state', async () => {
      const response = await fetch(`${harness.url}/api/strava/users/me/link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${harness.userToken(newRunner())}`, 'content-type': 'application/json' },
        body: JSON.stringify({ return_to: `${PUBLIC_URL}/settings/strava` }),
      });
      assert.equal(response.status, 200);
      const url = new URL(((await response.json()) as { authorize_url: string }).authorize_url);
      assert.equal(`${url.origin}${url.pathname}`, `${harness.sandbox.url}/oauth/authorize`);
      assert.equal(url.searchParams.get('client_id'), STRAVA_CLIENT_ID);
      assert.equal(url.searchParams.get('redirect_uri'), `${PUBLIC_URL}/strava/callback`);
      assert.equal(url.searchParams.get('response_type'), 'code');
      assert.equal(url.searchParams.get('approval_prompt'), 'auto');
      assert.equal(url.searchParams.get('scope'), 'read,activity:read_all');
      assert.match(url.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
    });

    it('links the athlete, queues the import and sends the browser back with strava=linked', async () => {
      const runner = newRunner();
      const { location } = await harness.link(runner, athletes[0]!);
      assert.equal(location.toString(), `${PUBLIC_URL}/?strava=linked`);
      const status = await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
      assert.equal(status.linked, true);
      assert.equal(status.athlete_id, athletes[0]);
      const expected = harness.sandbox.admin.activities(athletes[0]!).filter((activity) => ['Run', 'TrailRun', 'VirtualRun'].includes(activity.sport_type));
      assert.equal(status.imported, expected.length);
      assert.equal(harness.data.runs(runner).size, expected.length);
    });

    it('refuses a return_to outside the allowed return URLs', async () => {
      const response = await fetch(`${harness.url}/api/strava/users/me/link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${harness.userToken(newRunner())}`, 'content-type': 'application/json' },
        body: JSON.stringify({ return_to: 'https://evil.example/steal' }),
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { field: string }).field, 'return_to');
    });

    it('stores nothing and says which scope is missing when the athlete unticks activity access', async () => {
      const runner = newRunner();
      const { location } = await harness.link(runner, athletes[1]!, { scopes: ['read'] });
      assert.equal(location.searchParams.get('strava'), 'error');
      assert.equal(location.searchParams.get('reason'), 'missing_scope');
      assert.equal(location.searchParams.get('missing'), 'activity:read_all');
      assert.deepEqual(await harness.status(runner), { linked: false, athlete_id: null, state: 'not_linked', imported: 0, total: null, paused_until: null, last_error: null, last_sync_at: null });
    });

    it('refuses a replayed state and a state it never issued', async () => {
      const runner = newRunner();
      const started = await fetch(`${harness.url}/api/strava/users/me/link`, { method: 'POST', headers: { authorization: `Bearer ${harness.userToken(runner)}` } });
      const state = new URL(((await started.json()) as { authorize_url: string }).authorize_url).searchParams.get('state')!;
      const first = harness.sandbox.admin.authorize({ clientId: STRAVA_CLIENT_ID, athleteId: athletes[2]!, scopes: ['read', 'activity:read_all'] });
      const ok = await fetch(`${harness.url}/strava/callback?${new URLSearchParams({ state, code: first.code, scope: first.scope })}`, { redirect: 'manual' });
      assert.equal(new URL(ok.headers.get('location')!).searchParams.get('strava'), 'linked');
      const second = harness.sandbox.admin.authorize({ clientId: STRAVA_CLIENT_ID, athleteId: athletes[2]!, scopes: ['read', 'activity:read_all'] });
      const replay = await fetch(`${harness.url}/strava/callback?${new URLSearchParams({ state, code: second.code, scope: second.scope })}`, { redirect: 'manual' });
      assert.equal(replay.status, 302);
      assert.equal(replay.headers.get('location'), `${PUBLIC_URL}/?strava=error&reason=invalid_state`);
      const foreign = await fetch(`${harness.url}/strava/callback?${new URLSearchParams({ state: 'x'.repeat(43), code: second.code, scope: second.scope })}`, { redirect: 'manual' });
      assert.equal(foreign.headers.get('location'), `${PUBLIC_URL}/?strava=error&reason=invalid_state`);
    });

    it('refuses a state past its ten minutes', async () => {
      const runner = newRunner();
      const started = await fetch(`${harness.url}/api/strava/users/me/link`, { method: 'POST', headers: { authorization: `Bearer ${harness.userToken(runner)}` } });
      const state = new URL(((await started.json()) as { authorize_url: string }).authorize_url).searchParams.get('state')!;
      harness.clock.advance(601_000);
      const response = await fetch(`${harness.url}/strava/callback?${new URLSearchParams({ state, code: 'c', scope: 'read,activity:read_all' })}`, { redirect: 'manual' });
      assert.equal(new URL(response.headers.get('location')!).searchParams.get('reason'), 'invalid_state');
      assert.equal((await harness.status(runner)).linked, false);
    });

    it('links one athlete to one runner only', async () => {
      const athlete = harness.sandbox.admin.athletes()[0]!.id;
      const { location } = await harness.link(newRunner(), athlete);
      assert.equal(location.searchParams.get('reason'), 'athlete_linked_to_another_runner');
    });

    it("answers 404 for another runner's status and 401/403 for the wrong tokens", async () => {
      const other = await fetch(`${harness.url}/api/strava/users/${newRunner()}`, { headers: { authorization: `Bearer ${harness.userToken(newRunner())}` } });
      assert.equal(other.status, 404);
      const noScope = await fetch(`${harness.url}/api/strava/users/me`, { headers: { authorization: `Bearer ${harness.userToken(newRunner(), ['profile'])}` } });
      assert.equal(noScope.status, 403);
      assert.match(noScope.headers.get('www-authenticate') ?? '', /insufficient_scope/);
      const none = await fetch(`${harness.url}/api/strava/users/me`);
      assert.equal(none.status, 401);
    });

    it('links a runner with a code obtained out of band, for an operator tool holding strava:link', async () => {
      const runner = newRunner();
      const { code, scope } = harness.sandbox.admin.authorize({ clientId: STRAVA_CLIENT_ID, athleteId: athletes[3]!, scopes: ['read', 'activity:read_all'], redirectUri: `${PUBLIC_URL}/strava/callback` });
      const call = (token: string, body: unknown) =>
        fetch(`${harness.url}/internal/users/${runner}/strava/link`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const userToken = harness.tokenDealer.userToken({ sub: runner, scopes: ['strava:link'], audience: 'runnerly-strava' });
      assert.equal((await call(userToken, { code, scope })).status, 401);
      const client = await harness.tokenDealer.createServiceClient({ scopes: ['strava:link'], audiences: ['runnerly-strava'] });
      const token = await client.token('strava:link', 'runnerly-strava');
      const narrow = await call(token, { code, scope: 'read' });
      assert.equal(narrow.status, 400);
      assert.equal(((await narrow.json()) as { field: string }).field, 'scope');
      const linked = await call(token, { code, scope });
      assert.equal(linked.status, 200);
      assert.equal(((await linked.json()) as { athlete_id: number }).athlete_id, athletes[3]);
      const replayed = await call(token, { code, scope });
      assert.equal(replayed.status, 400, 'a code is good once');
      await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
    });

    it('keeps user tokens out of the internal endpoint, whatever their audience and scopes', async () => {
      const runner = newRunner();
      const userForService = harness.tokenDealer.userToken({ sub: runner, scopes: ['strava:status', 'strava'], audience: 'runnerly-strava' });
      const refused = await fetch(`${harness.url}/internal/users/${runner}/strava`, { headers: { authorization: `Bearer ${userForService}` } });
      assert.equal(refused.status, 401);
      const publicToken = await fetch(`${harness.url}/internal/users/${runner}/strava`, { headers: { authorization: `Bearer ${harness.userToken(runner, ['strava', 'strava:status'])}` } });
      assert.equal(publicToken.status, 401);
      const client = await harness.tokenDealer.createServiceClient({ scopes: ['strava:status'], audiences: ['runnerly-strava'] });
      const allowed = await fetch(`${harness.url}/internal/users/${runner}/strava`, { headers: { authorization: `Bearer ${await client.token('strava:status', 'runnerly-strava')}` } });
      assert.equal(allowed.status, 200);
      assert.equal(((await allowed.json()) as { state: string }).state, 'not_linked');
    });
  });
}
