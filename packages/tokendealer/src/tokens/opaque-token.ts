import { createHash } from 'node:crypto';
import { randomToken } from '../crypto/random.js';

/**
 * Authorization codes and refresh tokens: 256 random bits, handed out once; only their SHA-256
 * is stored, so a copy of the database holds nothing that can be presented.
 */
export function newOpaqueToken(): { value: string; hash: string } {
  const value = randomToken(32);
  return { value, hash: hashOpaqueToken(value) };
}

export function hashOpaqueToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
