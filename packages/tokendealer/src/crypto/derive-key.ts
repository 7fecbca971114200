import { hkdfSync } from 'node:crypto';

/** A 256-bit key for one purpose, derived from installation secrets (RFC 5869). */
export function deriveKey(secretMaterial: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretMaterial, 'utf8'), 'runnerly-tokendealer', purpose, 32));
}
