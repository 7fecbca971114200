import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  GuardConfigurationError,
  InvalidTokenError,
  MAX_TOKEN_LENGTH,
  SUPPORTED_ALGORITHMS,
  verifyJwtAccessToken,
  type JwtVerifyOptions,
  type KeyResolver,
} from '../src/index.js';
import { throwsInvalidToken } from './support/assertions.js';
import { b64url, defaultClaims, generateSigningKey, mintToken, nowSeconds, signRaw, type SigningKey } from './support/keys.js';

const ISSUER = 'https://tokendealer.runnerly.test';
const AUDIENCE = 'https://runs.runnerly.test';
const options: JwtVerifyOptions = { issuer: ISSUER, audience: AUDIENCE };

const keys = Object.fromEntries(SUPPORTED_ALGORITHMS.map((alg) => [alg, generateSigningKey(alg)])) as Record<
  (typeof SUPPORTED_ALGORITHMS)[number],
  SigningKey
>;
const es256 = keys.ES256;

/** Resolves the test keys by kid, like a JWKS would. */
const resolveKey: KeyResolver = (kid) => Object.values(keys).find((key) => key.kid === kid)?.publicKey;
const mint = (key: SigningKey, changes: { claims?: Record<string, unknown>; header?: Record<string, unknown> } = {}) =>
  mintToken(key, { issuer: ISSUER, audience: AUDIENCE, ...changes });

describe('verifyJwtAccessToken: accepted tokens', () => {
  for (const alg of SUPPORTED_ALGORITHMS) {
    it(`accepts a valid ${alg} token minted by jose and returns its claims`, async () => {
      const token = await mint(keys[alg], { claims: { jti: `jti-${alg}` } });
      const claims = verifyJwtAccessToken(token, resolveKey, options);
      assert.equal(claims.iss, ISSUER);
      assert.equal(claims.aud, AUDIENCE);
      assert.equal(claims.sub, 'runner-42');
      assert.equal(claims.client_id, 'runs-app');
      assert.equal(claims.jti, `jti-${alg}`);
      assert.deepEqual(claims.scopes, ['runs:read', 'runs:write']);
    });
  }

  it('verifies each token on its own bytes when a shorter token follows a longer one', async () => {
    // The signing input, signature and claims are decoded into buffers reused from call to call.
    const long = await mint(keys.RS256, { claims: { jti: 'long', note: 'x'.repeat(2000) } });
    const short = await mint(es256, { claims: { jti: 'short' } });
    assert.equal(verifyJwtAccessToken(long, resolveKey, options).jti, 'long');
    const claims = verifyJwtAccessToken(short, resolveKey, options);
    assert.equal(claims.jti, 'short');
    assert.equal(claims.note, undefined);
    const tampered = `${short.slice(0, short.lastIndexOf('.'))}.${long.slice(long.lastIndexOf('.') + 1)}`;
    throwsInvalidToken(() => verifyJwtAccessToken(tampered, resolveKey, options), /signature verification failed/);
    assert.equal(verifyJwtAccessToken(long, resolveKey, options).note, 'x'.repeat(2000));
  });

  it('passes the header kid and alg to the key resolver', async () => {
    const token = await mint(keys.PS256);
    const calls: Array<[string | undefined, string]> = [];
    verifyJwtAccessToken(token, (kid, alg) => (calls.push([kid, alg]), resolveKey(kid, alg)), options);
    assert.deepEqual(calls, [[keys.PS256.kid, 'PS256']]);
  });

  it('gives an empty scopes list when the token has no scope claim, and ignores repeated spaces', async () => {
    assert.deepEqual(verifyJwtAccessToken(await mint(es256, { claims: { scope: undefined } }), resolveKey, options).scopes, []);
    assert.deepEqual(verifyJwtAccessToken(await mint(es256, { claims: { scope: ' a  b ' } }), resolveKey, options).scopes, ['a', 'b']);
  });

  it('accepts typ application/at+jwt in any letter case (RFC 9068 section 4)', async () => {
    for (const typ of ['application/at+jwt', 'AT+JWT', 'Application/At+Jwt']) {
      assert.equal(verifyJwtAccessToken(await mint(es256, { header: { typ } }), resolveKey, options).sub, 'runner-42');
    }
  });

  it('accepts an aud array containing the expected audience, and any of several expected audiences', async () => {
    const arrayAud = await mint(es256, { claims: { aud: ['https://other.test', AUDIENCE] } });
    assert.deepEqual(verifyJwtAccessToken(arrayAud, resolveKey, options).aud, ['https://other.test', AUDIENCE]);
    const plain = await mint(es256, { claims: { aud: 'https://second.test' } });
    assert.equal(verifyJwtAccessToken(plain, resolveKey, { issuer: ISSUER, audience: ['https://first.test', 'https://second.test'] }).aud, 'https://second.test');
  });

  it('accepts a private KeyObject from the resolver (the issuer verifying with its own key ring)', async () => {
    const token = await mint(keys.EdDSA);
    assert.equal(verifyJwtAccessToken(token, () => keys.EdDSA.privateKey, options).sub, 'runner-42');
  });
});

