import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './derive-key.js';

// Client secrets are 256-bit random values, so a keyed hash (HMAC-SHA-256) is enough: there
// is nothing to brute-force, and a password hash would throttle the token endpoint.
/** SHA-256's block size: HMAC pads its key to it (RFC 2104). */
const BLOCK_BYTES = 64;

/** What is known of one stored hash. */
interface StoredSecret {
  /** The stored hash, decoded. */
  readonly digest: Buffer;
  /**
   * The bytes of the last presented secret that matched it. The same secret presented again is
   * compared with them in constant time instead of being hashed again: the HMAC was the largest
   * cost of a token request after the signature. The database still holds only keyed hashes; the
   * process's memory, which holds the signing keys anyway, holds the secrets clients proved.
   */
  verified?: Buffer;
}

/** Stored hashes remembered at most; beyond, start over (secrets rotated very often). */
const MAX_STORED = 10_000;

export class SecretHasher {
  private readonly key: Buffer;
  /** The key XOR ipad and XOR opad, computed once (RFC 2104 section 2). */
  private readonly innerPad: Buffer;
  private readonly outerPad: Buffer;
  /** By stored hash: a client's hash is compared on every token request. */
  private readonly stored = new Map<string, StoredSecret>();

  constructor(pepper: string, masterSecret: string | undefined) {
    this.key = deriveKey(masterSecret ? `${pepper}:${masterSecret}` : pepper, 'client-secret-hash');
    if (this.key.length > BLOCK_BYTES) throw new Error('client-secret key longer than a SHA-256 block');
    this.innerPad = Buffer.alloc(BLOCK_BYTES, 0x36);
    this.outerPad = Buffer.alloc(BLOCK_BYTES, 0x5c);
    for (let i = 0; i < this.key.length; i++) {
      this.innerPad[i]! ^= this.key[i]!;
      this.outerPad[i]! ^= this.key[i]!;
    }
  }

  /**
   * HMAC-SHA-256 of the secret as two one-shot SHA-256 calls over the precomputed pads: the same
   * value as createHmac (a test holds them equal), at about half its cost.
   */
  private hmac(message: Buffer): Buffer {
    const inner = hash('sha256', Buffer.concat([this.innerPad, message], BLOCK_BYTES + message.length), 'buffer');
    return hash('sha256', Buffer.concat([this.outerPad, inner], BLOCK_BYTES + inner.length), 'buffer');
  }

  hash(secret: string): string {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest('base64url');
  }

  /** Constant-time comparison of a presented secret with a stored hash. */
  matches(secret: string, storedHash: string): boolean {
    const stored = this.storedSecret(storedHash);
    const presented = Buffer.from(secret, 'utf8');
    const { verified } = stored;
    if (verified !== undefined && verified.length === presented.length && timingSafeEqual(verified, presented)) return true;
    const digest = this.hmac(presented);
    if (digest.length !== stored.digest.length || !timingSafeEqual(digest, stored.digest)) return false;
    // A copy: `presented` may be a slice of Node's shared allocation pool.
    stored.verified = Buffer.from(presented);
    return true;
  }

  private storedSecret(storedHash: string): StoredSecret {
    let stored = this.stored.get(storedHash);
    if (stored === undefined) {
      if (this.stored.size >= MAX_STORED) this.stored.clear();
      stored = { digest: Buffer.from(storedHash, 'base64url') };
      this.stored.set(storedHash, stored);
    }
    return stored;
  }
}
