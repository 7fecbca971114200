// Several gateways share their limits through one Redis, and keep serving when it goes away.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { send, sleep } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';
import { PrivateRedis, TEST_REDIS_URL, deleteKeys } from './redis-support.js';

const RATE = 20;
const BURST = 5;

function sharedConfig(redisUrl: string, keyPrefix: string, upstream: string, limit: Record<string, unknown> = { key: 'route', rate: `${RATE}r/s` }): Record<string, unknown> {
  return {
    store: { type: 'redis', url: redisUrl, onError: 'local', keyPrefix },
    routes: [{ prefix: '/', upstream: [upstream], limits: [{ type: 'rate', burst: BURST, delay: 'nodelay', ...limit }] }],
  };
}

/** Sends from `workers` loops spread over the gateways until `durationMs` has passed; counts the answers. */
async function hammer(urls: string[], workers: number, durationMs: number, gapMs: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      const url = urls[worker % urls.length]!;
      while (Date.now() < deadline) {
        const { status } = await send(`${url}/runs`);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        await sleep(gapMs);
      }
    }),
  );
  return statuses;
}

describe('two gateways sharing one Redis', () => {
  let upstream: TestUpstream;
  let gateways: TestGateway[];
  const prefix = `test:gateway-shared:${randomUUID()}:`;

  before(async () => {
    upstream = await startUpstream();
    gateways = [await startGateway(sharedConfig(TEST_REDIS_URL, prefix, upstream.origin)), await startGateway(sharedConfig(TEST_REDIS_URL, prefix, upstream.origin))];
  });
  after(async () => {
    for (const gateway of gateways) await gateway.close();
    await upstream.close();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it(`enforces ${RATE} r/s across both together: the admitted total over 10 s is within 5% of the rate`, async () => {
    const seconds = 10;
    const statuses = await hammer(gateways.map((gateway) => gateway.url), 8, seconds * 1000, 15);
    const admitted = statuses.get(200) ?? 0;
    const expected = RATE * seconds + BURST + 1;
    assert.deepEqual([...statuses.keys()].sort(), [200, 429], `only passes and rate-limit refusals: ${JSON.stringify([...statuses])}`);
    assert.ok(Math.abs(admitted - expected) <= expected * 0.05, `admitted ${admitted}, expected ${expected} ± 5%`);
    assert.ok((statuses.get(429) ?? 0) > admitted, 'the load was well above the rate');
  });
});

describe('two gateways when their Redis goes away and comes back', () => {
  let redis: PrivateRedis;
  let upstream: TestUpstream;
  let gateways: TestGateway[];

  before(async () => {
    redis = await PrivateRedis.start();
    upstream = await startUpstream();
    // 6 r/m leaks one request per 10 s, so a burst is decided by the bucket alone however slowly a
    // loaded machine sends it; each phase uses its own bucket (the x-bucket header is the key).
    const config = sharedConfig(redis.url, 'outage:', upstream.origin, { key: 'header:x-bucket', rate: '6r/m' });
    gateways = [await startGateway(config), await startGateway(config)];
  });
  after(async () => {
    for (const gateway of gateways) await gateway.close();
    await upstream.close();
    await redis.dispose();
  });

  /** A simultaneous burst over both gateways into one bucket: how many pass. */
  async function burst(count: number, bucket: string): Promise<number> {
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => send(`${gateways[i % 2]!.url}/runs`, { headers: { 'x-bucket': bucket } })));
    for (const answer of answers) assert.ok([200, 429].includes(answer.status), `status ${answer.status}`);
    return answers.filter((answer) => answer.status === 200).length;
  }

  it('shares one limit, falls back to per-instance limits while Redis is down, and shares again once it is back', async () => {
    assert.equal(await burst(30, 'before'), BURST + 1, 'shared: one bucket for both');

    await redis.stop();
    // Each instance now limits on its own: each admits its own burst.
    assert.equal(await burst(30, 'during'), 2 * (BURST + 1), 'local fallback: one bucket each');
    const warnings = gateways.flatMap((gateway) => gateway.logs.filter((line) => /unreachable|outage|unavailable/i.test(String(line.msg))));
    assert.ok(warnings.length >= 1 && warnings.length <= 4, `logged once per instance and outage, got ${warnings.length}`);

    await redis.restart();
    await sleep(1500);
    assert.equal(await burst(30, 'after'), BURST + 1, 'shared again after recovery');
  });
});