describe('verifyJwtAccessToken: algorithms and keys', () => {
  it('rejects alg none with 401 invalid_token, with or without a signature part', () => {
    const unsigned = `${b64url(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: es256.kid }))}.${b64url(JSON.stringify(defaultClaims({ issuer: ISSUER })))}`;
    throwsInvalidToken(() => verifyJwtAccessToken(`${unsigned}.`, resolveKey, options), /algorithm not allowed: none/);
    throwsInvalidToken(() => verifyJwtAccessToken(`${unsigned}.c2ln`, resolveKey, options), /algorithm not allowed: none/);
  });

  it('rejects an HS256 token whose HMAC secret is the public key bytes (algorithm confusion)', async () => {
    const secret = new Uint8Array(Buffer.from(keys.RS256.publicKey.export({ type: 'spki', format: 'pem' })));
    const token = await new SignJWT(defaultClaims({ issuer: ISSUER, audience: AUDIENCE }))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: keys.RS256.kid })
      .sign(secret);
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /algorithm not allowed: HS256/);
  });

  it('rejects an algorithm that is supported but not in the configured allow-list', async () => {
    const token = await mint(keys.RS256);
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, { ...options, algorithms: ['ES256', 'EdDSA'] }), /algorithm not allowed: RS256/);
  });

  it('throws GuardConfigurationError, not a verification result, when the allow-list contains none, HS* or unknown algorithms', async () => {
    const token = await mint(es256);
    for (const algorithms of [['none'], ['ES256', 'NONE'], ['HS256'], ['ES256', 'hs512'], ['ES384'], []]) {
      assert.throws(() => verifyJwtAccessToken(token, resolveKey, { ...options, algorithms }), GuardConfigurationError, JSON.stringify(algorithms));
    }
    assert.throws(() => verifyJwtAccessToken(token, resolveKey, { issuer: '' }), GuardConfigurationError);
  });

  it('rejects a token whose kid the resolver does not know with "unknown key id"', async () => {
    const token = await mint(es256, { header: { kid: 'no-such-key' } });
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /unknown key id/);
  });

  it('rejects a key whose type does not match the token algorithm', async () => {
    const cases: Array<[SigningKey, KeyObject]> = [
      [keys.ES256, keys.EdDSA.publicKey],
      [keys.RS256, keys.ES256.publicKey],
      [keys.PS256, keys.EdDSA.publicKey],
      [keys.EdDSA, keys.RS256.publicKey],
      [keys.ES256, generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey],
    ];
    for (const [signer, wrongKey] of cases) {
      const token = await mint(signer);
      throwsInvalidToken(() => verifyJwtAccessToken(token, () => wrongKey, options), /key does not match the token algorithm/);
    }
  });

  it('rejects RS256 and PS256 tokens whose RSA key is shorter than 2048 bits', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const alg of ['RS256', 'PS256'] as const) {
      const token = signRaw(alg, weak.privateKey, { alg, typ: 'at+jwt', kid: 'weak' }, JSON.stringify(defaultClaims({ issuer: ISSUER, audience: AUDIENCE })));
      throwsInvalidToken(() => verifyJwtAccessToken(token, () => weak.publicKey, options), /key does not match the token algorithm/);
    }
  });

  it('rejects a tampered signature and a payload swapped under a valid signature', async () => {
    const token = await mint(es256);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    throwsInvalidToken(() => verifyJwtAccessToken(`${header}.${payload}.${flipped}`, resolveKey, options), /signature verification failed/);
    const elevated = b64url(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'admin' }));
    throwsInvalidToken(() => verifyJwtAccessToken(`${header}.${elevated}.${signature}`, resolveKey, options), /signature verification failed/);
  });

  it('rejects a signature made by another key under the same kid', async () => {
    const impostor = { ...generateSigningKey('ES256'), kid: es256.kid };
    const token = await mint(impostor);
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /signature verification failed/);
  });

  it('rejects a signature whose last character has non-zero pad bits (a second encoding of the same bytes)', async () => {
    const token = await mint(es256);
    assert.equal(token.length - token.lastIndexOf('.') - 1, 86, 'an ES256 signature has 4 pad bits in its last character');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) as string);
    const sameBytes = token.slice(0, -1) + alphabet[last | 0x01];
    assert.deepEqual(Buffer.from(sameBytes.split('.')[2] as string, 'base64url'), Buffer.from(token.split('.')[2] as string, 'base64url'));
    throwsInvalidToken(() => verifyJwtAccessToken(sameBytes, resolveKey, options), /malformed signature/);
  });

  it('rejects an ES256 signature in DER form instead of the JWS raw r||s form', async () => {
    const token = await mint(es256);
    const [header, payload] = token.split('.') as [string, string];
    const { sign } = await import('node:crypto');
    const der = sign('sha256', Buffer.from(`${header}.${payload}`), es256.privateKey);
    throwsInvalidToken(() => verifyJwtAccessToken(`${header}.${payload}.${b64url(der)}`, resolveKey, options), /signature verification failed/);
  });
});

