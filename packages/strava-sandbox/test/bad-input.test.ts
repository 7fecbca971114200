import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_ID, linkAthlete, startSandbox, type RunningSandbox } from './helpers/sandbox.js';

describe('bad input gets a 4xx with a body, never a 500', () => {
  let running: RunningSandbox;
  let token: string;
  before(async () => {
    running = await startSandbox({ rateLimits: false });
    token = (await linkAthlete(running, ['activity:read_all'])).access_token;
  });
  after(() => running.close());

  const cases: Array<[string, string, RequestInit, number]> = [
    ['malformed JSON to the token endpoint', '/oauth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":' }, 400],
    ['an unsupported body type', '/oauth/token', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' }, 415],
    ['a body over 64 KiB', '/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${'a'.repeat(70_000)}` }, 413],
    ['a repeated client_id', `/oauth/authorize?client_id=${CLIENT_ID}&client_id=${CLIENT_ID}&redirect_uri=http://127.0.0.1/cb&response_type=code`, {}, 400],
    ['a sign-in without the authorize request', '/oauth/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a&password=b' }, 400],
    ['a decision without a session', '/oauth/authorize', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${CLIENT_ID}&redirect_uri=http://127.0.0.1/cb&response_type=code&decision=authorize` }, 403],
    ['a JSON array body to the admin API', '/_sandbox/authorize', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }, 400],
    ['an unknown admin path', '/_sandbox/nothing', {}, 404],
  ];

  for (const [rule, path, init, status] of cases) {
    it(`answers ${status} for ${rule}`, async () => {
      const response = await fetch(`${running.url}${path}`, init);
      assert.equal(response.status, status);
      const body = (await response.json()) as Record<string, unknown>;
      assert.ok('message' in body || 'title' in body, JSON.stringify(body));
    });
  }

  it('answers 404 for an activity id out of range, 400 for a negative page', async () => {
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${running.url}/api/v3/activities/${'9'.repeat(30)}`, { headers })).status, 400);
    assert.equal((await fetch(`${running.url}/api/v3/activities/${'9'.repeat(17)}`, { headers })).status, 404);
    assert.equal((await fetch(`${running.url}/api/v3/athlete/activities?page=-1`, { headers })).status, 400);
  });
});
