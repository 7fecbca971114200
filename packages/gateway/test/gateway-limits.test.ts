// Limits wired into the gateway: rejections with their headers, nginx-style delays, 503 when
// configured, and concurrency counters that return to zero after aborted clients and timeouts.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, describe, it } from 'node:test';
import { MemoryLimitStore } from '../src/limits/memory-store.js';
import { send, sleep, type Answer } from './gateway-support/client.js';
import { startGateway, startUpstream } from './gateway-support/servers.js';

const started: { close(): Promise<void> }[] = [];
async function track<T extends { close(): Promise<void> }>(thing: Promise<T>): Promise<T> {
  const value = await thing;
  started.push(value);
  return value;
}
after(async () => {
  for (const thing of started.reverse()) await thing.close();
});

describe('rate limits', () => {
  it('rejects beyond the burst with 429, Retry-After and RateLimit headers', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(
      startGateway({ routes: [{ prefix: '/r/', upstream: [upstream.origin], limits: [{ type: 'rate', name: 'per-ip', rate: '30r/m', burst: 2, delay: 'nodelay' }] }] }),
    );
    // 30 r/m leaks one request per 2 s: however slowly a loaded machine opens the ten connections, no slot frees meanwhile.
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(`${gw.url}/r/x`)));
    const passed = answers.filter((a) => a.status === 200);
    const rejected = answers.filter((a) => a.status === 429);
    assert.equal(passed.length, 3);
    assert.equal(rejected.length, 7);
    assert.equal(upstream.seen.length, 3);
    for (const answer of passed) {
      assert.equal(answer.headers['ratelimit-policy'], '"per-ip";q=3;w=6');
      assert.match(String(answer.headers.ratelimit), /^"per-ip";r=[0-2];t=[0-6]$/);
    }
    for (const answer of rejected) {
      assert.equal(answer.headers['content-type'], 'application/problem+json');
      assert.equal(answer.headers['retry-after'], '2');
      assert.equal(answer.headers['ratelimit-policy'], '"per-ip";q=3;w=6');
      assert.equal(answer.headers.ratelimit, '"per-ip";r=0;t=2');
      assert.deepEqual(answer.json(), { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'limit "per-ip" exceeded; retry later' });
    }
    const refusals = gw.logs.filter((line) => line.event === 'refused');
    assert.equal(refusals.length, 7);
    assert.deepEqual(
      { status: refusals[0]?.status, limit: refusals[0]?.limit, key: refusals[0]?.key, route: refusals[0]?.route },
      { status: 429, limit: '/r/#0', key: '127.0.0.1', route: '/r/' },
    );
    const metrics = (await send(`${gw.url}/_gateway/metrics`)).body;
    assert.match(metrics, /runnerly_gateway_limit_decisions_total\{route="\/r\/",limit="per-ip",outcome="pass"\} 3/);
    assert.match(metrics, /runnerly_gateway_limit_decisions_total\{route="\/r\/",limit="per-ip",outcome="reject"\} 7/);
  });

  it('delays excess requests by excess / rate, as nginx limit_req does without nodelay', async () => {
    const arrivals: number[] = [];
    const upstream = await track(
      startUpstream((_req, res) => {
        arrivals.push(performance.now());
        res.end('ok');
      }),
    );
    const gw = await track(startGateway({ routes: [{ prefix: '/d/', upstream: [upstream.origin], limits: [{ type: 'rate', rate: '10r/s', burst: 2 }] }] }));
    const sentAt = performance.now();
    const statuses = (await Promise.all(Array.from({ length: 4 }, () => send(`${gw.url}/d/`)))).map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const delays = arrivals.map((at) => at - sentAt).sort((a, b) => a - b);
    assert.ok(delays[0]! < 60, `first ${delays[0]}`);
    assert.ok(delays[1]! >= 95 && delays[1]! < 170, `second ${delays[1]}`);
    assert.ok(delays[2]! >= 195 && delays[2]! < 270, `third ${delays[2]}`);
  });

  it('answers 503 instead when rejectStatus says so', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(
      startGateway({ rejectStatus: 503, routes: [{ prefix: '/s/', upstream: [upstream.origin], limits: [{ type: 'quota', key: 'header:x-api-key', limit: 2, window: '1h' }] }] }),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(`${gw.url}/s/`, { headers: { 'x-api-key': 'k1' } })).status);
    statuses.push((await send(`${gw.url}/s/`, { headers: { 'x-api-key': 'k2' } })).status);
    assert.deepEqual(statuses, [200, 200, 503, 200]);
  });
});

describe('concurrency limits', () => {
  it('counts back to zero after a run with aborted clients and upstream timeouts', async () => {
    // /slow never answers (the gateway times out at 300 ms); /fast answers after 30 ms.
    const upstream = await track(
      startUpstream((req, res) => {
        if (req.url?.includes('slow')) return;
        setTimeout(() => res.end('ok'), 30);
      }),
    );
    const gw = await track(
      startGateway({
        routes: [
          {
            prefix: '/c/',
            upstream: [upstream.origin],
            timeout: { responseMs: 300 },
            limits: [
              { type: 'concurrency', max: 3, burst: 2 },
              { type: 'rate', rate: '1000r/s', burst: 1000, delay: 'nodelay' },
            ],
          },
        ],
      }),
    );
    const store = gw.gateway.store;
    assert.ok(store instanceof MemoryLimitStore);

    const aborted = (path: string, afterMs: number): Promise<string> =>
      new Promise((resolve) => {
        const req = httpRequest(`${gw.url}${path}`);
        req.on('error', () => resolve('aborted'));
        req.on('response', () => resolve('answered'));
        req.end();
        setTimeout(() => req.destroy(), afterMs);
      });
    const outcomes: Promise<Answer | string>[] = [];
    for (let round = 0; round < 4; round++) {
      outcomes.push(send(`${gw.url}/c/fast`), send(`${gw.url}/c/slow`), aborted('/c/slow', 50), aborted('/c/fast', 5), send(`${gw.url}/c/fast`));
      outcomes.push(aborted('/c/slow', 400));
    }
    // While they run, the counter is within max + burst.
    await sleep(100);
    assert.ok(store.totalInFlight > 0 && store.totalInFlight <= 5, `in flight ${store.totalInFlight}`);
    const settled = await Promise.all(outcomes);
    const statuses = settled.map((s) => (typeof s === 'string' ? s : s.status));
    assert.ok(statuses.includes(504), 'some requests timed out upstream');
    assert.ok(statuses.includes('aborted'), 'some clients went away');
    assert.ok(statuses.includes(429), 'some were beyond max + burst');
    assert.ok(statuses.includes(200), 'some passed');

    // Every ticket released once: nothing in flight, nothing leaked.
    for (let i = 0; i < 100 && (store.totalInFlight > 0 || gw.gateway.inFlight > 0); i++) await sleep(20);
    assert.equal(store.totalInFlight, 0);
    assert.equal(gw.gateway.inFlight, 0);
    const after = await send(`${gw.url}/c/fast`);
    assert.equal(after.status, 200);
  });
});
