// Request headers a client could use to make the upstream act on something the gateway did not
// check: names with underscores (CGI-style header mapping), address/URL/method claims, and
// repeated singletons whose first copy is checked while every copy is forwarded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { send, sendRaw } from './gateway-support/client.js';
import { startGateway, startIssuer, startUpstream, type TestGateway, type TestIssuer, type TestUpstream } from './gateway-support/servers.js';

const AUDIENCE = 'runnerly.io';

describe('request header hygiene', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gw: TestGateway;

  before(async () => {
    issuer = await startIssuer(AUDIENCE);
    upstream = await startUpstream();
    gw = await startGateway({
      routes: [
        { prefix: '/runs/', upstream: [upstream.origin], auth: { issuer: issuer.issuer, audience: AUDIENCE, scopes: ['runs:read'] } },
        { prefix: '/', upstream: [upstream.origin] },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
    await issuer.close();
  });

  it('drops every header whose name has an underscore', async () => {
    const answer = await send(`${gw.url}/runs/`, {
      headers: { authorization: `Bearer ${await issuer.mint({ sub: 'runner-7' })}`, 'X_Runnerly_Sub': 'admin', 'x_custom': '1', 'x-custom': '2' },
    });
    assert.equal(answer.status, 200);
    const seen = answer.json<{ headers: Record<string, string> }>().headers;
    assert.equal(seen['x-runnerly-sub'], 'runner-7');
    assert.equal(seen['x-custom'], '2');
    assert.deepEqual(Object.keys(seen).filter((name) => name.includes('_')), []);
  });

  it('drops Forwarded, X-Real-IP, X-Original-URL, X-Rewrite-URL and method overrides', async () => {
    const spoofed = {
      forwarded: 'for=10.0.0.1;host=admin.example',
      'x-real-ip': '10.0.0.1',
      'x-original-url': '/admin/',
      'x-rewrite-url': '/admin/',
      'x-http-method-override': 'DELETE',
      'x-http-method': 'DELETE',
      'x-method-override': 'DELETE',
    };
    const answer = await send(`${gw.url}/x`, { headers: spoofed });
    assert.equal(answer.status, 200);
    const seen = answer.json<{ headers: Record<string, string> }>().headers;
    assert.deepEqual(Object.keys(spoofed).filter((name) => name in seen), []);
    assert.equal(seen['x-forwarded-for'], '127.0.0.1');
  });

  async function rawStatusAndRule(head: string): Promise<[number, unknown]> {
    const before = gw.logs.length;
    const raw = await sendRaw(gw.url, `${head}\r\nConnection: close\r\n\r\n`);
    const refusal = gw.logs.slice(before).find((line) => line.event === 'refused');
    return [Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0), refusal?.rule];
  }

  it('refuses repeated Authorization and Content-Type headers (400 920292)', async () => {
    const token = await issuer.mint();
    const seenBefore = upstream.seen.length;
    assert.deepEqual(
      await rawStatusAndRule(`GET /runs/ HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer forged`),
      [400, 920292],
    );
    assert.deepEqual(
      await rawStatusAndRule('POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: 0'),
      [400, 920292],
    );
    assert.equal(upstream.seen.length, seenBefore);
  });
});
