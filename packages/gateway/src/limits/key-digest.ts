// Limit keys that clients choose (header values, up to the header section's size) or that can be
// long (token subjects) are stored as SHA-256 digests: a store entry stays small whatever the
// client sends, and the raw value never reaches Redis or the logs.
import { createHash } from 'node:crypto';

/** Subjects and client ids up to this length are kept as they are (readable in logs and Redis). */
export const MAX_PLAIN_KEY_LENGTH = 64;

/** Marks a digest, so it never equals a plain key. */
const DIGEST_MARK = '#';

/** "#" and the base64url SHA-256 of `value` (44 characters). */
export function keyDigest(value: string): string {
  return DIGEST_MARK + createHash('sha256').update(value).digest('base64url');
}

/** `value` when short, its digest otherwise. */
export function boundedKey(value: string): string {
  return value.length > MAX_PLAIN_KEY_LENGTH ? keyDigest(value) : value;
}

/** A stored key as logged: digests shortened to 12 characters of hash, plain keys as they are. */
export function loggedKey(key: string): string {
  return key.startsWith(DIGEST_MARK) ? key.slice(0, 13) : key;
}
