import { randomBytes } from 'node:crypto';

/** A URL-safe random string carrying `bytes * 8` bits of entropy. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random identifier that is safe as a command-line argument (never starts with '-'). */
export function randomIdentifier(bytes: number): string {
  for (;;) {
    const id = randomToken(bytes);
    if (!id.startsWith('-')) return id;
  }
}