describe('verifyJwtAccessToken: header checks', () => {
  it('rejects a token whose typ is not at+jwt with 401 invalid_token', async () => {
    for (const typ of ['JWT', 'jwt', 'application/jwt', 'at+jwt+x', undefined]) {
      const token = await mint(es256, { header: { typ } });
      throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /unexpected token type/);
    }
  });

  it('rejects a validly signed token with a crit header (RFC 7515 section 4.1.11)', () => {
    const header = { alg: 'ES256', typ: 'at+jwt', kid: es256.kid, crit: ['x-runnerly'], 'x-runnerly': true };
    const token = signRaw('ES256', es256.privateKey, header, JSON.stringify(defaultClaims({ issuer: ISSUER, audience: AUDIENCE })));
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /critical header/);
  });

  it('rejects a header that is not a JSON object or has a non-string kid', () => {
    const payload = b64url(JSON.stringify(defaultClaims({ issuer: ISSUER })));
    for (const header of ['"ES256"', 'null', '[1]', '{"alg":', '{"typ":"at+jwt"}', '{"alg":1,"typ":"at+jwt"}']) {
      throwsInvalidToken(() => verifyJwtAccessToken(`${b64url(header)}.${payload}.c2ln`, resolveKey, options), /malformed token header|missing alg/);
    }
    const numericKid = b64url(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 7 }));
    throwsInvalidToken(() => verifyJwtAccessToken(`${numericKid}.${payload}.c2ln`, resolveKey, options), /malformed kid/);
  });
});

