import { randomBytes } from 'node:crypto';

/** A new opaque id for a run or a race: 16 URL-safe characters (96 random bits). */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

export const ID_PATTERN = '^[A-Za-z0-9_-]{1,32}$';
