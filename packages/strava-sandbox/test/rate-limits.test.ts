import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, CLIENT_ID, CLIENT_SECRET, linkAthlete, startSandbox, TestClock, type RunningSandbox } from './helpers/sandbox.js';

const limits = (headers: Headers) => ({
  limit: headers.get('x-ratelimit-limit'),
  usage: headers.get('x-ratelimit-usage'),
  readLimit: headers.get('x-readratelimit-limit'),
  readUsage: headers.get('x-readratelimit-usage'),
});

/** A non-read call of the application: deleting a subscription that does not exist (404, still counted). */
const nonRead = (url: string) =>
  fetch(`${url}/api/v3/push_subscriptions/1?${new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET })}`, { method: 'DELETE' });

describe('rate limits per application', () => {
  // 12:07 UTC: the 15-minute window ends at 12:15.
  const clock = new TestClock(Date.UTC(2026, 5, 15, 12, 7, 0));
  let running: RunningSandbox;
  let token: string;

  before(async () => {
    running = await startSandbox({ clock: clock.read, rateLimits: { overall: [5, 8], read: [3, 100] } });
    token = (await linkAthlete(running, ['activity:read'])).access_token;
  });
  beforeEach(() => running.sandbox.admin.setRateLimits({ overall: [5, 8], read: [3, 100] }));
  after(() => running.close());

  it('every response carries the limits and the usage, and over the read limit answers 429 which still counts', async () => {
    running.sandbox.admin.resetUsage();
    for (let call = 1; call <= 3; call++) {
      const { status, headers } = await apiGet(running.url, '/athlete', token);
      assert.equal(status, 200);
      assert.deepEqual(limits(headers), { limit: '5,8', usage: `${call},${call}`, readLimit: '3,100', readUsage: `${call},${call}` });
    }
    const refused = await apiGet(running.url, '/athlete', token);
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { message: 'Rate Limit Exceeded', errors: [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }] });
    assert.deepEqual(limits(refused.headers), { limit: '5,8', usage: '4,4', readLimit: '3,100', readUsage: '4,4' });

    // Non-read calls are not held by the read limit, only by the overall one.
    const write = await nonRead(running.url);
    assert.equal(write.status, 404);
    assert.deepEqual(limits(write.headers), { limit: '5,8', usage: '5,5', readLimit: '3,100', readUsage: '4,4' });
    const over = await nonRead(running.url);
    assert.equal(over.status, 429);
    assert.equal(over.headers.get('x-ratelimit-usage'), '6,6');
  });

  it('the 15-minute window resets at the quarter hour, the daily one at midnight UTC', async () => {
    running.sandbox.admin.resetUsage();
    clock.now = Date.UTC(2026, 5, 15, 23, 44, 59);
    token = (await linkAthlete(running, ['activity:read'])).access_token;
    running.sandbox.admin.resetUsage();
    for (let call = 0; call < 5; call++) await apiGet(running.url, '/athlete', token);
    assert.equal((await apiGet(running.url, '/athlete', token)).status, 429);

    clock.now = Date.UTC(2026, 5, 15, 23, 45, 0);
    const fresh = await apiGet(running.url, '/athlete', token);
    assert.equal(fresh.status, 200);
    assert.deepEqual(limits(fresh.headers), { limit: '5,8', usage: '1,7', readLimit: '3,100', readUsage: '1,7' });
    assert.equal((await apiGet(running.url, '/athlete', token)).status, 200);
    const dailyOver = await apiGet(running.url, '/athlete', token);
    assert.equal(dailyOver.status, 429, 'the daily overall limit of 8 is passed, the 15-minute ones are not');
    assert.deepEqual(limits(dailyOver.headers), { limit: '5,8', usage: '3,9', readLimit: '3,100', readUsage: '3,9' });

    clock.now = Date.UTC(2026, 5, 15, 23, 59, 59);
    assert.equal((await apiGet(running.url, '/athlete', token)).status, 429);
    clock.now = Date.UTC(2026, 5, 16, 0, 0, 0);
    const nextDay = await apiGet(running.url, '/athlete', token);
    assert.equal(nextDay.status, 200);
    assert.equal(nextDay.headers.get('x-ratelimit-usage'), '1,1');
  });

  it('counts per application: another application has its own budget', async () => {
    const second = await startSandbox({
      clock: clock.read,
      clients: [
        { clientId: '1000', clientSecret: 'a' },
        { clientId: '2000', clientSecret: 'b' },
      ],
      rateLimits: { overall: [2, 10], read: [2, 10] },
    });
    try {
      const athleteId = second.sandbox.admin.athletes()[0]!.id;
      const tokenFor = async (clientId: string, secret: string) => {
        const { code } = second.sandbox.admin.authorize({ clientId, athleteId, scopes: ['read'] });
        const response = await fetch(`${second.url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: clientId, client_secret: secret, code, grant_type: 'authorization_code' }) });
        return ((await response.json()) as { access_token: string }).access_token;
      };
      const first = await tokenFor('1000', 'a');
      const other = await tokenFor('2000', 'b');
      for (let call = 0; call < 2; call++) assert.equal((await apiGet(second.url, '/athlete', first)).status, 200);
      assert.equal((await apiGet(second.url, '/athlete', first)).status, 429);
      const fresh = await apiGet(second.url, '/athlete', other);
      assert.equal(fresh.status, 200);
      assert.equal(fresh.headers.get('x-ratelimit-usage'), '1,1');
    } finally {
      await second.close();
    }
  });

  it('limits off: never 429, and the headers still come with huge limits', async () => {
    running.sandbox.admin.setRateLimits(false);
    token = (await linkAthlete(running, ['activity:read'])).access_token;
    for (let call = 0; call < 10; call++) assert.equal((await apiGet(running.url, '/athlete', token)).status, 200);
    const { headers } = await apiGet(running.url, '/athlete', token);
    assert.equal(headers.get('x-ratelimit-limit'), '1000000000,1000000000');
    assert.match(headers.get('x-ratelimit-usage') ?? '', /^\d+,\d+$/);
  });

  it('the admin API sets limits and resets usage over HTTP', async () => {
    token = (await linkAthlete(running, ['activity:read'])).access_token;
    const put = await fetch(`${running.url}/_sandbox/rate-limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ overall: [1, 1], read: [1, 1] }) });
    assert.equal(put.status, 200);
    await fetch(`${running.url}/_sandbox/rate-limits/reset`, { method: 'POST' });
    assert.equal((await apiGet(running.url, '/athlete', token)).status, 200);
    assert.equal((await apiGet(running.url, '/athlete', token)).status, 429);
    await fetch(`${running.url}/_sandbox/rate-limits/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: CLIENT_ID }) });
    assert.equal((await apiGet(running.url, '/athlete', token)).status, 200);
    const bad = await fetch(`${running.url}/_sandbox/rate-limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ overall: [-1, 1], read: [1, 1] }) });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('an endpoint the sandbox does not model answers 404 and is still counted', async () => {
    running.sandbox.admin.setRateLimits(false);
    token = (await linkAthlete(running, ['activity:read'])).access_token;
    running.sandbox.admin.resetUsage();
    const { status, headers, body } = await apiGet(running.url, '/segments/229781', token);
    assert.equal(status, 404);
    assert.deepEqual(body, { message: 'Resource Not Found', errors: [] });
    assert.equal(headers.get('x-ratelimit-usage'), '1,1');
  });

  it('a token the sandbox never issued names no application: 401 without rate-limit headers', async () => {
    const { status, headers } = await apiGet(running.url, '/athlete', '0'.repeat(40));
    assert.equal(status, 401);
    assert.equal(headers.get('x-ratelimit-usage'), null);
  });
});
