// Token checks at the edge (RFC 6750) with a real issuer (metadata + JWKS over HTTP): the upstream
// only sees requests with a valid token, and identity headers a client cannot forge.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { send } from './gateway-support/client.js';
import { startGateway, startIssuer, startUpstream, type TestGateway, type TestIssuer, type TestUpstream } from './gateway-support/servers.js';

const AUDIENCE = 'runnerly.io';

describe('auth at the edge', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gw: TestGateway;

  before(async () => {
    issuer = await startIssuer(AUDIENCE);
    upstream = await startUpstream();
    gw = await startGateway({
      routes: [
        {
          prefix: '/runs/',
          upstream: [upstream.origin],
          auth: { issuer: issuer.issuer, audience: AUDIENCE, scopes: ['runs:read'] },
          limits: [{ type: 'quota', key: 'sub', limit: 2, window: '1h' }],
        },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
    await issuer.close();
  });

  it('answers 401 with a bare challenge when there is no token', async () => {
    const answer = await send(`${gw.url}/runs/`);
    assert.equal(answer.status, 401);
    assert.equal(answer.headers['www-authenticate'], 'Bearer realm="runnerly"');
    assert.equal(upstream.seen.length, 0);
  });

  it('answers 401 invalid_token for a token it cannot verify', async () => {
    const other = await startIssuer(AUDIENCE);
    try {
      const foreign = await other.mint();
      const answer = await send(`${gw.url}/runs/`, { headers: { authorization: `Bearer ${foreign}` } });
      assert.equal(answer.status, 401);
      assert.match(String(answer.headers['www-authenticate']), /^Bearer realm="runnerly", error="invalid_token", error_description="/);
      assert.equal(answer.json().error, 'invalid_token');
      assert.equal(upstream.seen.length, 0);
      assert.ok(gw.logs.some((line) => line.event === 'refused' && line.rule === 'auth-invalid_token' && line.status === 401));
    } finally {
      await other.close();
    }
  });

  it('answers 403 insufficient_scope when a scope is missing', async () => {
    const token = await issuer.mint({ scope: 'runs:write' });
    const answer = await send(`${gw.url}/runs/`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(answer.status, 403);
    assert.equal(
      answer.headers['www-authenticate'],
      'Bearer realm="runnerly", error="insufficient_scope", error_description="the access token lacks scope: runs:read", scope="runs:read"',
    );
    assert.equal(upstream.seen.length, 0);
  });

  it('passes the verified identity upstream and drops forged identity headers', async () => {
    const token = await issuer.mint({ sub: 'runner-7', client_id: 'mobile', scope: 'runs:read profile' });
    const answer = await send(`${gw.url}/runs/7`, {
      headers: { authorization: `Bearer ${token}`, 'x-runnerly-sub': 'admin', 'X-Runnerly-Client-Id': 'forged', 'x-runnerly-role': 'root' },
    });
    assert.equal(answer.status, 200);
    const { headers } = answer.json<{ headers: Record<string, string> }>();
    assert.equal(headers['x-runnerly-sub'], 'runner-7');
    assert.equal(headers['x-runnerly-client-id'], 'mobile');
    assert.equal(headers['x-runnerly-scope'], 'runs:read profile');
    assert.equal(headers['x-runnerly-role'], undefined);
    assert.equal(headers.authorization, `Bearer ${token}`);
  });

  it('keys limits on the verified subject', async () => {
    const alice = await issuer.mint({ sub: 'alice' });
    const bob = await issuer.mint({ sub: 'bob' });
    const statuses: number[] = [];
    for (const token of [alice, alice, alice, bob]) statuses.push((await send(`${gw.url}/runs/`, { headers: { authorization: `Bearer ${token}` } })).status);
    assert.deepEqual(statuses, [200, 200, 429, 200]);
    const refusal = gw.logs.find((line) => line.status === 429);
    assert.equal(refusal?.key, 'alice');
  });
});
