import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createVerifier,
  GuardConfigurationError,
  InsufficientScopeError,
  JwksKeySource,
  KeySourceError,
  verifyAccessToken,
} from '../src/index.js';
import { rejectsInvalidToken } from './support/assertions.js';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { generateSigningKey, mintToken, nowSeconds, type SigningKey } from './support/keys.js';

const AUDIENCE = 'https://runs.runnerly.test';

describe('createVerifier', () => {
  const current = generateSigningKey('ES256');
  const ed = generateSigningKey('EdDSA');
  let server: TestAuthServer;
  const mint = (key: SigningKey, claims: Record<string, unknown> = {}) => mintToken(key, { issuer: server.issuer, audience: AUDIENCE, claims });

  before(async () => {
    server = await startAuthServer();
  });
  beforeEach(() => {
    server.publish([current, ed]);
    server.counts.metadata = 0;
    server.counts.jwks = 0;
  });
  after(async () => {
    await server.close();
  });

  it('verifies tokens against the keys the issuer publishes', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE });
    for (const key of [current, ed]) {
      const claims = await verifier.verify(await mint(key));
      assert.equal(claims.sub, 'runner-42');
      assert.deepEqual(claims.scopes, ['runs:read', 'runs:write']);
    }
    assert.deepEqual(server.counts, { metadata: 1, jwks: 1, token: 0 });
  });

  it('rejects a token for another audience with 401 invalid_token', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE });
    await rejectsInvalidToken(verifier.verify(await mintToken(current, { issuer: server.issuer, audience: 'https://billing.test' })), /unexpected audience/);
  });

  it('after a key rotation, an unknown kid triggers exactly one JWKS refetch and then succeeds', async () => {
    const keySource = new JwksKeySource({ issuer: server.issuer, cooldownMs: 200 });
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, keySource });
    await verifier.verify(await mint(current));
    assert.equal(server.counts.jwks, 1);

    await sleep(250);
    const rotated = generateSigningKey('ES256');
    server.publish([current, rotated]);
    const claims = await verifier.verify(await mint(rotated, { sub: 'after-rotation' }));
    assert.equal(claims.sub, 'after-rotation');
    assert.equal(server.counts.jwks, 2);
    assert.equal(server.counts.metadata, 1, 'the metadata is discovered once');
  });

  it('repeated unknown kids within the cooldown cause no more than one refetch', async () => {
    const keySource = new JwksKeySource({ issuer: server.issuer, cooldownMs: 1000 });
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, keySource });
    await verifier.verify(await mint(current));
    await sleep(1050);
    const unpublished = Array.from({ length: 5 }, () => generateSigningKey('ES256'));
    const tokens = await Promise.all(unpublished.map((key) => mint(key)));
    await Promise.all(tokens.map((token) => rejectsInvalidToken(verifier.verify(token), /unknown key id/)));
    for (const token of tokens) await rejectsInvalidToken(verifier.verify(token), /unknown key id/);
    assert.equal(server.counts.jwks, 2, 'one initial load and one refetch');
  });

  it('a cache hit does not verify the token again', async () => {
    const keySource = new JwksKeySource({ issuer: server.issuer });
    const cached = createVerifier({ issuer: server.issuer, audience: AUDIENCE, keySource });
    const uncached = createVerifier({ issuer: server.issuer, audience: AUDIENCE, keySource, cacheSize: 0 });
    const token = await mint(current);
    await cached.verify(token);
    await cached.verify(token);
    await uncached.verify(token);

    // Withdraw the signing key: only a verification that skips the signature can still succeed.
    server.publish([ed]);
    await keySource.refresh();
    assert.equal((await cached.verify(token)).jti, (await cached.verify(token)).jti);
    await rejectsInvalidToken(uncached.verify(token), /unknown key id/);
    await rejectsInvalidToken(cached.verify(await mint(current)), /unknown key id/);
  });

  it('keeps at most cacheSize verified tokens, evicting the least recently used', async () => {
    const keySource = new JwksKeySource({ issuer: server.issuer });
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, keySource, cacheSize: 2 });
    const [first, second, third] = await Promise.all([mint(current), mint(current), mint(current)]);
    for (const token of [first, second, third] as string[]) {
      await verifier.verify(token);
      await verifier.verify(token);
    }
    server.publish([ed]);
    await keySource.refresh();
    await verifier.verify(third as string);
    await verifier.verify(second as string);
    await rejectsInvalidToken(verifier.verify(first as string), /unknown key id/);
  });

  it('remembers a token at its second verification: one seen once is verified again', async () => {
    const keySource = new JwksKeySource({ issuer: server.issuer });
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, keySource });
    const [once, twice] = await Promise.all([mint(current), mint(current)]);
    await verifier.verify(once);
    await verifier.verify(twice);
    await verifier.verify(twice);

    // Withdraw the signing key: only a token served from the cache can still pass.
    server.publish([ed]);
    await keySource.refresh();
    assert.equal((await verifier.verify(twice)).jti, (await verifier.verify(twice)).jti);
    await rejectsInvalidToken(verifier.verify(once), /unknown key id/);
  });

  it('rejects a cached token once it has expired', async () => {
    let now = nowSeconds();
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, clockTolerance: 0, now: () => now });
    const token = await mint(current, { iat: now, exp: now + 60 });
    assert.equal((await verifier.verify(token)).exp, now + 60);
    assert.equal((await verifier.verify(token)).exp, now + 60);
    now += 59;
    assert.equal((await verifier.verify(token)).exp, now + 1);
    now += 1;
    await rejectsInvalidToken(verifier.verify(token), /token expired/);
  });

  it('rejects a short-lived cached token after it expires in real time', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, clockTolerance: 0 });
    // At least one second of validity, whatever the fraction of the current second.
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const token = await mint(current, { iat: nowSeconds(), exp });
    await verifier.verify(token);
    await verifier.verify(token);
    await sleep(exp * 1000 - Date.now() + 50);
    await rejectsInvalidToken(verifier.verify(token), /token expired/);
  });

  it('checks required scopes on every call, cache hits included, with 403 insufficient_scope', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE });
    const token = await mint(current, { scope: 'runs:read' });
    assert.deepEqual((await verifier.verify(token, { scopes: ['runs:read'] })).scopes, ['runs:read']);
    await assert.rejects(verifier.verify(token, { scopes: ['runs:read', 'runs:write'] }), (error: unknown) => {
      assert.ok(error instanceof InsufficientScopeError);
      assert.equal(error.status, 403);
      assert.deepEqual(error.requiredScopes, ['runs:read', 'runs:write']);
      assert.match(error.description, /runs:write/);
      assert.match(error.wwwAuthenticate('runs'), /error="insufficient_scope".*scope="runs:read runs:write"$/);
      return true;
    });
    await verifier.verify(token);
  });

  it('refuses a token that is not a string as malformed, with the cache on as without', async () => {
    for (const cacheSize of [undefined, 0]) {
      const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, cacheSize });
      for (const input of [undefined, null, 42, {}, ['a.b.c']]) {
        await rejectsInvalidToken(verifier.verify(input as unknown as string), /malformed token/);
      }
    }
  });

  it('returns frozen claims from the first verification on, since cached claims are shared between requests', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE });
    const token = await mint(current, { aud: [AUDIENCE, 'https://other.test'] });
    for (const claims of [await verifier.verify(token), await verifier.verify(token), await verifier.verify(token)]) {
      assert.ok(Object.isFrozen(claims));
      assert.ok(Object.isFrozen(claims.scopes));
      assert.ok(Object.isFrozen(claims.aud));
    }
  });

  it('fails with KeySourceError (503) when the issuer cannot be reached', async () => {
    const gone = await startAuthServer();
    const issuer = gone.issuer;
    await gone.close();
    const verifier = createVerifier({ issuer, audience: AUDIENCE });
    const token = await mintToken(current, { issuer, audience: AUDIENCE });
    await assert.rejects(verifier.verify(token), (error: unknown) => error instanceof KeySourceError && error.statusCode === 503);
  });

  it('refuses configurations that would accept forged or misdirected tokens', () => {
    const issuer = server.issuer;
    assert.throws(() => createVerifier({ issuer, audience: undefined as unknown as string }), GuardConfigurationError);
    assert.throws(() => createVerifier({ issuer, audience: [] }), GuardConfigurationError);
    assert.throws(() => createVerifier({ issuer, audience: AUDIENCE, algorithms: ['none'] }), GuardConfigurationError);
    assert.throws(() => createVerifier({ issuer, audience: AUDIENCE, algorithms: ['HS256'] }), GuardConfigurationError);
    assert.throws(() => createVerifier({ issuer, audience: AUDIENCE, clockTolerance: -1 }), GuardConfigurationError);
    assert.throws(() => createVerifier({ issuer, audience: AUDIENCE, keySource: new JwksKeySource({ issuer: 'https://other.test' }) }), GuardConfigurationError);
  });
});

