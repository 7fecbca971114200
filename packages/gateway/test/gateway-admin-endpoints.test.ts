// Who reaches the gateway's own endpoints: the IP rules first, then `adminAllow` (loopback by
// default); and the in-flight gauge they report.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { send, sleep } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway } from './gateway-support/servers.js';

const started: { close(): Promise<void> }[] = [];
async function track<T extends { close(): Promise<void> }>(thing: Promise<T>): Promise<T> {
  const value = await thing;
  started.push(value);
  return value;
}
after(async () => {
  for (const thing of started.reverse()) await thing.close();
});

async function refusal(gw: TestGateway, path: string): Promise<[number, unknown]> {
  const before = gw.logs.length;
  const answer = await send(`${gw.url}${path}`);
  return [answer.status, gw.logs.slice(before).find((line) => line.event === 'refused')?.rule];
}

describe('admin endpoints', () => {
  it('answer loopback clients by default', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [upstream.origin] }] }));
    assert.equal((await send(`${gw.url}/_gateway/healthz`)).status, 200);
  });

  it('apply the IP rules before answering (403 910100 / 910110)', async () => {
    const upstream = await track(startUpstream());
    const denied = await track(startGateway({ ipRules: { deny: ['127.0.0.0/8'] }, routes: [{ prefix: '/', upstream: [upstream.origin] }] }));
    assert.deepEqual(await refusal(denied, '/_gateway/metrics'), [403, 910100]);
    const outside = await track(startGateway({ ipRules: { allow: ['10.0.0.0/8'] }, routes: [{ prefix: '/', upstream: [upstream.origin] }] }));
    assert.deepEqual(await refusal(outside, '/_gateway/healthz'), [403, 910110]);
  });

  it('refuse addresses outside adminAllow (403 910120), also behind a trusted proxy', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(
      startGateway({ trustedProxies: ['127.0.0.1'], adminAllow: ['10.1.0.0/16'], routes: [{ prefix: '/', upstream: [upstream.origin] }] }),
    );
    assert.deepEqual(await refusal(gw, '/_gateway/metrics'), [403, 910120]);
    const allowed = await send(`${gw.url}/_gateway/healthz`, { headers: { 'x-forwarded-for': '10.1.2.3' } });
    assert.equal(allowed.status, 200);
    const outside = await send(`${gw.url}/_gateway/healthz`, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    assert.equal(outside.status, 403);
  });

  it('report the requests in flight', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const upstream = await track(startUpstream((_req, res) => void held.then(() => res.end('done'))));
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [upstream.origin] }] }));
    const slow = send(`${gw.url}/slow`);
    while (upstream.seen.length === 0) await sleep(5);
    assert.match((await send(`${gw.url}/_gateway/metrics`)).body, /^runnerly_gateway_in_flight_requests 1$/m);
    release();
    assert.equal((await slow).status, 200);
    await sleep(20);
    assert.match((await send(`${gw.url}/_gateway/metrics`)).body, /^runnerly_gateway_in_flight_requests 0$/m);
  });
});
