import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './derive-key.js';

const PREFIX = 'enc:v1:';

export class KeyEncryptionError extends Error {}

/**
 * Protects private signing keys at rest with AES-256-GCM when a master secret is configured.
 * The key id is bound as additional data so an encrypted key cannot be swapped onto another row.
 */
export class KeyEncryption {
  private readonly key: Buffer | undefined;

  constructor(masterSecret: string | undefined) {
    this.key = masterSecret ? deriveKey(masterSecret, 'signing-key-encryption') : undefined;
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  seal(kid: string, plaintext: string): string {
    if (!this.key) return plaintext;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  open(kid: string, stored: string): string {
    if (!stored.startsWith(PREFIX)) {
      if (this.key) throw new KeyEncryptionError(`signing key ${kid} is stored unencrypted although a master secret is configured`);
      return stored;
    }
    if (!this.key) throw new KeyEncryptionError(`signing key ${kid} is encrypted: configure the master secret`);
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(kid, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyEncryptionError(`signing key ${kid} cannot be decrypted: wrong master secret`);
    }
  }
}

/**
 * A value that tells whether a process uses the same master secret (or none) as the one that
 * set up the installation, without revealing the secret.
 */
export function masterSecretFingerprint(masterSecret: string | undefined): string {
  return masterSecret ? `hkdf:${deriveKey(masterSecret, 'master-secret-fingerprint').toString('base64url')}` : 'none';
}
