import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type TestBrowser } from '@runnerly/test-support';
import { TokenSealer } from '../src/sessions/token-sealer.js';
import { request } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../src/index.js';
import { publicApiPath } from '../src/api/api-proxy.js';
import { ReportStore } from '@runnerly/reports';
import { PASSWORD, startDashboardFixture, type DashboardFixture } from './helpers.js';

async function signIn(page: Page, fixture: DashboardFixture, email: string, path = '/plan'): Promise<void> {
  await page.goto(`${fixture.url}${path}`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // A first-party client skips consent; until TokenDealer marks it so, the page asks once.
  const allow = page.getByRole('button', { name: 'Allow' });
  await Promise.race([allow.waitFor().then(() => allow.click()), page.waitForURL(`${fixture.url}${path}`)]);
  await page.waitForURL(`${fixture.url}${path}`);
}

const inPage = (page: Page, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  page.evaluate(
    async ([target, options]) => {
      const response = await fetch(target, options);
      return { status: response.status, body: (await response.text()) as string };
    },
    [path, init] as const,
  );

describe('the dashboard signs runners in through TokenDealer and calls the API for them', { skip: chromiumMissing }, () => {
  let fixture: DashboardFixture;
  let browser: TestBrowser;
  let page: Page;
  let userId: string;

  before(async () => {
    fixture = await startDashboardFixture();
    userId = await fixture.tokenDealer.createUser('runner@example.com', PASSWORD);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await signIn(page, fixture, 'runner@example.com');
  });
  after(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  it('keeps only an HttpOnly SameSite=Lax session cookie in the browser, and the tokens sealed server-side', async () => {
    const cookies = await browser.context.cookies(fixture.url);
    const session = cookies.find((cookie) => cookie.name === 'runnerly_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.equal(session.secure, false, 'plain-http loopback: Secure would make browsers drop it');
    // (Cookies ignore ports: TokenDealer's own, on the same loopback host, are listed too.)
    assert.equal(cookies.filter((cookie) => cookie.name.startsWith('runnerly_') && cookie.name !== 'runnerly_session').length, 0, 'the sign-in cookie is cleared');
    const state = JSON.parse((await inPage(page, '/bff/session')).body) as { signed_in: boolean; user: { sub: string }; csrf_token: string };
    assert.equal(state.signed_in, true);
    assert.equal(state.user.sub, userId);
    const database = new SQLite(`${fixture.dir}/dashboard.sqlite`, { readonly: true });
    const row = database.prepare('select id_hash, access_token, refresh_token from sessions').get() as { id_hash: string; access_token: string; refresh_token: string };
    database.close();
    assert.equal(row.id_hash, createHash('sha256').update(session.value).digest('base64url'), 'only the hash of the cookie is stored');
    const sealer = new TokenSealer(fixture.config.sessionKey!);
    assert.equal(sealer.open(row.id_hash, row.access_token).split('.').length, 3, 'the access token is sealed and bound to its session');
    assert.ok(!row.access_token.startsWith('eyJ'));
  });

  it('proxies API calls with the runner\'s token: the plans service answers for the signed-in runner', async () => {
    const templates = await inPage(page, '/bff/api/plans/templates');
    assert.equal(templates.status, 200);
    assert.equal((JSON.parse(templates.body) as { templates: unknown[] }).templates.length, 8);
    const noPlan = await inPage(page, '/bff/api/plans/users/me/plan');
    assert.equal(noPlan.status, 404);
    const unknownApi = await inPage(page, '/bff/api/nothing/here');
    assert.equal(unknownApi.status, 404);
  });

  it('never lets a path with dot segments or encoded separators reach another upstream path', async () => {
    const cookie = (await browser.context.cookies(fixture.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    const rawGet = (path: string) =>
      new Promise<number>((resolve, reject) => {
        // node:http sends the path as given (fetch would resolve the dot segments first).
        const req = request(`${fixture.url}${path}`, { headers: { cookie } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/bff/api/plans/../../metrics', '/bff/api/plans/%2e%2e/%2E%2E/metrics', '/bff/api/plans/..%2f..%2fmetrics', '/bff/api/plans/x/..\\..\\metrics', '/bff/api/constructor/x']) {
      assert.equal(await rawGet(path), 404, path);
    }
    assert.equal(publicApiPath('/api/plans/templates?x=1'), '/api/plans/templates?x=1');
    assert.equal(publicApiPath('/api/plans/./templates'), undefined);
  });

  it('refuses state-changing calls without the session\'s CSRF token, or from another origin', async () => {
    const { csrf_token: csrf } = JSON.parse((await inPage(page, '/bff/session')).body) as { csrf_token: string };
    const body = JSON.stringify({ template_id: 'no-such-template', race_id: 'r1' });
    const json = { 'content-type': 'application/json' };
    assert.equal((await inPage(page, '/bff/api/plans/users/me/plan', { method: 'PUT', headers: json, body })).status, 403);
    assert.equal((await inPage(page, '/bff/api/plans/users/me/plan', { method: 'PUT', headers: { ...json, 'x-csrf-token': 'x'.repeat(csrf.length) }, body })).status, 403);
    const cookie = (await browser.context.cookies(fixture.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    const foreign = await fetch(`${fixture.url}/bff/api/plans/users/me/plan`, { method: 'PUT', headers: { ...json, cookie, origin: 'https://evil.example', 'x-csrf-token': csrf }, body });
    assert.equal(foreign.status, 403);
    // With the token, the call goes through to the plans service, which judges the body.
    const passed = await inPage(page, '/bff/api/plans/users/me/plan', { method: 'PUT', headers: { ...json, 'x-csrf-token': csrf }, body });
    assert.equal(passed.status, 400);
    assert.equal((JSON.parse(passed.body) as { field: string }).field, 'template_id');
  });

  it('serves the front end under a strict Content-Security-Policy, with hashed assets cached for a year', async () => {
    const response = await fetch(`${fixture.url}/runs`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const html = await response.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset);
    assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
    const script = await fetch(`${fixture.url}${asset}`);
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('refuses a callback that did not start in this browser (login CSRF)', async () => {
    const start = await fetch(`${fixture.url}/auth/login`, { redirect: 'manual' });
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const callback = await fetch(`${fixture.url}/auth/callback?code=stolen&state=${state}`, { redirect: 'manual' });
    assert.equal(callback.status, 400);
    assert.match(await callback.text(), /started in another browser/);
  });

  it('shows each monthly report with its comparison with the training plan, under the CSP and at phone width', async () => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const store = await ReportStore.open(fixture.reportsDb);
    const month = { distance: 120_500, run_count: 11, moving_time: 40_000, average_speed: 3.01, longest_run: 21_100, elevation_gain: 640, previous_month: null, distance_change_percent: null };
    const plan = { template: { id: 'half-beginner', name: 'Half marathon for beginners' }, race: { name: 'Lyon Half', date: '2027-01-17' }, planned_sessions: 14, sessions_done: 9, planned_distance: 131_000, distance_run: 120_500, completion_percent: 64 };
    await store.saveReport(userId, '2026-11', { month: '2026-11', ...month, plan }, Date.now());
    await store.saveReport(userId, '2026-10', { month: '2026-10', ...month, plan: null }, Date.now());
    await store.close();

    await page.goto(`${fixture.url}/reports`);
    const november = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'November 2026' }) });
    const comparison = november.getByRole('region', { name: 'Training plan' });
    await comparison.waitFor();
    assert.match(await comparison.innerText(), /Half marathon for beginners, for Lyon Half on .*2027/);
    assert.equal(await comparison.getByRole('definition').first().innerText(), '9 of 14');
    assert.match(await comparison.innerText(), /Distance run\n121 km\nDistance planned\n131 km\n[\s\S]*64% of the planned sessions done/);
    const progress = comparison.getByRole('progressbar', { name: 'Planned sessions done' });
    assert.deepEqual([await progress.getAttribute('value'), await progress.getAttribute('max')], ['9', '14']);
    const october = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'October 2026' }) });
    assert.equal(await october.getByRole('region', { name: 'Training plan' }).count(), 0, 'no plan that month: no comparison');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await comparison.waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'nothing wider than the phone');
    assert.deepEqual(violations, []);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('sign-out ends the session and revokes its refresh token at TokenDealer', async () => {
    const database = new SQLite(`${fixture.dir}/dashboard.sqlite`, { readonly: true });
    const row = database.prepare('select id_hash, refresh_token from sessions').get() as { id_hash: string; refresh_token: string };
    database.close();
    const refreshToken = new TokenSealer(fixture.config.sessionKey!).open(row.id_hash, row.refresh_token);
    const { csrf_token: csrf } = JSON.parse((await inPage(page, '/bff/session')).body) as { csrf_token: string };
    assert.equal((await inPage(page, '/auth/logout', { method: 'POST' })).status, 403, 'sign-out needs the CSRF token too');
    const out = await inPage(page, '/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrf } });
    assert.equal(out.status, 200);
    assert.deepEqual(JSON.parse((await inPage(page, '/bff/session')).body), { signed_in: false });
    // The browser follows the redirect to TokenDealer's end-session endpoint: the ID token names
    // the current TokenDealer session, which ends at once, and the browser comes back home.
    const { redirect } = JSON.parse(out.body) as { redirect: string };
    assert.equal(new URL(redirect).origin + new URL(redirect).pathname, `${fixture.tokenDealer.issuer}/oauth/logout`);
    await page.goto(redirect);
    await page.waitForURL(`${fixture.url}/`);
    await page.goto(`${fixture.tokenDealer.issuer}/account`);
    assert.equal(new URL(page.url()).pathname, '/signin', 'the TokenDealer session has ended');
    const basic = `Basic ${Buffer.from(`${fixture.client.clientId}:${fixture.client.clientSecret}`).toString('base64')}`;
    const refresh = await fetch(`${fixture.tokenDealer.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });
    assert.equal(refresh.status, 400);
    assert.equal(((await refresh.json()) as { error: string }).error, 'invalid_grant');
  });
});
