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

/** A token whose signature ends with `ending`: tokens with different endings take different slots. */
function tokenEndingWith(ending: string, payload = 'payload'): string {
  return `header.${payload}.${SIGNATURE.slice(ending.length)}${ending}`;
}

/** Offers a token as two verifications would: remembered at the second. */
function offerTwice(cache: VerifiedTokenCache, token: string, claims: AccessTokenClaims): void {
  cache.offer(token, claims);
  cache.offer(token, claims);
}

describe('VerifiedTokenCache', () => {
  const always = () => 1_800_000_000;

  it('remembers a token at its second verification, not its first', () => {
    const cache = new VerifiedTokenCache(10);
    const token = tokenEndingWith('AAAAAAAAAA');
    cache.offer(token, claimsFor('one'));
    assert.equal(cache.get(token, always), undefined);
    assert.equal(cache.size, 0);
    cache.offer(token, claimsFor('one'));
    assert.equal(cache.get(token, always)?.jti, 'one');
    assert.equal(cache.size, 1);
  });

  it('a token verified once in between makes the first wait for a third verification, never a wrong hit', () => {
    const cache = new VerifiedTokenCache(10);
    // Same last ten characters: same slot and same mark in the table of tokens seen once.
    const first = tokenEndingWith('BBBBBBBBBB', 'payload-one');
    const second = tokenEndingWith('BBBBBBBBBB', 'payload-two');
    cache.offer(first, claimsFor('one'));
    cache.offer(second, claimsFor('two'));
    assert.equal(cache.get(first, always), undefined);
    assert.equal(cache.get(second, always)?.jti, 'two', 'the second token took the mark the first left');
    cache.offer(first, claimsFor('one'));
    cache.offer(first, claimsFor('one'));
    assert.equal(cache.get(first, always)?.jti, 'one');
    assert.equal(cache.get(second, always), undefined, 'the newer token takes the shared slot');
  });

  it('serves claims only for the very token that was stored, not for one with the same signature', () => {
    const cache = new VerifiedTokenCache(10);
    const stored = `header.payload-one.${SIGNATURE}`;
    const lookalike = `header.payload-two.${SIGNATURE}`;
    offerTwice(cache, stored, claimsFor('one'));
    assert.equal(cache.get(lookalike, always), undefined);
    assert.equal(cache.get(stored, always)?.jti, 'one');
  });

  it('forgets a token once its exp is reached, without reading the clock on a miss', () => {
    const cache = new VerifiedTokenCache(10);
    const token = `header.payload.${SIGNATURE}`;
    offerTwice(cache, token, claimsFor('one', 1_800_000_060));
    let reads = 0;
    const clockAt = (seconds: number) => () => {
      reads++;
      return seconds;
    };
    assert.equal(cache.get(tokenEndingWith('other-end'), clockAt(0)), undefined);
    assert.equal(reads, 0);
    assert.equal(cache.get(token, clockAt(1_800_000_059.9))?.jti, 'one');
    assert.equal(cache.get(token, clockAt(1_800_000_060)), undefined);
    assert.equal(cache.size, 0);
  });

  it('evicts the least recently used token beyond its size', () => {
    const cache = new VerifiedTokenCache(2);
    const tokens = ['one', 'two', 'six'].map((name) => tokenEndingWith(`${name}-end`)) as [string, string, string];
    offerTwice(cache, tokens[0], claimsFor('one'));
    offerTwice(cache, tokens[1], claimsFor('two'));
    assert.ok(cache.get(tokens[0], always));
    offerTwice(cache, tokens[2], claimsFor('six'));
    assert.deepEqual(tokens.map((token) => cache.get(token, always)?.jti), ['one', undefined, 'six']);
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
