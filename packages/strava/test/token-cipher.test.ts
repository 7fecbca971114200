import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '@runnerly/service-config';
import { TokenCipher, tokenBinding } from '../src/crypto/token-cipher.js';
import { loadTokenKey, parseTokenKey } from '../src/crypto/token-key.js';

test('a sealed token opens only in its own row and column, under its own key', () => {
  const cipher = new TokenCipher(randomBytes(32));
  const binding = tokenBinding('runner-a', 42, 'access_token');
  const sealed = cipher.seal('a4b945687g', binding);
  assert.match(sealed, /^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
  assert.ok(!sealed.includes('a4b945687g'));
  assert.notEqual(cipher.seal('a4b945687g', binding), sealed, 'a fresh nonce each time');
  assert.equal(cipher.open(sealed, binding), 'a4b945687g');
  assert.throws(() => cipher.open(sealed, tokenBinding('runner-b', 42, 'access_token')));
  assert.throws(() => cipher.open(sealed, tokenBinding('runner-a', 42, 'refresh_token')));
  assert.throws(() => new TokenCipher(randomBytes(32)).open(sealed, binding));
  const [version, nonce, body, tag] = sealed.split('.');
  const flipped = Buffer.from(body!, 'base64url');
  flipped[0]! ^= 1;
  assert.throws(() => cipher.open([version, nonce, flipped.toString('base64url'), tag].join('.'), binding));
});

test('the token key is 32 bytes in hex or base64, and never echoed when wrong', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseTokenKey(key.toString('hex'), 'K'), key);
  assert.deepEqual(parseTokenKey(key.toString('base64'), 'K'), key);
  assert.throws(() => parseTokenKey('c2hvcnQ=', 'STRAVA_TOKEN_KEY'), (error: unknown) => error instanceof ConfigError && !error.message.includes('c2hvcnQ='));
});

test('outside production a key file is generated once (mode 0600) and reused; production requires the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-key-'));
  try {
    const file = join(dir, 'data', 'strava-token.key');
    const first = loadTokenKey({ tokenKey: undefined, tokenKeyFile: file }, {});
    assert.equal(first.generated, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = loadTokenKey({ tokenKey: undefined, tokenKeyFile: file }, {});
    assert.equal(again.generated, false);
    assert.deepEqual(again.key, first.key);
    assert.equal(readFileSync(file, 'utf8').trim(), first.key.toString('base64'));
    assert.throws(() => loadTokenKey({ tokenKey: undefined, tokenKeyFile: join(dir, 'other.key') }, { NODE_ENV: 'production' }), /STRAVA_TOKEN_KEY or STRAVA_TOKEN_KEY_FILE must be set in production/);
    assert.equal(existsSync(join(dir, 'other.key')), false);
    // In production a file is read only when named explicitly (a mounted secret), and never made.
    assert.throws(() => loadTokenKey({ tokenKey: undefined, tokenKeyFile: file }, { NODE_ENV: 'production' }), /must be set in production/);
    const other = join(dir, 'other.key');
    assert.throws(() => loadTokenKey({ tokenKey: undefined, tokenKeyFile: other }, { NODE_ENV: 'production', STRAVA_TOKEN_KEY_FILE: other }), /must be set in production/);
    assert.equal(existsSync(other), false);
    const mounted = loadTokenKey({ tokenKey: undefined, tokenKeyFile: file }, { NODE_ENV: 'production', STRAVA_TOKEN_KEY_FILE: file });
    assert.deepEqual(mounted, { key: first.key, generated: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