describe('verifyJwtAccessToken: claims checks', () => {
  const at = (changes: Record<string, unknown>) => mint(es256, { claims: changes });

  it('rejects a token from another issuer, even one differing only by a trailing slash', async () => {
    for (const iss of ['https://evil.test', `${ISSUER}/`, ISSUER.toUpperCase()]) {
      const token = await at({ iss });
      throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /unexpected issuer/);
    }
  });

  it('rejects a token for another audience with "unexpected audience"', async () => {
    for (const aud of ['https://billing.runnerly.test', ['https://a.test', 'https://b.test']]) {
      const token = await at({ aud });
      throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /unexpected audience/);
    }
  });

  it('rejects an expired token beyond the clock tolerance and accepts one within it', async () => {
    const exp = 2_000_000_000;
    const token = await at({ exp, iat: exp - 300 });
    assert.equal(verifyJwtAccessToken(token, resolveKey, { ...options, now: exp + 9 }).exp, exp);
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, { ...options, now: exp + 10 }), /token expired/);
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, { ...options, now: exp, clockTolerance: 0 }), /token expired/);
    assert.equal(verifyJwtAccessToken(token, resolveKey, { ...options, now: exp - 1, clockTolerance: 0 }).exp, exp);
  });

  it('rejects a token expired by the system clock when no time is given', async () => {
    const token = await at({ exp: nowSeconds() - 60, iat: nowSeconds() - 360 });
    throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /token expired/);
  });

  it('rejects nbf in the future beyond the tolerance and accepts it within the tolerance', async () => {
    const now = 2_000_000_000;
    const soon = await at({ nbf: now + 5, iat: now, exp: now + 300 });
    assert.equal(verifyJwtAccessToken(soon, resolveKey, { ...options, now }).nbf, now + 5);
    const later = await at({ nbf: now + 11, iat: now, exp: now + 300 });
    throwsInvalidToken(() => verifyJwtAccessToken(later, resolveKey, { ...options, now }), /not yet valid/);
    throwsInvalidToken(() => verifyJwtAccessToken(soon, resolveKey, { ...options, now, clockTolerance: 0 }), /not yet valid/);
  });

  it('rejects iat in the future beyond the tolerance', async () => {
    const now = 2_000_000_000;
    assert.equal(verifyJwtAccessToken(await at({ iat: now + 10, exp: now + 300 }), resolveKey, { ...options, now }).iat, now + 10);
    const future = await at({ iat: now + 11, exp: now + 300 });
    throwsInvalidToken(() => verifyJwtAccessToken(future, resolveKey, { ...options, now }), /issued in the future/);
  });

  it('rejects a token missing any RFC 9068 required claim', async () => {
    const expected: Record<string, RegExp> = {
      iss: /unexpected issuer/,
      exp: /exp claim/,
      iat: /iat claim/,
      aud: /aud claim/,
      sub: /sub claim/,
      client_id: /client_id claim/,
      jti: /jti claim/,
    };
    for (const [claim, description] of Object.entries(expected)) {
      const token = await at({ [claim]: undefined });
      throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), description);
    }
  });

  it('rejects required claims of the wrong type', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ exp: String(nowSeconds() + 60) }, /exp claim/],
      [{ iat: 'yesterday' }, /iat claim/],
      [{ nbf: '0' }, /nbf claim/],
      [{ sub: 42 }, /sub claim/],
      [{ sub: '' }, /sub claim/],
      [{ client_id: ['a'] }, /client_id claim/],
      [{ jti: null }, /jti claim/],
      [{ aud: [] }, /aud claim/],
      [{ aud: [AUDIENCE, 1] }, /aud claim/],
      [{ scope: ['runs:read'] }, /scope claim/],
    ];
    for (const [claims, description] of cases) {
      const token = await at(claims);
      throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), description);
    }
  });

  it('rejects validly signed claims that are not a JSON object', () => {
    for (const payload of ['null', '[]', '42', '"claims"', 'not json', '']) {
      const token = signRaw('ES256', es256.privateKey, { alg: 'ES256', typ: 'at+jwt', kid: es256.kid }, payload);
      if (payload === '') {
        throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /malformed token/);
      } else {
        throwsInvalidToken(() => verifyJwtAccessToken(token, resolveKey, options), /claims are not a JSON object/);
      }
    }
  });
});

