// Limit keys taken from client headers reach the store (here Redis) and the logs only as
// digests, however long the header value.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { send } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './redis-support.js';

describe('limit keys from headers', () => {
  const prefix = uniquePrefix('header-keys');
  let upstream: TestUpstream;
  let gw: TestGateway;
  let admin: Redis;

  before(async () => {
    upstream = await startUpstream();
    gw = await startGateway({
      store: { type: 'redis', url: TEST_REDIS_URL, keyPrefix: prefix, onError: 'deny', commandTimeoutMs: 1000 },
      routes: [{ prefix: '/k/', upstream: [upstream.origin], limits: [{ type: 'quota', key: 'header:x-api-key', limit: 1, window: '1h' }] }],
    });
    admin = new Redis(TEST_REDIS_URL);
  });
  after(async () => {
    await gw.close();
    await upstream.close();
    admin.disconnect();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it('stores and logs a SHA-256 digest, never the raw value', async () => {
    const apiKey = `secret-${'x'.repeat(8000)}`;
    assert.equal((await send(`${gw.url}/k/`, { headers: { 'x-api-key': apiKey } })).status, 200);
    assert.equal((await send(`${gw.url}/k/`, { headers: { 'x-api-key': apiKey } })).status, 429);
    const keys = await admin.keys(`${prefix}*`);
    assert.equal(keys.length, 1);
    const stored = keys[0]!.slice(keys[0]!.lastIndexOf(':') + 1);
    assert.match(stored, /^#[\w-]{43}$/);
    const refusal = gw.logs.find((line) => line.event === 'refused');
    assert.match(String(refusal?.key), /^#[\w-]{12}$/);
    assert.ok(!JSON.stringify(gw.logs).includes('secret-'));
  });
});
