// Redis restarted (a private server with an append-only file, as a deployment whose jobs must
// survive configures it): two gateway processes sharing their limits in it keep answering while it
// is down (limits degrade to per-instance counts, store.onError "local"), share their counters again
// once it is back; jobs queued in the BullMQ backend of @runnerly/job-queue are all run after the restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createJobQueue } from '@runnerly/job-queue';
import { freePort } from '@runnerly/test-support';
import { runLoad, statusesByPhase } from '../src/load.js';
import { startPrivateRedis, type PrivateRedis } from '../src/private-redis.js';
import { binOf, ServiceProcess } from '../src/service-process.js';
import { sleep } from './support/requests.js';

const QUOTA = 10;

let redis: PrivateRedis;
let upstream: Server;
let dir: string;
const gateways: ServiceProcess[] = [];
const urls: string[] = [];

before(async () => {
  redis = await startPrivateRedis({ appendOnly: true });
  upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'runnerly-fault-redis-gw-'));
  // A slow machine must not be mistaken for an outage: a generous command timeout.
  const store = { type: 'redis', url: redis.url, onError: 'local', keyPrefix: 'fault:', commandTimeoutMs: 1000 };
  const routes = [
    { prefix: '/quota/', upstream: [upstreamOrigin], limits: [{ type: 'quota', key: 'header:x-tenant', limit: QUOTA, window: '1h' }] },
    { prefix: '/busy/', upstream: [upstreamOrigin], limits: [{ type: 'rate', rate: '1000r/s', burst: 1000, key: 'ip' }] },
  ];
  for (const name of ['gateway-1', 'gateway-2']) {
    const port = await freePort();
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ listen: { host: '127.0.0.1', port }, store, logLevel: 'warn', routes }));
    const gateway = new ServiceProcess(name, [binOf('gateway', 'runnerly-gateway.js'), '--config', file], {}, `http://127.0.0.1:${port}/_gateway/healthz`);
    await gateway.start();
    gateways.push(gateway);
    urls.push(`http://127.0.0.1:${port}`);
  }
});
after(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await new Promise((resolve) => upstream?.close(resolve));
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function quota(gateway: number, tenant: string): Promise<{ status: number; remaining: string | undefined }> {
  const response = await fetch(`${urls[gateway]}/quota/x`, { headers: { 'x-tenant': tenant }, signal: AbortSignal.timeout(5000) });
  await response.text();
  return { status: response.status, remaining: /r=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1] };
}

/** Statuses of `count` requests of `tenant` on `gateway`, one after another. */
async function statuses(gateway: number, tenant: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await quota(gateway, tenant)).status);
  return seen;
}

const times = (status: number, count: number): number[] => Array.from({ length: count }, () => status);

describe('Redis restarted', () => {
  it('gateway limits are shared, per instance while Redis is down (no request fails), and shared again once it is back', async (t) => {
    // Shared: the two gateways count one quota together.
    assert.deepEqual([...(await statuses(0, 'a', QUOTA / 2)), ...(await statuses(1, 'a', QUOTA / 2))], times(200, QUOTA));
    assert.deepEqual([(await quota(0, 'a')).status, (await quota(1, 'a')).status], [429, 429]);

    let phase = 'before';
    const load = runLoad({ workers: 4, ratePerSecond: 40, maxRequests: 2000, maxDurationMs: 60_000, timeoutMs: 5000, phase: () => phase }, async (_worker, index, signal, track) => {
      track.label = 'GET busy';
      track.target = urls[index % 2]!;
      const response = await fetch(`${track.target}/busy/x`, { signal });
      await response.text();
      return { label: track.label, target: track.target, status: response.status };
    });
    await sleep(1000);
    phase = 'down';
    await redis.stop();
    // Each gateway on its own: the whole quota on each, then refused.
    assert.deepEqual(await statuses(0, 'b', QUOTA + 1), [...times(200, QUOTA), 429]);
    assert.deepEqual(await statuses(1, 'b', QUOTA + 1), [...times(200, QUOTA), 429]);
    await sleep(1000);
    phase = 'restarted';
    await redis.start();
    const backAt = Date.now();
    // Shared again once each gateway has reconnected: a request on one shows in the other's count.
    let probe = 0;
    for (;;) {
      const tenant = `probe-${probe++}`;
      await quota(0, tenant);
      if ((await quota(1, tenant)).remaining === String(QUOTA - 2)) break;
      assert.ok(Date.now() - backAt < 15_000, 'the gateways did not share their counts within 15 s of Redis coming back');
      await sleep(200);
    }
    const sharedAfterMs = Date.now() - backAt;
    await sleep(1000);
    load.stop();
    const outcomes = await load.done;
    const table = statusesByPhase(outcomes);
    t.diagnostic(`load statuses by phase ${JSON.stringify(table)}; limits shared again ${sharedAfterMs} ms after Redis was back`);
    assert.deepEqual(outcomes.filter((outcome) => outcome.status !== 200), [], JSON.stringify(table));
    assert.ok((table.down?.['200'] ?? 0) > 10, JSON.stringify(table));

    assert.deepEqual([...(await statuses(0, 'c', QUOTA / 2)), ...(await statuses(1, 'c', QUOTA / 2))], times(200, QUOTA));
    assert.deepEqual([(await quota(0, 'c')).status, (await quota(1, 'c')).status], [429, 429]);
    // The count from before the restart is still there (append-only file).
    assert.equal((await quota(1, 'a')).status, 429);
  });

  it('jobs queued before a restart are all run after it (append-only file)', async () => {
    const prefix = `fault-jobs-${process.pid}`;
    const producer = createJobQueue({ backend: 'redis', url: redis.url, prefix });
    await producer.start();
    const queued = new Set<number>();
    for (let i = 0; i < 20; i++) {
      await producer.add('fault-job', { n: i }, { key: `job-${i}` });
      queued.add(i);
    }
    await producer.close({ drainMs: 0 });

    await redis.stop();
    await redis.start();

    const done = new Set<number>();
    const consumer = createJobQueue({ backend: 'redis', url: redis.url, prefix, pollMs: 100 });
    consumer.work<{ n: number }>('fault-job', async (job) => {
      done.add(job.payload.n);
    }, { concurrency: 4 });
    await consumer.start();
    try {
      const deadline = Date.now() + 20_000;
      while (done.size < queued.size && Date.now() < deadline) await sleep(100);
      assert.deepEqual([...done].sort((x, y) => x - y), [...queued]);
      assert.equal((await consumer.counts('fault-job')).completed, 20);
    } finally {
      await consumer.close({ drainMs: 1000 });
    }
  });
});
