import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { resolveOptions } from '@runnerly/service-config';
import { startTestTokenDealer, TEST_BACKENDS, type ServiceClient, type TestDatabase, type TestTokenDealer } from '@runnerly/test-support';
import { PLANS_OPTIONS, startPlans, type RunningPlans } from '../src/index.js';
import { generatePlan, type GeneratedPlan } from '../src/schedule/generate-plan.js';
import { PlanStore } from '../src/storage/plan-store.js';
import { findTemplate } from '../src/templates/catalog.js';

const PUBLIC_API = 'http://127.0.0.1:8080/api';
const RUNNER = 'runner-with-plan';

for (const backend of TEST_BACKENDS) {
  describe(`${backend.name}: the internal plan window, for services holding plans:read:all`, () => {
    let tokenDealer: TestTokenDealer;
    let database: TestDatabase;
    let plans: RunningPlans;
    let reader: ServiceClient;
    let generated: GeneratedPlan;
    const get = (path: string, token?: string) => fetch(`${plans.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const november = `/internal/users/${RUNNER}/plan?from=2026-11-01&to=2026-11-30`;

    before(async () => {
      tokenDealer = await startTestTokenDealer();
      database = await backend.create();
      // A plan chosen on 2026-10-05 for a half marathon on 2027-01-17, stored as the service stores it.
      generated = generatePlan(findTemplate('half-beginner')!, '2027-01-17', '2026-10-05', 20_000);
      const store = await PlanStore.open(database.url);
      await store.save({ userId: RUNNER, templateId: 'half-beginner', race: { id: 'race-1', name: 'Lyon Half', date: '2027-01-17', distance: 21_097.5 }, baseWeekly: generated.baseWeekly, weeks: generated.weeks });
      await store.close();
      plans = await startPlans({ ...resolveOptions(PLANS_OPTIONS, {}), port: 0, db: database.url, issuer: tokenDealer.issuer, publicApiAudience: PUBLIC_API, logLevel: 'silent' }, pino({ level: 'silent' }));
      reader = await tokenDealer.createServiceClient({ scopes: ['plans:read:all'], audiences: ['runnerly-plans'] });
    });
    after(async () => {
      await plans?.close();
      await database?.drop();
      await tokenDealer?.stop();
    });

    it('answers the sessions inside the window, with the race and the template', async () => {
      const response = await get(november, await reader.token('plans:read:all', 'runnerly-plans'));
      assert.equal(response.status, 200);
      const body = (await response.json()) as { template: unknown; race: unknown; from: string; to: string; sessions: { date: string; kind: string; title: string; distance: number }[] };
      assert.deepEqual(body.template, { id: 'half-beginner', name: findTemplate('half-beginner')!.name });
      assert.deepEqual(body.race, { id: 'race-1', name: 'Lyon Half', date: '2027-01-17', distance: 21_097.5 });
      assert.deepEqual([body.from, body.to], ['2026-11-01', '2026-11-30']);
      const expected = generated.weeks.flatMap((week) => week.sessions).filter((session) => session.date.startsWith('2026-11'));
      assert.equal(body.sessions.length, 30, 'every day of November, rest days included');
      assert.deepEqual(body.sessions, expected.map(({ date, kind, title, distance }) => ({ date, kind, title, distance })));
      assert.ok(body.sessions.some((session) => session.kind !== 'rest' && session.distance > 0));
    });

    it('answers an empty window outside the plan\'s days, and 404 problem for a runner without a plan', async () => {
      const token = await reader.token('plans:read:all', 'runnerly-plans');
      const before = await get(`/internal/users/${RUNNER}/plan?from=2026-01-01&to=2026-01-31`, token);
      assert.equal(before.status, 200);
      assert.deepEqual(((await before.json()) as { sessions: unknown[] }).sessions, []);
      const none = await get('/internal/users/nobody/plan?from=2026-11-01&to=2026-11-30', token);
      assert.equal(none.status, 404);
      assert.match(none.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(((await none.json()) as { status: number }).status, 404);
    });

    it('refuses windows that are not calendar dates, reversed, or longer than 366 days', async () => {
      const token = await reader.token('plans:read:all', 'runnerly-plans');
      const field = async (query: string) => {
        const response = await get(`/internal/users/${RUNNER}/plan?${query}`, token);
        return [response.status, ((await response.json()) as { field?: string }).field];
      };
      assert.deepEqual(await field('from=2026-02-30&to=2026-03-31'), [400, 'from']);
      assert.deepEqual(await field('from=2026-03-01&to=2026-13-01'), [400, 'to']);
      assert.deepEqual(await field('from=2026-03-31&to=2026-03-01'), [400, 'to']);
      assert.deepEqual(await field('from=2026-01-01&to=2027-01-02'), [400, 'to']);
      assert.equal((await get(`/internal/users/${RUNNER}/plan?from=2026-01-01&to=2027-01-01`, token)).status, 200, '366 days pass');
      assert.equal((await get(`/internal/users/${RUNNER}/plan?from=2026-01-01`, token)).status, 400);
    });

    it('keeps user tokens out whatever their audience and scopes, refuses other audiences, and needs plans:read:all', async () => {
      const status = async (token?: string) => {
        const response = await get(november, token);
        return [response.status, /error="([a-z_]+)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1] ?? null];
      };
      assert.deepEqual(await status(), [401, null]);
      assert.deepEqual(await status(tokenDealer.userToken({ sub: RUNNER, scopes: ['plans:read:all', 'plans:read'], audience: 'runnerly-plans' })), [401, 'invalid_token']);
      assert.deepEqual(await status(tokenDealer.userToken({ sub: RUNNER, scopes: ['plans:read:all', 'plans:read'], audience: PUBLIC_API })), [401, 'invalid_token']);
      const elsewhere = await tokenDealer.createServiceClient({ scopes: ['plans:read:all'], audiences: ['runnerly-data'] });
      assert.deepEqual(await status(await elsewhere.token('plans:read:all', 'runnerly-data')), [401, 'invalid_token']);
      const narrow = await tokenDealer.createServiceClient({ scopes: ['plans:read', 'runs:read:all'], audiences: ['runnerly-plans'] });
      assert.deepEqual(await status(await narrow.token('plans:read runs:read:all', 'runnerly-plans')), [403, 'insufficient_scope']);
      assert.deepEqual(await status(await reader.token('plans:read:all', 'runnerly-plans')), [200, null]);
    });
  });
}

describe('the public plan routes answer refused tokens with RFC 6750 errors', () => {
  it('says 401 without a token and 403 insufficient_scope without plans:read, and documents the internal window', async () => {
    const tokenDealer = await startTestTokenDealer();
    const plans = await startPlans({ ...resolveOptions(PLANS_OPTIONS, {}), port: 0, db: 'sqlite::memory:', issuer: tokenDealer.issuer, publicApiAudience: PUBLIC_API, logLevel: 'silent' }, pino({ level: 'silent' }));
    try {
      const none = await fetch(`${plans.url}/api/plans/users/me/plan`);
      assert.equal(none.status, 401);
      const narrow = await fetch(`${plans.url}/api/plans/users/me/plan`, { headers: { authorization: `Bearer ${tokenDealer.userToken({ scopes: ['runs:read'], audience: PUBLIC_API })}` } });
      assert.equal(narrow.status, 403);
      assert.equal(((await narrow.json()) as { error: string }).error, 'insufficient_scope');
      const openapi = (await (await fetch(`${plans.url}/openapi.json`)).json()) as { paths: Record<string, { get?: { security?: unknown } }> };
      assert.deepEqual(openapi.paths['/internal/users/{sub}/plan']?.get?.security, [{ bearer: ['plans:read:all'] }], 'the internal window is documented');
    } finally {
      await plans.close();
      await tokenDealer.stop();
    }
  });
});
