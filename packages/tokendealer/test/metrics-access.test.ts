// GET /metrics answers only the allowed client addresses (loopback by default) and holders of the
// metrics bearer token; everyone else gets a 403 that tells neither the token nor the list.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ConfigError, DEFAULT_CONFIG, resolveConfig } from '../src/config/options.js';
import { addressMatcher } from '../src/http/metrics-access.js';
import { startServer } from '../src/server.js';
import { BACKENDS } from './helpers/databases.js';
import { TEST_SCRYPT, startTestServer, type TestServer } from './helpers/test-server.js';
import { testKeyPairs } from './helpers/test-key-pairs.js';

// Access to /metrics does not touch the database: the embedded one is enough.
const backend = BACKENDS[0]!;
const TOKEN = 'metrics-scraper-token-0123456789abcdef';
const REFUSAL = { error: 'forbidden', error_description: 'metrics are limited to the allowed client addresses or a bearer token' };

async function assertMetrics(response: Response): Promise<void> {
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await response.text(), /^# HELP tokendealer_/m);
}

async function assertRefused(response: Response): Promise<void> {
  assert.equal(response.status, 403);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), REFUSAL);
  assert.doesNotMatch(text, new RegExp(TOKEN));
  assert.doesNotMatch(text, /10\.0\.0\.0|127\.0\.0|::1/);
}

describe('metrics access: addresses', () => {
  it('matches IPv4 and IPv6 addresses and ranges, and IPv4-mapped IPv6 peers as their IPv4 address', () => {
    const loopback = addressMatcher(DEFAULT_CONFIG.metricsAllow);
    assert.equal(loopback('127.0.0.1'), true);
    assert.equal(loopback('127.12.0.9'), true);
    assert.equal(loopback('::1'), true);
    assert.equal(loopback('::ffff:127.0.0.1'), true);
    assert.equal(loopback('10.0.0.1'), false);
    assert.equal(loopback('::ffff:10.0.0.1'), false);
    assert.equal(loopback('::2'), false);
    assert.equal(loopback('not an address'), false);
    assert.equal(loopback(''), false);

    const ranges = addressMatcher(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    assert.equal(ranges('10.200.3.4'), true);
    assert.equal(ranges('::ffff:10.200.3.4'), true);
    assert.equal(ranges('11.0.0.1'), false);
    assert.equal(ranges('2001:db8:1::5'), true);
    assert.equal(ranges('2001:db9::5'), false);
    assert.equal(ranges('192.0.2.7'), true);
    assert.equal(ranges('192.0.2.8'), false);
    assert.equal(ranges('127.0.0.1'), false);
    assert.equal(addressMatcher([])('127.0.0.1'), false);
  });
});

describe('metrics access: configuration', () => {
  it('allows loopback by default and has no token', () => {
    assert.deepEqual(DEFAULT_CONFIG.metricsAllow, ['127.0.0.0/8', '::1']);
    assert.equal(DEFAULT_CONFIG.metricsToken, undefined);
    assert.deepEqual(resolveConfig({ metricsAllow: ' 10.0.0.0/8, 2001:db8::/32 ,::ffff:192.0.2.1' }, {}).metricsAllow, ['10.0.0.0/8', '2001:db8::/32', '::ffff:192.0.2.1']);
    assert.deepEqual(resolveConfig({}, { TOKENDEALER_METRICS_ALLOW: '' }).metricsAllow, []);
    assert.equal(resolveConfig({}, { TOKENDEALER_METRICS_TOKEN: TOKEN }).metricsToken, TOKEN);
  });

  it('refuses bad addresses and ranges naming the flag or variable', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '999.1.1.1', '2001:db8::/129', 'localhost', '10.0.0.0/8/8', '10.0.0.0/', 'fe80::1%eth0', '10.0.0.0/-1']) {
      assert.throws(
        () => resolveConfig({ metricsAllow: `127.0.0.1, ${bad}` }, {}),
        (error: Error) => error instanceof ConfigError && error.message === `--metrics-allow must be a comma-separated list of IPv4 or IPv6 addresses or CIDR ranges, got "${bad}"`,
        bad,
      );
    }
    assert.throws(() => resolveConfig({}, { TOKENDEALER_METRICS_ALLOW: '10.0.0.0/40' }), /TOKENDEALER_METRICS_ALLOW must be a comma-separated list/);
    // Everyone is never meant: a zero prefix is refused here and for --trust-proxy (which Fastify would refuse at start).
    for (const everyone of ['0.0.0.0/0', '::/0', '10.0.0.0/00']) {
      assert.throws(() => resolveConfig({ metricsAllow: everyone }, {}), /--metrics-allow must be a comma-separated list/);
      assert.throws(() => resolveConfig({ trustProxy: everyone }, {}), /--trust-proxy must be a comma-separated list/);
    }
  });

  it('refuses a metrics token equal to the admin token', () => {
    assert.throws(() => resolveConfig({ metricsToken: TOKEN, adminToken: TOKEN }, {}), /the metrics token must differ from the admin token/);
    assert.equal(resolveConfig({ metricsToken: TOKEN, adminToken: `${TOKEN}-admin` }, {}).metricsToken, TOKEN);
  });

  it('refuses a short token without echoing it', () => {
    assert.throws(
      () => resolveConfig({ metricsToken: 'short-token' }, {}),
      (error: Error) => error instanceof ConfigError && /--metrics-token must be at least 32 characters/.test(error.message) && !error.message.includes('short-token'),
    );
    assert.throws(() => resolveConfig({}, { TOKENDEALER_METRICS_TOKEN: 'x'.repeat(31) }), /TOKENDEALER_METRICS_TOKEN must be at least 32 characters/);
  });
});