describe('verifyAccessToken', () => {
  const key = generateSigningKey('ES256');
  let server: TestAuthServer;
  before(async () => {
    server = await startAuthServer([key]);
  });
  after(async () => {
    await server.close();
  });

  it('shares one verifier (keys and cache) per issuer, audience, algorithms and tolerance', async () => {
    const options = { issuer: server.issuer, audience: AUDIENCE };
    const token = await mintToken(key, options);
    assert.equal((await verifyAccessToken(token, options)).sub, 'runner-42');
    assert.equal((await verifyAccessToken(await mintToken(key, options), { ...options, scopes: ['runs:read'] })).sub, 'runner-42');
    assert.deepEqual(server.counts, { metadata: 1, jwks: 1, token: 0 });

    const other = { issuer: server.issuer, audience: 'https://billing.test' };
    await verifyAccessToken(await mintToken(key, other), other);
    assert.deepEqual(server.counts, { metadata: 2, jwks: 2, token: 0 });
  });

  it('applies required scopes and audience like createVerifier', async () => {
    const options = { issuer: server.issuer, audience: AUDIENCE };
    const token = await mintToken(key, options);
    await assert.rejects(verifyAccessToken(token, { ...options, scopes: ['runs:admin'] }), InsufficientScopeError);
    await rejectsInvalidToken(verifyAccessToken(token, { ...options, audience: 'https://elsewhere.test' }), /unexpected audience/);
  });
});
