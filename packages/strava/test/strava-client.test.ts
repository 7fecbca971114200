// The Strava client against Strava's documented example responses, served by a tiny local server
// (not the sandbox): what Strava's documentation says it answers is what the client reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RateBudget } from '../src/rate-limits/rate-budget.js';
import { StravaGrantError, StravaNotFoundError, StravaRateLimitedError, StravaUnauthorizedError, StravaUnavailableError } from '../src/strava-client/errors.js';
import { StravaClient } from '../src/strava-client/strava-client.js';
import { isRun, toImportedRun } from '../src/import/activity-to-run.js';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/strava-docs/${name}.json`, import.meta.url), 'utf8');

/** The documentation's placeholder activity id: beyond 2^53. */
const TOO_LARGE_ID = '12345678987654320';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

describe("the Strava client reads Strava's documented responses", () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let clock = Date.parse('2018-05-02T12:20:00Z');
  const budget = new RateBudget(() => clock, 10);
  let client: StravaClient;

  const body = async (request: IncomingMessage): Promise<string> => {
    let text = '';
    for await (const chunk of request) text += chunk;
    return text;
  };

  before(async () => {
    server = createServer(async (request, response) => {
      const text = await body(request);
      seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, body: text });
      const send = (status: number, json: string, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        response.end(json);
      };
      // Strava's documented example header values.
      const limits = { 'x-ratelimit-limit': '600,30000', 'x-ratelimit-usage': '314,27536', 'x-readratelimit-limit': '300,15000', 'x-readratelimit-usage': '114,13536' };
      const url = new URL(request.url!, 'http://x');
      if (url.pathname === '/oauth/token') {
        const form = new URLSearchParams(text);
        if (form.get('grant_type') === 'authorization_code') return form.get('code') === 'good' ? send(200, fixture('token-exchange')) : send(400, fixture('fault-bad-code'));
        return send(200, fixture('token-refresh'));
      }
      if (url.pathname === '/oauth/deauthorize') return send(200, '{"access_token":"a4b945687g..."}');
      if (request.headers.authorization === 'Bearer expired') return send(401, fixture('fault-unauthorized'), limits);
      if (url.pathname === '/api/v3/athlete') return send(200, fixture('athlete'), limits);
      if (url.pathname === '/api/v3/athlete/activities') return send(200, fixture('activities'), limits);
      if (url.pathname === '/api/v3/activities/1234567898') return send(200, fixture('activity'), limits);
      if (url.pathname === `/api/v3/activities/${TOO_LARGE_ID}`) return send(200, fixture('activity').replace('"id": 1234567898', `"id": ${TOO_LARGE_ID}`), limits);
      if (url.pathname === '/api/v3/activities/429') return send(429, fixture('fault-rate-limit'), { ...limits, 'x-readratelimit-usage': '301,13700' });
      if (url.pathname === '/api/v3/activities/500') return send(500, '<html>oops</html>', limits);
      if (url.pathname === '/api/v3/activities/slow') return setTimeout(() => send(200, fixture('activity')), 1000);
      return send(404, fixture('fault-not-found'), limits);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new StravaClient({ oauthUrl: `${base}/oauth`, apiUrl: `${base}/api/v3`, clientId: '5', clientSecret: 'app-secret', budget, timeoutMs: 300 });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('exchanges a code with the client credentials in the form and reads the tokens and the athlete', async () => {
    const tokens = await client.exchangeCode('good');
    assert.deepEqual(
      { access: tokens.access_token, refresh: tokens.refresh_token, expiresAt: tokens.expires_at, athlete: tokens.athlete?.id },
      { access: 'a4b945687g...', refresh: 'e5n567567...', expiresAt: 1568775134, athlete: 134815 },
    );
    const form = new URLSearchParams(seen.at(-1)!.body);
    assert.deepEqual(Object.fromEntries(form), { client_id: '5', client_secret: 'app-secret', grant_type: 'authorization_code', code: 'good' });
  });

  it('reads a refresh answer and refuses a bad code as a grant error', async () => {
    const refreshed = await client.refresh('e5n567567...');
    assert.equal(refreshed.refresh_token, 'b5c569...');
    assert.equal(new URLSearchParams(seen.at(-1)!.body).get('grant_type'), 'refresh_token');
    await assert.rejects(client.exchangeCode('bad'), (error: unknown) => error instanceof StravaGrantError && error.status === 400 && /AuthorizationCode code invalid/.test(error.message));
  });

  it('sends the token only in the Authorization header and reads the athlete', async () => {
    const athlete = await client.athlete('a4b945687g...');
    assert.equal(athlete.id, 134815);
    const request = seen.at(-1)!;
    assert.equal(request.authorization, 'Bearer a4b945687g...');
    assert.doesNotMatch(request.url, /a4b945687g/);
  });

  it('lists activities with before, page and per_page, and keeps the rate-limit headers of both windows', async () => {
    const activities = await client.listActivities('t', { before: 1525262400, perPage: 500 });
    assert.deepEqual(activities.map((activity) => activity.id), [154504250376823, 1234567809]);
    assert.equal(seen.at(-1)!.url, '/api/v3/athlete/activities?before=1525262400&page=1&per_page=200');
    assert.deepEqual(budget.snapshot(), { overall: { limit: [600, 30000], usage: [314, 27536] }, read: { limit: [300, 15000], usage: [114, 13536] } });
    // Rides are not runs; a run in the same shape maps field by field.
    assert.equal(activities.filter(isRun).length, 0);
    const run = toImportedRun({ ...activities[0]!, sport_type: 'Run' });
    assert.deepEqual(run, {
      source: 'strava',
      strava_id: '154504250376823',
      name: 'Happy Friday',
      description: null,
      sport_type: 'Run',
      start_date: '2018-05-02T12:15:09Z',
      start_date_local: '2018-05-02T05:15:09',
      timezone: 'America/Los_Angeles',
      distance: 24931.4,
      moving_time: 4500,
      elapsed_time: 4500,
      total_elevation_gain: 0,
      average_speed: 5.54,
      max_speed: 11,
      average_heartrate: null,
      max_heartrate: null,
      summary_polyline: null,
    });
  });

  it('reads the detailed activity with its description and summary polyline', async () => {
    const activity = await client.activity('t', 1234567898);
    assert.equal(activity.description, '');
    assert.equal(activity.calories, 870.2);
    const run = toImportedRun({ ...activity, sport_type: 'TrailRun' });
    assert.equal(run.description, null);
    assert.equal(run.summary_polyline, activity.map?.summary_polyline);
    assert.equal(run.timezone, 'America/Los_Angeles');
  });

  it('refuses an id JSON cannot hold exactly instead of rounding it onto another activity', async () => {
    await assert.rejects(client.activity('t', Number(TOO_LARGE_ID)), StravaUnavailableError);
  });

  it("turns Strava's errors into kinds the caller acts on", async () => {
    await assert.rejects(client.athlete('expired'), (error: unknown) => error instanceof StravaUnauthorizedError && /Authorization Error \(Athlete access_token invalid\)/.test(error.message));
    await assert.rejects(client.activity('t', 1), StravaNotFoundError);
    await assert.rejects(client.activity('t', 500), (error: unknown) => error instanceof StravaUnavailableError && error.status === 500);
    await assert.rejects(client.activity('t', 'slow' as unknown as number), (error: unknown) => error instanceof StravaUnavailableError && /no answer within 300 ms/.test(error.message));
    await assert.rejects(client.activity('t', 429), (error: unknown) => error instanceof StravaRateLimitedError && error.resetAt === Date.parse('2018-05-02T12:30:00Z'));
  });

  it('stops background calls at the margin before the limit, until the window resets', async () => {
    clock = Date.parse('2018-05-02T12:31:00Z');
    await client.athlete('t'); // usage 114 of 300 reads in the new window
    const spend = new RateBudget(() => clock, 10);
    spend.observe({ read: { limit: [300, 15000], usage: [289, 1000] } });
    assert.ok(!('blockedUntil' in spend.reserve(true, true)) || assert.fail('289 + 10 < 300 leaves one'));
    assert.deepEqual(spend.reserve(true, true), { blockedUntil: Date.parse('2018-05-02T12:45:00Z') });
    assert.ok('release' in spend.reserve(true, false), 'a webhook fetch may use the margin');
    spend.observe({ read: { limit: [300, 15000], usage: [10, 14995] } });
    assert.deepEqual(spend.reserve(true, true), { blockedUntil: Date.parse('2018-05-03T00:00:00Z') });
  });

  it('deauthorizes with the token in the Authorization header', async () => {
    await client.deauthorize('a4b945687g...');
    const request = seen.at(-1)!;
    assert.equal(request.url, '/oauth/deauthorize');
    assert.equal(request.authorization, 'Bearer a4b945687g...');
    assert.equal(request.body, '');
  });
});
