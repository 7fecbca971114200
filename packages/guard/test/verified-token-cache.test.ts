import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createVerifier, type AccessTokenClaims } from '../src/index.js';
import { VerifiedTokenCache } from '../src/verified-token-cache.js';
import { rejectsInvalidToken } from './support/assertions.js';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { b64url, generateSigningKey, mintToken } from './support/keys.js';

const AUDIENCE = 'https://runs.runnerly.test';
const SIGNATURE = 'S'.repeat(86);

function claimsFor(jti: string, exp = 2_000_000_000): AccessTokenClaims {
  return { iss: 'https://issuer.test', sub: 'runner-42', aud: ['a', 'b'], exp, iat: 1_700_000_000, jti, client_id: 'c', scopes: ['runs:read'] };
}

describe('VerifiedTokenCache', () => {
  const always = () => 1_800_000_000;

  it('serves claims only for the very token that was stored, not for one with the same signature', () => {
    const cache = new VerifiedTokenCache(10);
    const stored = `header.payload-one.${SIGNATURE}`;
    const lookalike = `header.payload-two.${SIGNATURE}`;
    cache.set(stored, claimsFor('one'));
    assert.equal(cache.get(lookalike, always), undefined);
    assert.equal(cache.get(stored, always)?.jti, 'one');
  });

  it('forgets a token once its exp is reached, without reading the clock on a miss', () => {
    const cache = new VerifiedTokenCache(10);
    const token = `header.payload.${SIGNATURE}`;
    cache.set(token, claimsFor('one', 1_800_000_060));
    let reads = 0;
    const clockAt = (seconds: number) => () => {
      reads++;
      return seconds;
    };
    assert.equal(cache.get('header.payload.other-signature-end', clockAt(0)), undefined);
    assert.equal(reads, 0);
    assert.equal(cache.get(token, clockAt(1_800_000_059.9))?.jti, 'one');
    assert.equal(cache.get(token, clockAt(1_800_000_060)), undefined);
    assert.equal(cache.size, 0);
  });

  it('evicts the least recently used token beyond its size', () => {
    const cache = new VerifiedTokenCache(2);
    const tokens = ['one', 'two', 'three'].map((name) => `header.${name}.${SIGNATURE}`) as [string, string, string];
    cache.set(tokens[0], claimsFor('one'));
    cache.set(tokens[1], claimsFor('two'));
    assert.ok(cache.get(tokens[0], always));
    cache.set(tokens[2], claimsFor('three'));
    assert.deepEqual(tokens.map((token) => cache.get(token, always)?.jti), ['one', undefined, 'three']);
  });

  it('freezes the claims it stores, their scopes and an audience array', () => {
    const cache = new VerifiedTokenCache(2);
    const claims = claimsFor('one');
    cache.set(`header.payload.${SIGNATURE}`, claims);
    assert.ok(Object.isFrozen(claims));
    assert.ok(Object.isFrozen(claims.scopes));
    assert.ok(Object.isFrozen(claims.aud));
  });
});

describe('createVerifier with its cache', () => {
  const key = generateSigningKey('ES256');
  let server: TestAuthServer;

  before(async () => {
    server = await startAuthServer();
    server.publish([key]);
  });
  after(async () => {
    await server.close();
  });

  it('rejects a forged token carrying the signature of a cached one', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE });
    const token = await mintToken(key, { issuer: server.issuer, audience: AUDIENCE });
    assert.equal((await verifier.verify(token)).sub, 'runner-42');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${header}.${b64url(JSON.stringify({ ...claims, sub: 'someone-else' }))}.${signature}`;
    await rejectsInvalidToken(verifier.verify(forged), /signature verification failed/);
    assert.equal((await verifier.verify(token)).sub, 'runner-42');
  });
});
