import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { JwksKeySource, KeySourceError } from '../src/index.js';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { generateSigningKey, publicJwk } from './support/keys.js';

const sameKey = (actual: unknown, expected: { export(options: { format: 'jwk' }): unknown }) => {
  assert.ok(actual !== undefined, 'expected a key');
  assert.deepEqual((actual as typeof expected).export({ format: 'jwk' }), expected.export({ format: 'jwk' }));
};

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await sleep(5);
  }
}

describe('JwksKeySource', () => {
  const es = generateSigningKey('ES256');
  const ed = generateSigningKey('EdDSA');
  let server: TestAuthServer;

  before(async () => {
    server = await startAuthServer([es, ed]);
  });
  after(async () => {
    await server.close();
  });

  const reset = (keys: Parameters<TestAuthServer['publish']>[0] = [es, ed]) => {
    server.publish(keys);
    server.counts.metadata = 0;
    server.counts.jwks = 0;
    server.metadataOverrides = {};
    server.jwksDelayMs = 0;
    server.jwksRawBody = undefined;
  };

  it('discovers jwks_uri from the RFC 8414 metadata and then resolves keys by kid synchronously', async () => {
    reset();
    const source = new JwksKeySource({ issuer: server.issuer });
    assert.equal(source.loaded, false);
    assert.equal(source.resolve(es.kid, 'ES256'), undefined);
    await source.ready();
    assert.equal(source.loaded, true);
    sameKey(source.resolve(es.kid, 'ES256'), es.publicKey);
    sameKey(source.resolve(ed.kid, 'EdDSA'), ed.publicKey);
    assert.equal(source.resolve('unknown', 'ES256'), undefined);
    await source.ready();
    assert.deepEqual(server.counts, { metadata: 1, jwks: 1, token: 0 });
  });

  it('refuses metadata whose issuer is not exactly the configured issuer (RFC 8414 section 3.3)', async () => {
    reset();
    server.metadataOverrides = { issuer: `${server.issuer}/` };
    const source = new JwksKeySource({ issuer: server.issuer });
    await assert.rejects(source.ready(), (error: unknown) => error instanceof KeySourceError && /does not match the configured issuer/.test(error.message));
    assert.equal(server.counts.jwks, 0, 'the JWKS of an unverified issuer must not be fetched');
  });

  it('ignores keys not meant for signatures and keys it cannot import, and keeps the rest', async () => {
    const encryption = generateSigningKey('ES256', 'enc-key');
    const wrapOnly = generateSigningKey('ES256', 'wrap-key');
    reset([
      publicJwk(encryption, { use: 'enc' }),
      publicJwk(wrapOnly, { key_ops: ['wrapKey'], use: undefined }),
      { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
      { kty: 'EC', kid: 'broken', crv: 'P-256', x: 'AAAA', y: 'BBBB' },
      { kty: 'XYZ', kid: 'alien' },
      'not-an-object',
      es,
    ]);
    const source = new JwksKeySource({ issuer: server.issuer });
    await source.ready();
    for (const kid of ['enc-key', 'wrap-key', 'hmac', 'broken', 'alien']) assert.equal(source.resolve(kid, 'ES256'), undefined, kid);
    sameKey(source.resolve(es.kid, 'ES256'), es.publicKey);
  });

  it('honours a JWK alg: a key published for RS256 is not handed out for PS256', async () => {
    const rsa = generateSigningKey('RS256');
    reset([rsa]);
    const source = new JwksKeySource({ issuer: server.issuer });
    await source.ready();
    sameKey(source.resolve(rsa.kid, 'RS256'), rsa.publicKey);
    assert.equal(source.resolve(rsa.kid, 'PS256'), undefined);
  });

  it('resolves a token without kid only when exactly one published key fits its algorithm', async () => {
    const second = generateSigningKey('ES256');
    reset([publicJwk(es, { kid: undefined }), publicJwk(ed, { kid: undefined })]);
    const single = new JwksKeySource({ issuer: server.issuer });
    await single.ready();
    sameKey(single.resolve(undefined, 'ES256'), es.publicKey);
    sameKey(single.resolve(undefined, 'EdDSA'), ed.publicKey);

    reset([es, second]);
    const ambiguous = new JwksKeySource({ issuer: server.issuer });
    await ambiguous.ready();
    assert.equal(ambiguous.resolve(undefined, 'ES256'), undefined);
  });

  it('on unknown kids refetches once per cooldown, with concurrent misses sharing one request', async () => {
    reset();
    const source = new JwksKeySource({ issuer: server.issuer, cooldownMs: 300 });
    await source.ready();
    assert.equal(server.counts.jwks, 1);

    // Within the cooldown of the initial load: no request at all.
    assert.equal(await source.refreshForUnknownKey(), false);
    assert.equal(server.counts.jwks, 1);

    await sleep(350);
    const rotated = generateSigningKey('ES256');
    server.publish([es, rotated]);
    server.jwksDelayMs = 100;
    const results = await Promise.all(Array.from({ length: 20 }, () => source.refreshForUnknownKey()));
    assert.deepEqual(new Set(results), new Set([true]));
    assert.equal(server.counts.jwks, 2, 'twenty concurrent misses cause exactly one refetch');
    sameKey(source.resolve(rotated.kid, 'ES256'), rotated.publicKey);

    for (let i = 0; i < 10; i++) assert.equal(await source.refreshForUnknownKey(), false);
    assert.equal(server.counts.jwks, 2, 'misses within the cooldown do not refetch');
  });

  it('refreshes in the background after maxAge while still answering synchronously from memory', async () => {
    reset();
    const source = new JwksKeySource({ issuer: server.issuer, maxAgeMs: 100, cooldownMs: 50 });
    await source.ready();
    await sleep(150);
    const added = generateSigningKey('EdDSA');
    server.publish([es, ed, added]);
    sameKey(source.resolve(es.kid, 'ES256'), es.publicKey);
    assert.equal(source.resolve(added.kid, 'EdDSA'), undefined, 'the stale set answers now; the refresh is not awaited');
    await waitFor(() => server.counts.jwks === 2 && source.resolve(added.kid, 'EdDSA') !== undefined);
    sameKey(source.resolve(added.kid, 'EdDSA'), added.publicKey);
  });

  it('by default refreshes a key set older than 4 minutes, under the 5 minutes TokenDealer publishes a key before signing with it', async (t) => {
    reset();
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const source = new JwksKeySource({ issuer: server.issuer });
    await source.ready();
    t.mock.timers.tick(4 * 60 * 1000 - 1000);
    sameKey(source.resolve(es.kid, 'ES256'), es.publicKey);
    assert.equal(server.counts.jwks, 1, 'fresh at 3 min 59 s');
    t.mock.timers.tick(2000);
    sameKey(source.resolve(es.kid, 'ES256'), es.publicKey);
    t.mock.timers.reset();
    await waitFor(() => server.counts.jwks === 2);
  });

  it('retries a failing background refresh only once per cooldown, however many requests arrive', async () => {
    reset();
    const source = new JwksKeySource({ issuer: server.issuer, maxAgeMs: 50, cooldownMs: 1000 });
    await source.ready();
    server.jwksRawBody = 'not json';
    await sleep(1050);
    for (let i = 0; i < 20; i++) {
      sameKey(source.resolve(es.kid, 'ES256'), es.publicKey);
      await sleep(10);
    }
    assert.equal(server.counts.jwks, 2, 'one initial load and one failed refresh');
  });

  it('keeps the previous keys when a refresh fails or returns no usable key', async () => {
    reset();
    const source = new JwksKeySource({ issuer: server.issuer });
    await source.ready();
    server.publish([]);
    await assert.rejects(source.refresh(), /no usable signing keys/);
    server.jwksRawBody = '<html>oops</html>';
    await assert.rejects(source.refresh(), KeySourceError);
    sameKey(source.resolve(es.kid, 'ES256'), es.publicKey);
  });

  it('rejects a JWKS larger than 1 MiB even when sent without content-length', async () => {
    reset();
    server.jwksRawBody = JSON.stringify({ keys: [publicJwk(es)], padding: 'x'.repeat(1024 * 1024) });
    const source = new JwksKeySource({ issuer: server.issuer });
    await assert.rejects(source.ready(), (error: unknown) => error instanceof KeySourceError && /exceeds 1048576 bytes/.test(error.message));
  });

  it('gives up on a JWKS request after the timeout', async () => {
    reset();
    server.jwksDelayMs = 2000;
    const source = new JwksKeySource({ issuer: server.issuer, timeoutMs: 150 });
    const started = Date.now();
    await assert.rejects(source.ready(), KeySourceError);
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  });

  it('while the first load keeps failing, callers within the cooldown get the last error without new requests', async () => {
    reset();
    server.metadataOverrides = { issuer: 'https://someone-else.test' };
    const source = new JwksKeySource({ issuer: server.issuer, cooldownMs: 60_000 });
    await assert.rejects(source.ready(), KeySourceError);
    await assert.rejects(source.ready(), KeySourceError);
    await assert.rejects(source.ready(), KeySourceError);
    assert.equal(server.counts.metadata, 1);
  });
});
