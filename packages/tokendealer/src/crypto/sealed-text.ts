import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './derive-key.js';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedTextError extends Error {}

/**
 * Text kept at rest under AES-256-GCM, with a key derived from the master secret for one purpose
 * (so each kind of data has its own key). The caller binds each value to its row (a key id, a row
 * id) as additional data, so a sealed value cannot be moved onto another row. Without a master
 * secret there is no key and values are kept as they are.
 */
export class TextSealer {
  private readonly key: Buffer | undefined;

  constructor(masterSecret: string | undefined, purpose: string) {
    this.key = masterSecret ? deriveKey(masterSecret, purpose) : undefined;
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  /** Whether a stored value was sealed (with any key), as opposed to kept as it is. */
  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(boundTo: string, plaintext: string): string {
    if (!this.key) return plaintext;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The plaintext; throws when the value was sealed under another key or for another row, or is sealed while we have no key (or the reverse). */
  open(boundTo: string, stored: string): string {
    if (!TextSealer.isSealed(stored)) {
      if (this.key) throw new SealedTextError('the value is not sealed although a master secret is configured');
      return stored;
    }
    if (!this.key) throw new SealedTextError('the value is sealed: configure the master secret');
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedTextError('the value cannot be decrypted: wrong master secret, or moved from another row');
    }
  }
}
