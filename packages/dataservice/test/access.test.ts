// Who reaches what: user tokens for the public API only, their own data only (404 otherwise);
// service tokens for the internal API only; no response ever carries a token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS, type TestTokenDealer } from '@runnerly/test-support';
import { DATA_AUDIENCE, PUBLIC_AUDIENCE, sharedTokenDealer, startHarness, stravaRun, type Harness } from './support/harness.js';

const PUBLIC_ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/data/users/{sub}'],
  ['PATCH', '/api/data/users/{sub}', { units: 'mi' }],
  ['GET', '/api/data/users/{sub}/runs?limit=5'],
  ['GET', '/api/data/users/{sub}/runs?year=2026&month=3'],
  ['POST', '/api/data/users/{sub}/runs', { name: 'x', sport_type: 'Run', start_date: '2026-03-01T08:00:00Z', distance: 1000, moving_time: 300 }],
  ['GET', '/api/data/users/{sub}/runs/{run}'],
  ['PATCH', '/api/data/users/{sub}/runs/{run}', { name: 'y' }],
  ['DELETE', '/api/data/users/{sub}/runs/{run}'],
  ['GET', '/api/data/users/{sub}/totals?from=2026-01-01&to=2026-03-31&period=month'],
];

const INTERNAL_ROUTES: [string, string, string, unknown?][] = [
  ['PUT', '/internal/users/{sub}/runs', 'runs:import', { runs: [] }],
  ['DELETE', '/internal/users/{sub}/runs/strava/123', 'runs:import'],
  ['DELETE', '/internal/users/{sub}/runs?source=strava', 'runs:import'],
  ['GET', '/internal/users/{sub}/runs?year=2026&month=3', 'runs:read:all'],
  ['GET', '/internal/users/{sub}/totals?from=2026-01-01&to=2026-03-31&period=month', 'runs:read:all'],
  ['GET', '/internal/users/{sub}', 'runs:read:all'],
  ['GET', '/internal/runners?active_in=2026-03', 'runs:read:all'],
  ['PUT', '/internal/users/{sub}/email', 'users:email', { email: 'a@example.com' }],
];

for (const backend of TEST_BACKENDS) {
  describe(`access rules (${backend.name})`, () => {
    let tokenDealer: TestTokenDealer;
    let h: Harness;
    let aliceRun: string;
    const alice = 'alice-sub';
    const mallory = 'mallory-sub';

    before(async () => {
      tokenDealer = await sharedTokenDealer();
      h = await startHarness(backend, tokenDealer);
      const created = await h.call('POST', `/api/data/users/me/runs`, h.userToken(alice), { name: 'Alice run', sport_type: 'Run', start_date: '2026-03-02T07:00:00Z', distance: 5000, moving_time: 1500 });
      assert.equal(created.status, 201);
      aliceRun = created.body.id;
    });
    after(async () => {
      await h.stop();
      await tokenDealer.stop();
    });

    it("answers 404 for another runner's data on every public route, and changes nothing", async () => {
      for (const [method, template, body] of PUBLIC_ROUTES) {
        const path = template.replace('{sub}', alice).replace('{run}', aliceRun);
        const response = await h.call(method, path, h.userToken(mallory), body);
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal(response.body.status, 404);
      }
      const own = await h.call('GET', `/api/data/users/me/runs/${aliceRun}`, h.userToken(alice));
      assert.equal(own.status, 200);
      assert.equal(own.body.name, 'Alice run');
      // Mallory's own path does not reach Alice's run either.
      assert.equal((await h.call('GET', `/api/data/users/me/runs/${aliceRun}`, h.userToken(mallory))).status, 404);
    });

    it('refuses a user token on every internal route whatever its scopes (401)', async () => {
      for (const [method, template, scope, body] of INTERNAL_ROUTES) {
        const token = h.userToken(alice, ['runs:import', 'runs:read:all', 'users:email', scope], DATA_AUDIENCE);
        const response = await h.call(method, template.replace('{sub}', alice), token, body);
        assert.equal(response.status, 401, `${method} ${template}`);
        assert.equal(response.body.error, 'invalid_token');
      }
    });

    it('refuses a service token on every public route (401), even one for the public audience', async () => {
      const token = await h.serviceToken(['profile', 'runs:read', 'runs:write'], PUBLIC_AUDIENCE);
      for (const [method, template, body] of PUBLIC_ROUTES) {
        const response = await h.call(method, template.replace('{sub}', alice).replace('{run}', aliceRun), token, body);
        assert.equal(response.status, 401, `${method} ${template}`);
      }
    });

    it('refuses a service token for another audience on internal routes (401) and one without the scope (403)', async () => {
      const publicToken = await h.serviceToken(['runs:read:all'], PUBLIC_AUDIENCE);
      assert.equal((await h.call('GET', `/internal/users/${alice}`, publicToken)).status, 401);
      const importer = await h.serviceToken(['runs:import']);
      const response = await h.call('GET', `/internal/users/${alice}`, importer);
      assert.equal(response.status, 403);
      assert.equal(response.body.error, 'insufficient_scope');
    });

    it('asks for the scope of each public route (403 insufficient_scope)', async () => {
      const readOnly = h.userToken(alice, ['runs:read']);
      const write = await h.call('POST', '/api/data/users/me/runs', readOnly, { name: 'x', sport_type: 'Run', start_date: '2026-03-01T08:00:00Z', distance: 1, moving_time: 1 });
      assert.equal(write.status, 403);
      assert.equal(write.body.error, 'insufficient_scope');
      assert.equal((await h.call('GET', '/api/data/users/me', readOnly)).status, 403);
      assert.equal((await h.call('GET', '/api/data/races', readOnly)).status, 403);
      assert.equal((await h.call('GET', '/api/data/users/me/runs', undefined)).status, 401);
    });

    it('never answers with a token', async () => {
      const token = h.userToken(alice);
      const service = await h.serviceToken(['runs:import', 'runs:read:all']);
      await h.call('PUT', `/internal/users/${alice}/runs`, service, { runs: [stravaRun('42', '2026-03-03T07:00:00Z')] });
      const answers = [
        await h.call('GET', '/api/data/users/me', token),
        await h.call('GET', '/api/data/users/me/runs', token),
        await h.call('GET', `/internal/users/${alice}/runs?year=2026&month=3`, service),
        await h.call('GET', `/internal/users/${alice}`, service),
        await h.call('GET', '/api/data/users/someone-else', token),
      ];
      for (const answer of answers) {
        assert.ok(!answer.text.includes(token) && !answer.text.includes(service));
        assert.doesNotMatch(answer.text, /eyJ[A-Za-z0-9_-]{10,}\./);
        assert.doesNotMatch(answer.text, /access_token|refresh_token|client_secret/);
      }
    });
  });
}
