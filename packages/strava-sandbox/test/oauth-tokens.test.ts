import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, CLIENT_ID, CLIENT_SECRET, exchangeCode, linkAthlete, postForm, startSandbox, TestClock, type RunningSandbox } from './helpers/sandbox.js';

const HOUR = 3_600_000;

describe('OAuth token endpoint and deauthorization', () => {
  const clock = new TestClock(Date.UTC(2026, 5, 1, 8, 0, 0));
  let running: RunningSandbox;
  let athleteId: number;

  before(async () => {
    running = await startSandbox({ clock: clock.read, rateLimits: false });
    athleteId = running.sandbox.admin.athletes()[0]!.id;
  });
  after(() => running.close());

  const code = (scopes = ['activity:read']) => running.sandbox.admin.authorize({ clientId: CLIENT_ID, athleteId, scopes }).code;

  it('exchanges a code for six-hour tokens and the summary athlete, once only', async () => {
    const authorizationCode = code();
    const tokens = await exchangeCode(running.url, authorizationCode);
    assert.equal(tokens.token_type, 'Bearer');
    assert.match(tokens.access_token, /^[0-9a-f]{40}$/);
    assert.match(tokens.refresh_token, /^[0-9a-f]{40}$/);
    assert.equal(tokens.expires_in, 21_600);
    assert.equal(tokens.expires_at, clock.now / 1000 + 21_600);
    assert.equal(tokens.athlete?.id, athleteId);
    assert.equal(tokens.athlete?.resource_state, 2);

    const again = await postForm(`${running.url}/oauth/token`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: authorizationCode, grant_type: 'authorization_code' });
    assert.equal(again.status, 400);
    assert.deepEqual(again.body, { message: 'Bad Request', errors: [{ resource: 'AuthorizationCode', field: 'code', code: 'invalid' }] });
  });

  it('refuses an unknown client id and a wrong secret with Strava\'s bodies', async () => {
    const unknown = await postForm(`${running.url}/oauth/token`, { client_id: '9999', client_secret: CLIENT_SECRET, code: code(), grant_type: 'authorization_code' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, { message: 'Bad Request', errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] });
    const wrong = await postForm(`${running.url}/oauth/token`, { client_id: CLIENT_ID, client_secret: 'not-it', code: code(), grant_type: 'authorization_code' });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body, { message: 'Bad Request', errors: [{ resource: 'Application', field: 'client_secret', code: 'invalid' }] });
  });

  it('refuses a code after ten minutes', async () => {
    const authorizationCode = code();
    clock.advance(600_000);
    const late = await postForm(`${running.url}/oauth/token`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: authorizationCode, grant_type: 'authorization_code' });
    assert.equal(late.status, 400);
  });

  it('takes the token request as JSON, in the query string, and as multipart, like Strava', async () => {
    const json = await fetch(`${running.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: Number(CLIENT_ID), client_secret: CLIENT_SECRET, code: code(), grant_type: 'authorization_code' }),
    });
    assert.equal(json.status, 200);
    const query = new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: code(), grant_type: 'authorization_code' });
    assert.equal((await fetch(`${running.url}/oauth/token?${query}`, { method: 'POST' })).status, 200);
    const form = new FormData();
    for (const [name, value] of Object.entries({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: code(), grant_type: 'authorization_code' })) form.append(name, value);
    assert.equal((await fetch(`${running.url}/oauth/token`, { method: 'POST', body: form })).status, 200);
  });

  it('rotates the refresh token: the old one stops working, the new one works', async () => {
    const first = await exchangeCode(running.url, code());
    const refresh = (token: string) => postForm(`${running.url}/oauth/token`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: token });
    const second = await refresh(first.refresh_token);
    assert.equal(second.status, 200);
    assert.notEqual(second.body.refresh_token, first.refresh_token);
    assert.equal(second.body.athlete, undefined, 'only the code grant carries the athlete');

    const replay = await refresh(first.refresh_token);
    assert.equal(replay.status, 400);
    assert.deepEqual(replay.body, { message: 'Bad Request', errors: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }] });
    assert.equal((await refresh(second.body.refresh_token as string)).status, 200);
  });

  it('returns the same access token on refresh while it has an hour or more left, and a new one after', async () => {
    const first = await exchangeCode(running.url, code());
    const refresh = (token: string) => postForm(`${running.url}/oauth/token`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: token });

    clock.advance(5 * HOUR); // exactly one hour left: still the same token
    const same = await refresh(first.refresh_token);
    assert.equal(same.body.access_token, first.access_token);
    assert.equal(same.body.expires_at, first.expires_at);
    assert.equal(same.body.expires_in, 3600);

    clock.advance(1000); // under an hour left: a new six-hour token
    const renewed = await refresh(same.body.refresh_token as string);
    assert.notEqual(renewed.body.access_token, first.access_token);
    assert.equal(renewed.body.expires_in, 21_600);
    // The old access token keeps working until it expires.
    assert.equal((await apiGet(running.url, '/athlete', first.access_token)).status, 200);
    clock.advance(HOUR);
    const expired = await apiGet(running.url, '/athlete', first.access_token);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] });
    assert.equal((await apiGet(running.url, '/athlete', renewed.body.access_token as string)).status, 200);
  });

  it('admin expireTokens makes the access token fail at once while the refresh token still works', async () => {
    const tokens = await exchangeCode(running.url, code());
    assert.ok(running.sandbox.admin.expireTokens(athleteId) >= 1);
    assert.equal((await apiGet(running.url, '/athlete', tokens.access_token)).status, 401);
    const refreshed = await postForm(`${running.url}/oauth/token`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.access_token, tokens.access_token);
  });

  it('deauthorize (access_token in the form) ends every token of the athlete for the application', async () => {
    const one = await linkAthlete(running, ['activity:read']);
    const two = await linkAthlete(running, ['activity:read']);
    const answer = await postForm(`${running.url}/oauth/deauthorize`, { access_token: one.access_token });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { access_token: one.access_token });
    for (const tokens of [one, two]) {
      assert.equal((await apiGet(running.url, '/athlete', tokens.access_token)).status, 401);
      const refresh = await postForm(`${running.url}/oauth/token`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      assert.equal(refresh.status, 400);
    }
    const repeated = await postForm(`${running.url}/oauth/deauthorize`, { access_token: one.access_token });
    assert.equal(repeated.status, 401);
  });

  it('deauthorize takes the token from the Authorization header too', async () => {
    const tokens = await linkAthlete(running, ['read']);
    const answer = await fetch(`${running.url}/oauth/deauthorize`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(answer.status, 200);
    assert.equal((await apiGet(running.url, '/athlete', tokens.access_token)).status, 401);
  });
});

describe('authorize request checks', () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectDomains: ['runnerly.test', '127.0.0.1'] }] });
  });
  after(() => running.close());

  const authorize = (query: Record<string, string>) => fetch(`${running.url}/oauth/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });

  it('answers 400 JSON for an unknown client and for a redirect URI off the callback domains', async () => {
    const unknown = await authorize({ client_id: '42', redirect_uri: 'http://127.0.0.1/cb', response_type: 'code', scope: 'read' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { message: 'Bad Request', errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] });
    for (const redirect of ['http://evil.test/cb', 'http://runnerly.test.evil.test/cb', 'javascript:alert(1)', 'http://user@runnerly.test/cb']) {
      const response = await authorize({ client_id: CLIENT_ID, redirect_uri: redirect, response_type: 'code', scope: 'read' });
      assert.equal(response.status, 400, redirect);
      assert.deepEqual(await response.json(), { message: 'Bad Request', errors: [{ resource: 'Application', field: 'redirect_uri', code: 'invalid' }] });
    }
  });

  it('accepts subdomains of a callback domain and refuses unknown scopes', async () => {
    const ok = await authorize({ client_id: CLIENT_ID, redirect_uri: 'https://app.runnerly.test/strava/callback', response_type: 'code', scope: 'read,activity:read_all' });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/html/);
    const badScope = await authorize({ client_id: CLIENT_ID, redirect_uri: 'http://127.0.0.1/cb', response_type: 'code', scope: 'view_private' });
    assert.equal(badScope.status, 400);
    assert.deepEqual(await badScope.json(), { message: 'Bad Request', errors: [{ resource: 'Authorize', field: 'scope', code: 'invalid' }] });
  });
});
