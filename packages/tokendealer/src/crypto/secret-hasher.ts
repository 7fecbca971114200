import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './derive-key.js';

// Client secrets are 256-bit random values, so a keyed hash (HMAC-SHA-256) is enough: there
// is nothing to brute-force, and a password hash would throttle the token endpoint.
export class SecretHasher {
  private readonly key: Buffer;

  constructor(pepper: string, masterSecret: string | undefined) {
    this.key = deriveKey(masterSecret ? `${pepper}:${masterSecret}` : pepper, 'client-secret-hash');
  }

  hash(secret: string): string {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest('base64url');
  }

  /** Constant-time comparison of a presented secret with a stored hash. */
  matches(secret: string, storedHash: string): boolean {
    const presented = createHmac('sha256', this.key).update(secret, 'utf8').digest();
    const stored = Buffer.from(storedHash, 'base64url');
    return stored.length === presented.length && timingSafeEqual(presented, stored);
  }
}