describe('metrics access: default allow list', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(backend);
  });
  after(() => server.stop());

  it('lets loopback read the metrics', async () => {
    await assertMetrics(await fetch(`${server.url}/metrics`));
  });

  it('still lets loopback read them with a wrong bearer token (the address alone suffices)', async () => {
    await assertMetrics(await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } }));
  });

  it('refuses what a proxy on the same host forwards when that proxy is not trusted', async () => {
    // A reverse proxy on loopback (such as the gateway) connects from 127.0.0.1 for every client.
    await assertRefused(await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } }));
    await assertRefused(await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } }));
    await assertRefused(await fetch(`${server.url}/metrics`, { headers: { forwarded: 'for=203.0.113.7' } }));
  });
});

describe('metrics access: an allow list without loopback', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(backend, { metricsAllow: ['10.0.0.0/8', '::2'] });
  });
  after(() => server.stop());

  it('refuses loopback with 403 forbidden, no-store', async () => {
    await assertRefused(await fetch(`${server.url}/metrics`));
  });

  it('refuses a bearer token when none is configured', async () => {
    await assertRefused(await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }));
  });

  it('restricts only /metrics', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });
});

describe('metrics access: the bearer token', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(backend, { metricsAllow: ['10.0.0.0/8'], metricsToken: TOKEN });
  });
  after(() => server.stop());

  it('lets the right token read the metrics from a non-allowed address', async () => {
    await assertMetrics(await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    await assertMetrics(await fetch(`${server.url}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } }));
  });

  it('refuses a wrong, malformed or missing token with the same 403', async () => {
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer wrong', `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      await assertRefused(await fetch(`${server.url}/metrics`, { headers: { authorization } }));
    }
    await assertRefused(await fetch(`${server.url}/metrics`));
  });
});

describe('metrics access: behind a trusted proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(backend, { trustProxy: ['127.0.0.1'], metricsAllow: ['10.0.0.0/8', '2001:db8::/32'] });
  });
  after(() => server.stop());

  const viaProxy = (client: string) => fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': client } });

  it('judges the client the proxy forwards, not the proxy', async () => {
    await assertRefused(await viaProxy('203.0.113.7'));
    await assertRefused(await viaProxy('2001:db9::1'));
    await assertRefused(await fetch(`${server.url}/metrics`));
    await assertMetrics(await viaProxy('10.1.2.3'));
    await assertMetrics(await viaProxy('2001:db8::1'));
    // An IPv4-mapped IPv6 client counts as its IPv4 address.
    await assertMetrics(await viaProxy('::ffff:10.1.2.3'));
  });

  it('believes only the nearest hop that is not a trusted proxy', async () => {
    // The client claims to be 10.9.9.9, but the proxy saw it come from 203.0.113.7.
    await assertRefused(await viaProxy('10.9.9.9, 203.0.113.7'));
    await assertMetrics(await viaProxy('203.0.113.7, 10.1.2.3'));
  });
});

describe('metrics access: logging', () => {
  it('logs one info line per refusal, without the token', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    const database = await backend.create();
    const outboxDir = mkdtempSync(join(tmpdir(), 'tokendealer-outbox-'));
    const config = { ...resolveConfig({}, {}), port: 0, db: database.url, outboxDir, metricsAllow: ['10.0.0.0/8'], metricsToken: TOKEN };
    const server = await startServer(config, pino({ level: 'info' }, sink), { scrypt: TEST_SCRYPT, generateKeyPair: testKeyPairs });
    try {
      const wrongToken = `Bearer ${'w'.repeat(40)}`;
      await assertRefused(await fetch(`${server.url}/metrics`, { headers: { authorization: wrongToken } }));
      await assertRefused(await fetch(`${server.url}/metrics`));
      await assertMetrics(await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }));
      const refusals = lines.filter((line) => line.msg === 'metrics request refused');
      assert.equal(refusals.length, 2);
      assert.deepEqual(refusals.map((line) => [line.level, line.ip, line.bearer]), [[30, '127.0.0.1', true], [30, '127.0.0.1', false]]);
      const logged = JSON.stringify(lines);
      assert.doesNotMatch(logged, new RegExp(TOKEN));
      assert.doesNotMatch(logged, /w{40}/);
    } finally {
      await server.close();
      await database.drop();
      rmSync(outboxDir, { recursive: true, force: true });
    }
  });
});
