import { deriveKey } from './derive-key.js';
import { TextSealer } from './sealed-text.js';

export class KeyEncryptionError extends Error {}

/**
 * Protects private signing keys at rest with AES-256-GCM when a master secret is configured.
 * The key id is bound as additional data so an encrypted key cannot be swapped onto another row.
 */
export class KeyEncryption {
  private readonly sealer: TextSealer;

  constructor(masterSecret: string | undefined) {
    this.sealer = new TextSealer(masterSecret, 'signing-key-encryption');
  }

  get enabled(): boolean {
    return this.sealer.enabled;
  }

  seal(kid: string, plaintext: string): string {
    return this.sealer.seal(kid, plaintext);
  }

  open(kid: string, stored: string): string {
    if (!TextSealer.isSealed(stored)) {
      if (this.enabled) throw new KeyEncryptionError(`signing key ${kid} is stored unencrypted although a master secret is configured`);
      return stored;
    }
    if (!this.enabled) throw new KeyEncryptionError(`signing key ${kid} is encrypted: configure the master secret`);
    try {
      return this.sealer.open(kid, stored);
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
