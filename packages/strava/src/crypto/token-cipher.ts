// Strava tokens at rest: AES-256-GCM with a random 96-bit nonce, the row it belongs to as
// additional authenticated data, so a ciphertext copied to another runner's row (or column) does
// not decrypt. Stored as "v1.<nonce>.<ciphertext>.<tag>" in base64url.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class TokenCipher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new RangeError('the token key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, binding: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(binding));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, nonce.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Throws when the value was altered, moved to another row, or sealed under another key. */
  open(sealed: string, binding: string): string {
    const [version, nonce, body, tag] = sealed.split('.');
    if (version !== VERSION || nonce === undefined || body === undefined || tag === undefined) throw new Error('not a sealed token');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(binding));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** What a token is bound to: the runner, the athlete and the column. */
export const tokenBinding = (sub: string, athleteId: number, column: 'access_token' | 'refresh_token'): string => `strava:${sub}:${athleteId}:${column}`;