describe('verifyJwtAccessToken: malformed input (fuzz)', () => {
  // Deterministic pseudo-random numbers, so a failure can be replayed.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function assertOnlyInvalidToken(input: unknown): void {
    try {
      verifyJwtAccessToken(input as string, resolveKey, options);
    } catch (error) {
      assert.ok(error instanceof InvalidTokenError, `input ${JSON.stringify(input)?.slice(0, 80)} threw ${String(error)}`);
      return;
    }
    assert.fail(`input ${JSON.stringify(input)?.slice(0, 80)} was accepted`);
  }

  it('throws only InvalidTokenError for random strings, garbage base64url and broken structure', async () => {
    const next = random(9068);
    const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const b64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const anyAlphabet = b64Alphabet + '.=+/ \t\n"{}[]:,\\\u0000\u00e9\u20ac\ud83d';
    const valid = await mint(es256);
    const [header, payload, signature] = valid.split('.') as [string, string, string];

    for (let i = 0; i < 500; i++) assertOnlyInvalidToken(pick(anyAlphabet, Math.floor(next() * 200)));
    for (let i = 0; i < 500; i++) {
      assertOnlyInvalidToken([1, 2, 3].map(() => pick(b64Alphabet, 1 + Math.floor(next() * 120))).join('.'));
    }
    for (let i = 0; i < 300; i++) {
      // A valid header with garbage claims and signature exercises the paths past the header.
      assertOnlyInvalidToken(`${header}.${pick(b64Alphabet, 1 + Math.floor(next() * 200))}.${pick(b64Alphabet, Math.floor(next() * 90))}`);
    }
    for (let i = 0; i < 300; i++) {
      // Corrupt one character of a valid token.
      const at = Math.floor(next() * valid.length);
      let replacement = pick(anyAlphabet, 1);
      while (replacement === valid[at]) replacement = pick(anyAlphabet, 1);
      assertOnlyInvalidToken(valid.slice(0, at) + replacement + valid.slice(at + 1));
    }
    const structural = [
      '',
      '.',
      '..',
      '...',
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.${signature}`,
      `${header}..${signature}`,
      `.${payload}.${signature}`,
      `${header}.${payload}.${signature}=`,
      `${header}.${payload}.${signature.replace(/[-_]/g, '+')}x`,
      ` ${valid}`,
      `${valid}\n`,
      `${header}=.${payload}.${signature}`,
      `${b64url('{"alg":"ES256","typ":"at+jwt","kid":"' + 'k'.repeat(5000) + '"}')}.${payload}.${signature}`,
    ];
    for (const input of structural) assertOnlyInvalidToken(input);
    for (const input of [undefined, null, 42, {}, [], Symbol.iterator, Buffer.from(valid)]) assertOnlyInvalidToken(input);
  });

  it('rejects a huge token before doing any work', () => {
    let resolverCalled = false;
    const huge = `${'a'.repeat(MAX_TOKEN_LENGTH)}.${'b'.repeat(10)}.${'c'.repeat(10)}`;
    throwsInvalidToken(
      () =>
        verifyJwtAccessToken(
          huge,
          () => {
            resolverCalled = true;
            return undefined;
          },
          options,
        ),
      /malformed token/,
    );
    throwsInvalidToken(() => verifyJwtAccessToken('x'.repeat(10 * 1024 * 1024), resolveKey, options), /malformed token/);
    assert.equal(resolverCalled, false);
  });
});
