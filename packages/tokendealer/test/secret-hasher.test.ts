// The keyed hash of client secrets: what matches() computes on every token request must be
// exactly the HMAC-SHA-256 that hash() stored (createHmac), for any secret.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { SecretHasher } from '../src/crypto/secret-hasher.js';
import { deriveKey } from '../src/crypto/derive-key.js';

describe('client secret hashes', () => {
  const secrets = ['', 's', randomBytes(32).toString('base64url'), 'päss wörd ✓', 'x'.repeat(1000)];

  for (const masterSecret of [undefined, 'a master secret of at least thirty-two characters']) {
    it(`matches exactly the secrets whose stored HMAC-SHA-256 it made (master secret ${masterSecret ? 'set' : 'unset'})`, () => {
      const hasher = new SecretHasher('pepper', masterSecret);
      const key = deriveKey(masterSecret ? `pepper:${masterSecret}` : 'pepper', 'client-secret-hash');
      for (const secret of secrets) {
        const stored = hasher.hash(secret);
        assert.equal(stored, createHmac('sha256', key).update(secret, 'utf8').digest('base64url'));
        assert.equal(hasher.matches(`${secret}!`, stored), false, secret);
        // Twice: the second answer comes from the secret remembered at the first.
        assert.equal(hasher.matches(secret, stored), true, secret);
        assert.equal(hasher.matches(secret, stored), true, secret);
        assert.equal(hasher.matches(`${secret}!`, stored), false, secret);
        if (secret !== '') assert.equal(hasher.matches(secret.slice(0, -1), stored), false, secret);
        assert.equal(hasher.matches(secret, hasher.hash(`${secret}?`)), false, secret);
      }
    });
  }

  it('a secret remembered for one stored hash proves nothing for another, and a new secret for the same hash is hashed', () => {
    const hasher = new SecretHasher('pepper', undefined);
    const [first, second] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
    const firstStored = hasher.hash(first);
    const secondStored = hasher.hash(second);
    assert.equal(hasher.matches(first, firstStored), true);
    assert.equal(hasher.matches(first, secondStored), false);
    assert.equal(hasher.matches(second, firstStored), false);
    assert.equal(hasher.matches(second, secondStored), true);
    assert.equal(hasher.matches(first, firstStored), true);
  });
});
