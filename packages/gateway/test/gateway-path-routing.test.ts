// Routing on the normalised path: encodings of a route's prefix reach that route (its auth,
// limits and WAF mode) and are forwarded normalised; ambiguous paths are refused before any
// route is chosen; absolute-form targets are routed, inspected and forwarded as one parse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sendRaw } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

describe('routing on the normalised path', () => {
  let admin: TestUpstream;
  let site: TestUpstream;
  let gw: TestGateway;

  before(async () => {
    admin = await startUpstream(undefined, 'admin');
    site = await startUpstream(undefined, 'site');
    gw = await startGateway({
      routes: [
        { prefix: '/admin/', upstream: [admin.origin], methods: ['GET'], limits: [{ type: 'rate', key: 'route', rate: '1r/m' }] },
        { prefix: '/', upstream: [site.origin] },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await admin.close();
    await site.close();
  });

  /** Sends a raw request line; returns the status, the JSON body and the refusal lines it caused. */
  async function get(target: string, headers = 'Host: gw.example'): Promise<{ status: number; body: Record<string, unknown>; refusals: typeof gw.logs }> {
    const before = gw.logs.length;
    const raw = await sendRaw(gw.url, `GET ${target} HTTP/1.1\r\n${headers}\r\nConnection: close\r\n\r\n`);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
    const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    return { status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), refusals: gw.logs.slice(before).filter((line) => line.event === 'refused') };
  }

  it('an encoded prefix reaches its own route and is forwarded normalised', async () => {
    const first = await get('/%61dmin/x?q=%61');
    assert.equal(first.status, 200);
    assert.deepEqual({ name: first.body.name, url: first.body.url }, { name: 'admin', url: '/admin/x?q=%61' });
    // The route's limit applies to the encoded form too (one request per minute).
    const second = await get('/adm%69n/y');
    assert.equal(second.status, 429);
    assert.equal(second.refusals[0]?.route, '/admin/');
  });

  it('refuses dot segments, encoded slashes and path parameters with 400 920120 before routing', async () => {
    for (const target of ['/./admin/x', '/%2e/admin/x', '/admin;x/x', '/x/..%2f', '/x%2fadmin/x', '/x%5cadmin']) {
      const answer = await get(target);
      const expected = target === '/x/..%2f' ? [403, 930100] : [400, 920120];
      assert.deepEqual([answer.status, answer.refusals[0]?.rule], expected, target);
      assert.equal(answer.refusals.length, 1);
    }
    assert.equal(site.seen.filter((req) => req.url?.includes('admin')).length, 0);
  });

  it('without case-insensitive routes, non-ASCII letters are only characters (920540 does not apply)', async () => {
    const answer = await get('/adm%C4%B1n/x');
    assert.deepEqual([answer.status, answer.body.name, answer.refusals.length], [200, 'site', 0]);
  });

  it('absolute-form: routed, inspected and forwarded as one parse; Host from the authority', async () => {
    const answer = await get('http://api.example?/admin/x', 'Host: other.example');
    assert.equal(answer.status, 200);
    const headers = answer.body.headers as Record<string, string>;
    assert.deepEqual({ name: answer.body.name, url: answer.body.url, host: headers['x-forwarded-host'] }, { name: 'site', url: '/?/admin/x', host: 'api.example' });
  });

  it('absolute-form network-path targets are refused like origin-form ones (400 920100)', async () => {
    const answer = await get('http://api.example//evil.example/x');
    assert.deepEqual([answer.status, answer.refusals[0]?.rule], [400, 920100]);
  });

  it('logs the refused path without its query', async () => {
    const answer = await get('/./x?token=secret');
    assert.equal(answer.status, 400);
    assert.equal(answer.refusals[0]?.path, '/./x');
  });
});
